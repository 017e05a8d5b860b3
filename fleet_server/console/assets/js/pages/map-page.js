// The map page: the whole site with every robot live, a fleet summary and legend, and the
// detail of a robot clicked on the map.

import { h, s } from "../dom.js";
import { t, tValue } from "../i18n.js";
import { checkpointFlag, incidentMarker, kindShape } from "../map-shapes.js";
import { link } from "../nav.js";
import { ACTIVE_INCIDENT, ACTIVE_MISSION, ROBOT_KINDS, ROBOT_STATES, robotStatus } from "../status.js";
import { store, subscribe } from "../store.js";
import { stateBadge } from "../ui.js";
import { currentSite, mapLayout } from "./common.js";
import { activityPanel } from "./map-activity.js";
import { renderRobotDetail } from "./robot-detail.js";

function summary() {
  const counts = Object.fromEntries(ROBOT_STATES.map((state) => [state, 0]));
  for (const robot of store.robots.values()) counts[robotStatus(robot)] += 1;
  return h("div", { class: "summary" },
    h("p", { class: "summary-total" }, t("map.robotCount", { n: store.robots.size })),
    h("ul", { class: "state-counts" },
      ROBOT_STATES.map((state) => h("li", { "data-status": state },
        stateBadge(state), h("span", { class: "count" }, String(counts[state]))))));
}

/** A legend entry drawn with the map's own marker, so its colour is the marker's. */
function markerEntry(marker, label, attrs = {}) {
  return h("li", attrs,
    s("svg", { viewBox: "-14 -16 28 28", class: "legend-marker", "aria-hidden": "true" }, marker),
    h("span", {}, label));
}

function legend() {
  return h("section", { class: "panel legend" },
    h("h2", {}, t("map.legend")),
    h("ul", { class: "kind-legend" },
      ROBOT_KINDS.map((kind) => h("li", {},
        s("svg", { viewBox: "-12 -12 24 24", class: "kind-icon", "aria-hidden": "true" }, kindShape(kind)),
        t(`kind.${kind}`)))),
    h("ul", { class: "marker-legend" },
      ACTIVE_INCIDENT.map((status) => markerEntry(incidentMarker({ status }, ""),
        t("map.incidentStatus", { status: tValue("incidentStatus", status) }), { "data-incident-status": status })),
      markerEntry(checkpointFlag("", "pending", ""), t("map.checkpoint")),
      h("li", {}, h("span", { class: "swatch dock", "aria-hidden": "true" }), t("map.dock")),
      h("li", {}, h("span", { class: "swatch no-go", "aria-hidden": "true" }), t("zoneKind.no_go")),
      h("li", {}, h("span", { class: "swatch cleaning", "aria-hidden": "true" }), t("zoneKind.cleaning"))));
}

function activeCheckpoints() {
  const flags = [];
  for (const mission of store.missions.values()) {
    if (!ACTIVE_MISSION.includes(mission.status)) continue;
    for (const checkpoint of mission.definition?.checkpoints || []) {
      flags.push({ node: checkpoint.node, done: null });
    }
  }
  return flags;
}

/** #/map and #/map/{robot}. */
export function render(container, [robotId]) {
  const site = currentSite();
  const { map, side } = mapLayout(container, site, {
    viewKey: "map",
    selected: robotId || null,
    showTrack: true,
    showPlans: true,
    onRobotClick: (id) => {
      location.hash = link("map", id);
    },
    onIncidentClick: (id) => {
      location.hash = link("incidents", id);
    },
  }, "page-map");
  const summaryPanel = h("section", { class: "panel" }, h("h2", {}, t("map.fleet")), summary());
  const cleanups = [];
  if (robotId) {
    const detail = h("div", { class: "detail-host" });
    side.append(
      h("a", { class: "button", href: link("map"), "data-action": "close-detail" }, t("map.closeDetail")),
      detail);
    cleanups.push(renderRobotDetail(detail, robotId));
  }
  const activity = map ? activityPanel(site, map) : null;
  side.append(
    h("a", { class: "button wall-link", href: link("wall"), "data-action": "wall" }, t("map.wall")),
    summaryPanel, activity?.element, legend());
  let pending = false;
  const refreshSummary = () => {
    // Batches come four times a second; the counts are redrawn at most once per frame.
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      summaryPanel.replaceChildren(h("h2", {}, t("map.fleet")), summary());
    });
  };
  cleanups.push(subscribe("robots", refreshSummary), subscribe("snapshot", refreshSummary));
  if (activity) {
    let activityPending = false;
    const refreshActivity = () => {
      if (activityPending) return;
      activityPending = true;
      requestAnimationFrame(() => {
        activityPending = false;
        activity.update();
      });
    };
    // Arrivals follow the robots, but need not be redrawn with every batch.
    const slow = setInterval(refreshActivity, 2000);
    cleanups.push(subscribe("missions", refreshActivity), subscribe("incidents", refreshActivity),
      () => clearInterval(slow));
  }
  if (map) {
    map.setCheckpoints(activeCheckpoints());
    cleanups.push(subscribe("missions", () => map.setCheckpoints(activeCheckpoints())));
  }
  return () => {
    for (const cleanup of cleanups) cleanup();
    map?.destroy();
  };
}
