// One robot's detail: state, battery, mission, errors, its path over the last half hour (the
// server's track, extended live), its recent missions, and pause / resume / cancel for roles
// that may control robots.

import { api } from "../api.js";
import { h } from "../dom.js";
import { ago, dateTime, number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { robotStatus } from "../status.js";
import { putMissions, seedTrack, store, subscribe } from "../store.js";
import { actionButton, batteryGauge, field, missionBadge, stateBadge } from "../ui.js";
import { nodeName, siteOf } from "./common.js";
import { renderHistory } from "./robot-history.js";

const RECENT_MISSIONS = 8;
const TRACK_MINUTES = 30;
const HISTORY_REFRESH_MS = 60_000;

function controlsFor(robot) {
  if (!can("robots.control") || !robot) return [];
  const status = robotStatus(robot);
  const hasMission = robot.mission_id !== null && robot.mission_id !== undefined;
  const controls = [];
  if (hasMission && status === "paused") controls.push("resume");
  else if (hasMission && status !== "offline") controls.push("pause");
  if (hasMission) controls.push("cancel");
  return controls;
}

function controlButton(robotId, control) {
  const path = `/robots/${encodeURIComponent(robotId)}/${control}`;
  // The answer is the robot's mission as it is now; the feed brings the robot's new state.
  const call = async () => putMissions([await api(path, { method: "POST" })]);
  if (control === "cancel") {
    return actionButton("robot.cancel", call, { kind: "danger", done: "robot.cancelSent", confirmKey: "robot.cancelConfirm" });
  }
  return actionButton(`robot.${control}`, call, { done: `robot.${control}Sent` });
}

function facts(robot, extra) {
  const position = robot.position;
  const heading = position ? Math.round(((position.theta * 180) / Math.PI + 360) % 360) : null;
  const missionLink = robot.mission_id !== null && robot.mission_id !== undefined
    ? h("a", { href: link("missions", robot.mission_id) }, `#${robot.mission_id}`)
    : t("robot.noMission");
  return h("dl", { class: "facts" },
    field("robot.kind", tValue("kind", robot.kind)),
    field("robot.state", stateBadge(robotStatus(robot)), { "data-field": "state" }),
    field("robot.battery", batteryGauge(robot.battery), { "data-field": "battery" }),
    field("robot.mission", missionLink, { "data-field": "mission" }),
    field("robot.lastSeen", robot.last_seen ? `${dateTime(robot.last_seen)} (${ago(robot.last_seen)})` : "—"),
    field("robot.position", position
      ? t("robot.positionText", { x: number(position.x, 1), y: number(position.y, 1), heading })
      : "—", { "data-field": "position" }),
    field("robot.lastNode", robot.last_node_id ? nodeName(siteOf(robot), robot.last_node_id) : "—"),
    field("robot.manufacturer", extra.manufacturer || robot.manufacturer || "—"),
  );
}

function errorsList(robot) {
  const errors = robot.errors || [];
  if (errors.length === 0) return h("p", { class: "muted", "data-field": "errors" }, t("robot.noErrors"));
  return h("ul", { class: "errors", "data-field": "errors" },
    errors.map((error) => h("li", { class: `error-level-${String(error.level).toLowerCase()}` },
      h("strong", {}, error.type), ` · ${tValue("errorLevel", error.level)}`,
      error.description ? ` · ${error.description}` : "")));
}

function missionsList(robotId) {
  const missions = [...store.missions.values()]
    .filter((m) => m.robot === robotId)
    .sort((a, b) => b.id - a.id)
    .slice(0, RECENT_MISSIONS);
  if (missions.length === 0) return h("p", { class: "muted" }, t("robot.noMissions"));
  return h("ul", { class: "mission-links" },
    missions.map((m) => h("li", {},
      h("a", { href: link("missions", m.id) }, `#${m.id} ${tValue("missionKind", m.kind)}`),
      " ", missionBadge(m.status), h("span", { class: "muted" }, ` ${dateTime(m.created_at)}`))));
}

/** Render the detail of a robot into `container`; returns the cleanup. */
export function renderRobotDetail(container, robotId) {
  const extra = {};
  const title = h("h2", { class: "robot-title" }, robotId);
  const controls = h("div", { class: "controls", "data-controls": "robot" });
  const factsHost = h("div");
  const errorsHost = h("div");
  const pathHost = h("p", { class: "muted", "data-field": "track" });
  const missionsHost = h("div", { "data-field": "missions" });
  const historyHost = h("div", { "data-field": "history" });
  container.replaceChildren(h("section", { class: "panel robot-detail", "data-robot": robotId },
    title, controls, factsHost,
    h("h3", {}, t("robot.errors")), errorsHost,
    h("h3", {}, t("robot.history")), historyHost,
    h("h3", {}, t("robot.recentPath")), pathHost,
    h("h3", {}, t("robot.recentMissions")), missionsHost));
  let shownControls = null;

  const draw = () => {
    const robot = store.robots.get(robotId);
    if (!robot) {
      factsHost.replaceChildren(h("p", { class: "muted" }, t("robot.unknown")));
      return;
    }
    factsHost.replaceChildren(facts(robot, extra));
    errorsHost.replaceChildren(errorsList(robot));
    pathHost.textContent = t("robot.pathPoints", { n: (store.tracks.get(robotId) || []).length });
    const wanted = controlsFor(robot);
    // Rebuilt only when the set changes, so focus and a pending confirmation survive updates.
    if (wanted.join() !== shownControls) {
      shownControls = wanted.join();
      controls.replaceChildren(...wanted.map((control) => controlButton(robotId, control)));
    }
  };
  const drawMissions = () => missionsHost.replaceChildren(missionsList(robotId));

  draw();
  drawMissions();
  let gone = false;
  api(`/robots/${encodeURIComponent(robotId)}`).then((robot) => {
    extra.manufacturer = robot.manufacturer;
    if (!gone) draw();
  }).catch(() => {});
  api(`/robots/${encodeURIComponent(robotId)}/track?minutes=${TRACK_MINUTES}`).then((points) => {
    if (!gone) seedTrack(robotId, points);
  }).catch(() => {});
  api(`/missions?robot=${encodeURIComponent(robotId)}&limit=${RECENT_MISSIONS}`).then((missions) => {
    for (const mission of missions) {
      if (!store.missions.has(mission.id)) store.missions.set(mission.id, mission);
    }
    if (!gone) drawMissions();
  }).catch(() => {});
  const drawHistory = () => renderHistory(historyHost, robotId).catch(() => {});
  drawHistory();
  const historyTimer = setInterval(drawHistory, HISTORY_REFRESH_MS);
  const unsubscribers = [
    subscribe("robots", (robots) => {
      if (robots.some((r) => r.id === robotId)) draw();
    }),
    subscribe("snapshot", draw),
    subscribe("missions", (missions) => {
      if (missions.some((m) => m.robot === robotId)) drawMissions();
    }),
  ];
  return () => {
    gone = true;
    clearInterval(historyTimer);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
