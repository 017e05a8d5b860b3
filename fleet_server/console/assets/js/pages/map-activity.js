// Beside the map: the missions under way (their robot, status and expected arrival) and the open
// incidents; clicking one shows it on the map. An expected arrival is the metres still to drive
// this round over the robot's average speed in the last minute (stops included), as the live
// feed showed it: no robot is read again over REST.

import { h } from "../dom.js";
import { t, tValue } from "../i18n.js";
import { boxAround } from "../map-view.js";
import { pathMetres, plannedPoints } from "../map-plans.js";
import { ACTIVE_INCIDENT, ACTIVE_MISSION } from "../status.js";
import { store } from "../store.js";
import { incidentBadge, missionBadge } from "../ui.js";
import { nodeName } from "./common.js";

const SHOWN = 30;
// A robot's recent speed is its driving over the last minute as the feed showed it, stops
// included; under ten seconds of it says too little.
const SPEED_WINDOW_MS = 60_000;
const SPEED_LEAST_MS = 10_000;

/** The robot's average speed (m/s) over the last minute of its track, or null. */
export function recentSpeed(robotId, now = Date.now()) {
  const recent = (store.tracks.get(robotId) || []).filter((p) => p.at && now - p.at <= SPEED_WINDOW_MS);
  if (recent.length < 2 || now - recent[0].at < SPEED_LEAST_MS) return null;
  const speed = pathMetres(recent) / ((now - recent[0].at) / 1000);
  return speed > 0.05 ? speed : null;
}

function etaText(mission, site, nodes) {
  const points = plannedPoints(mission, site, nodes);
  if (points.length < 2) return null;
  const last = mission.progress.ahead[mission.progress.ahead.length - 1];
  const speed = recentSpeed(mission.robot);
  const place = nodeName(site, last);
  if (!speed) return t("map.etaUnknown", { place });
  const minutes = Math.max(1, Math.round(pathMetres(points) / speed / 60));
  return t("map.eta", { place, n: minutes });
}

function missionItem(mission, site, nodes, focus) {
  const eta = etaText(mission, site, nodes);
  return h("li", { "data-mission": mission.id },
    h("button", {
      type: "button", class: "activity-item", "data-action": "focus-mission",
      on: { click: () => focus.mission(mission) },
    },
    h("span", { class: "activity-title" }, `#${mission.id} · ${tValue("missionKind", mission.kind)}`),
    h("span", { class: "activity-robot" }, mission.robot || t("map.unassigned")),
    missionBadge(mission.status),
    eta ? h("span", { class: "activity-eta", "data-field": "eta", title: t("map.etaBasis") }, eta) : null));
}

function incidentItem(incident, focus) {
  return h("li", { "data-incident": incident.id },
    h("button", {
      type: "button", class: "activity-item", "data-action": "focus-incident",
      on: { click: () => focus.incident(incident) },
    },
    h("span", { class: "activity-title" }, `#${incident.id} · ${tValue("incidentType", incident.type)}`),
    h("span", { class: "activity-robot" }, incident.robot || "—"),
    incidentBadge(incident.status)));
}

/** The panel; update() redraws it (at most once a frame is the caller's business). */
export function activityPanel(site, map) {
  const nodes = new Map(site.nodes.map((node) => [node.id, node]));
  const focus = {
    mission: (mission) => {
      const robot = store.robots.get(mission.robot);
      const points = plannedPoints(mission, site, nodes);
      const corners = points.length ? points : robot?.position ? [robot.position] : [];
      if (corners.length) map.focusOn(boxAround(corners.map((p) => [p.x, p.y]), 30));
    },
    incident: (incident) => {
      map.focusOn(boxAround([[incident.location.x, incident.location.y]], 30));
    },
  };
  const element = h("section", { class: "panel activity", "aria-live": "polite" });
  const update = () => {
    const missions = [...store.missions.values()]
      .filter((m) => m.site === site.id && ACTIVE_MISSION.includes(m.status))
      .sort((a, b) => b.id - a.id);
    const incidents = [...store.incidents.values()]
      .filter((i) => i.site === site.id && ACTIVE_INCIDENT.includes(i.status))
      .sort((a, b) => b.id - a.id);
    element.replaceChildren(
      h("h2", {}, t("map.openIncidents", { n: incidents.length })),
      incidents.length
        ? h("ul", { class: "activity-list", "data-field": "incidents" }, incidents.slice(0, SHOWN).map((i) => incidentItem(i, focus)))
        : h("p", { class: "muted" }, t("map.noIncidents")),
      h("h2", {}, t("map.activeMissions", { n: missions.length })),
      missions.length
        ? h("ul", { class: "activity-list", "data-field": "missions" },
          missions.slice(0, SHOWN).map((m) => missionItem(m, site, nodes, focus)))
        : h("p", { class: "muted" }, t("map.noMissions")));
  };
  update();
  return { element, update };
}
