// What the console knows now: robots, missions and incidents as the live feed delivers them,
// the sites, and each robot's recent path. Pages subscribe to topics.

// A robot's path: its recent track from the server when its detail is opened, extended with
// what the feed delivers, in bounded memory (a wall screen runs for days, with a thousand
// robots): points at least a metre apart, thinned to every other one when too many.
const TRACK_LIMIT = 600;
const TRACK_MIN_STEP_M = 1;

export const store = {
  robots: new Map(),
  missions: new Map(),
  incidents: new Map(),
  tracks: new Map(),
  sites: new Map(),
  connection: "connecting",
  // The whole fleet: running, paused or recalled, since when and by whom (GET /fleet/control).
  fleetControl: null,
  // The alerts the console has seen (a page read over REST, and what the feed brought since),
  // and how many alerts await acknowledging on the server (the badge and the title).
  alerts: new Map(),
  unacknowledgedAlerts: 0,
};

const listeners = new Map();

/** Call `listener(payload)` when the topic changes; returns the unsubscribe function. */
export function subscribe(topic, listener) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(listener);
  return () => listeners.get(topic).delete(listener);
}

function emit(topic, payload) {
  for (const listener of listeners.get(topic) || []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`listener of ${topic} failed`, error);
    }
  }
}

function addPoint(track, position, at = null) {
  const last = track[track.length - 1];
  const moved = !last || last.map_id !== position.map_id ||
    Math.hypot(last.x - position.x, last.y - position.y) >= TRACK_MIN_STEP_M;
  // `at` (ms, this browser's clock) on what the feed brought: how fast the robot goes lately.
  if (moved) track.push(at === null ? { x: position.x, y: position.y, map_id: position.map_id }
    : { x: position.x, y: position.y, map_id: position.map_id, at });
}

function bounded(track) {
  while (track.length > TRACK_LIMIT) {
    track = track.filter((_, i) => i % 2 === 0 || i === track.length - 1);
  }
  return track;
}

function recordTrack(robot) {
  const position = robot.position;
  if (!position) return;
  const track = store.tracks.get(robot.id) || [];
  addPoint(track, position, Date.now());
  store.tracks.set(robot.id, bounded(track));
}

/** A robot's recent track from the server (oldest first), put before what the feed brought;
 * tells "robots" so the map and the detail draw it. */
export function seedTrack(robotId, points) {
  const track = [];
  for (const point of points) addPoint(track, point);
  for (const point of store.tracks.get(robotId) || []) addPoint(track, point, point.at ?? null);
  store.tracks.set(robotId, bounded(track));
  const robot = store.robots.get(robotId);
  if (robot) emit("robots", [robot]);
}

/** Robots as they are now (a feed batch or a snapshot); tells "robots" the changed ones. */
export function putRobots(robots) {
  for (const robot of robots) {
    store.robots.set(robot.id, robot);
    recordTrack(robot);
  }
  emit("robots", robots);
}

/** Missions as they are now; tells "missions" the changed ones. */
export function putMissions(missions) {
  for (const mission of missions) store.missions.set(mission.id, mission);
  emit("missions", missions);
}

// When the feed last told of each incident: a list read over REST that started earlier is
// older than what the feed said, and does not overwrite it.
const incidentNews = new Map();

/** Incidents as they are now; tells "incidents" the changed ones. `readAt` (ms) marks a list
 * read over REST that began then: incidents the feed told of since keep the feed's version. */
export function putIncidents(incidents, readAt = null) {
  const fresh = readAt === null
    ? incidents
    : incidents.filter((incident) => !(incidentNews.get(incident.id) > readAt));
  const now = Date.now();
  for (const incident of fresh) {
    store.incidents.set(incident.id, incident);
    if (readAt === null) incidentNews.set(incident.id, now);
  }
  emit("incidents", fresh);
}

/** A snapshot replaces robots and incidents; missions keep the finished ones already known. */
export function putSnapshot(snapshot) {
  store.robots.clear();
  store.incidents.clear();
  putRobots(snapshot.robots || []);
  putMissions(snapshot.missions || []);
  putIncidents(snapshot.incidents || []);
  emit("snapshot", snapshot);
}

/** The fleet-wide state (GET /fleet/control, or the feed's "fleet" message); tells "fleet". */
export function putFleetControl(control) {
  store.fleetControl = control;
  emit("fleet", control);
}

// Alerts kept at hand (a wall screen runs for days): the ones heard of last.
const ALERTS_KEPT = 500;

function keepAlerts(alerts) {
  for (const alert of alerts) {
    store.alerts.delete(alert.id);
    store.alerts.set(alert.id, alert);
  }
  for (const id of store.alerts.keys()) {
    if (store.alerts.size <= ALERTS_KEPT) break;
    store.alerts.delete(id);
  }
}

/** Alerts read over REST and the server's count of unacknowledged ones; tells "alerts" with no
 * news (nothing to ring for). */
export function putAlertPage(alerts, unacknowledged) {
  keepAlerts(alerts);
  store.unacknowledgedAlerts = unacknowledged;
  emit("alerts", { changes: alerts.map((alert) => ({ event: "read", alert })), unacknowledged });
}

/** The feed's alerts message: each alert raised, repeated or acknowledged, and the count now;
 * tells "alerts" with the changes. */
export function putAlertChanges(message) {
  keepAlerts(message.changes.map((change) => change.alert));
  store.unacknowledgedAlerts = message.unacknowledged;
  emit("alerts", message);
}

/** The feed's connection state: connecting, live, reconnecting. */
export function setConnection(state) {
  store.connection = state;
  emit("connection", state);
}

/** Forget everything (on logging out). */
export function resetStore() {
  store.robots.clear();
  store.missions.clear();
  store.incidents.clear();
  incidentNews.clear();
  store.tracks.clear();
  store.sites.clear();
  store.fleetControl = null;
  store.alerts.clear();
  store.unacknowledgedAlerts = 0;
}
