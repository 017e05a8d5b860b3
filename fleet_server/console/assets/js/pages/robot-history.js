// A robot's battery and activity over the last 24 hours, from /robots/{id}/history, as an SVG
// line chart whose points are coloured by what the robot was doing (charging, working, idle).

import { api } from "../api.js";
import { lineChart } from "../chart.js";
import { h } from "../dom.js";
import { clockTime, number } from "../format.js";
import { t } from "../i18n.js";

const POINTS = 300;
const ACTIVITIES = ["working", "charging", "idle"];

function legend() {
  return h("ul", { class: "chart-legend" },
    ACTIVITIES.map((activity) => h("li", { "data-activity": activity },
      h("span", { class: `swatch activity-${activity}`, "aria-hidden": "true" }), t(`activity.${activity}`))));
}

/** Draw the robot's history into `host` (once; the caller redraws by calling again). */
export async function renderHistory(host, robotId) {
  const points = await api(`/robots/${encodeURIComponent(robotId)}/history?points=${POINTS}`);
  if (points.length === 0) {
    host.replaceChildren(h("p", { class: "muted", "data-field": "history-empty" }, t("robot.historyEmpty")));
    return;
  }
  const chart = lineChart({
    times: points.map((p) => Date.parse(p.time)),
    max: 100,
    title: t("robot.history"),
    width: 420,
    height: 240,
    format: (v) => `${number(v, 1)} %`,
    formatTime: clockTime,
    series: [{
      key: "battery",
      label: t("robot.historyBattery"),
      values: points.map((p) => p.battery),
      pointClass: (i) => `activity-${points[i].activity}`,
      pointNote: (i) => t(`activity.${points[i].activity}`),
    }],
  });
  host.replaceChildren(h("figure", { class: "chart-panel robot-history", "data-chart": "battery" }, chart, legend()));
}
