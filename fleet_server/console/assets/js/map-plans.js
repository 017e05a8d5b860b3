// What the robots are about to do, drawn on the map: each working robot's planned route for the
// round under way (from where it stands through the nodes ahead of it), and a line from each
// robot answering an incident to the incident. Also the metres a mission has still to drive,
// from which its expected arrival is reckoned.

import { s } from "./dom.js";
import { ACTIVE_MISSION } from "./status.js";
import { store } from "./store.js";

// Incidents a robot is on its way to or at.
const ANSWERED = ["dispatched", "on_scene"];

function robotOn(site, robotId) {
  const robot = robotId ? store.robots.get(robotId) : null;
  return robot?.position?.map_id === site.id ? robot : null;
}

/** The points a mission's robot still drives this round: where it is, then the nodes ahead
 * that are site nodes (a cleaning's lane ends are not). Empty when there is nothing to draw. */
export function plannedPoints(mission, site, nodes) {
  const robot = robotOn(site, mission.robot);
  if (!robot || mission.site !== site.id || !ACTIVE_MISSION.includes(mission.status)) return [];
  const ahead = (mission.progress?.ahead || []).map((id) => nodes.get(id)).filter(Boolean);
  return ahead.length ? [{ x: robot.position.x, y: robot.position.y }, ...ahead] : [];
}

/** Metres along the points. */
export function pathMetres(points) {
  let metres = 0;
  for (let i = 1; i < points.length; i += 1) {
    metres += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  }
  return metres;
}

/** Draw every planned route and responder line of the site into `layer`. */
export function drawPlans(layer, site, nodes) {
  layer.replaceChildren();
  for (const mission of store.missions.values()) {
    const points = plannedPoints(mission, site, nodes);
    if (points.length < 2) continue;
    layer.append(s("polyline", {
      class: "plan", "data-mission": mission.id, "data-robot": mission.robot,
      points: points.map((p) => `${p.x},${-p.y}`).join(" "),
    }));
  }
  for (const incident of store.incidents.values()) {
    const robot = robotOn(site, incident.robot);
    if (!robot || incident.site !== site.id || !ANSWERED.includes(incident.status)) continue;
    layer.append(s("line", {
      class: "responder", "data-incident": incident.id, "data-robot": robot.id,
      x1: robot.position.x, y1: -robot.position.y, x2: incident.location.x, y2: -incident.location.y,
    }));
  }
}
