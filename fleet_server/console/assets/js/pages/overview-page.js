// The overview (#/overview/{today|7d|30d}): the fleet's day in figures from /reports, as KPI
// tiles and SVG charts, for today or the last 7 or 30 days in the site's timezone.

import { api, errorText } from "../api.js";
import { barChart, lineChart } from "../chart.js";
import { h } from "../dom.js";
import { dateTime, number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";

export const SPANS = ["today", "7d", "30d"];
const REFRESH_MS = 30_000;
const MAX_ROBOT_BARS = 30;
const REPORTS = ["missions", "incidents", "patrols", "cleaning", "utilisation"];

/** Seconds as "1 min 30 s" (or "2 h 5 min") in the chosen language; "—" when absent. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const whole = Math.round(seconds);
  if (whole < 60) return t("duration.seconds", { s: whole });
  if (whole < 3600) {
    const minutes = Math.floor(whole / 60);
    return whole % 60 ? t("duration.minutes", { m: minutes, s: whole % 60 }) : t("duration.wholeMinutes", { m: minutes });
  }
  return t("duration.hours", { h: Math.floor(whole / 3600), m: Math.floor((whole % 3600) / 60) });
}

function percent(share) {
  return share === null || share === undefined ? "—" : `${number(share * 100, 1)} %`;
}

/** A day like 2026-12-05 as 12-05 (the axis has no room for the year). */
function shortDay(iso) {
  return iso.slice(5);
}

function tile(key, label, value, shown, note = "") {
  return h("div", { class: `kpi kpi-${key}`, "data-kpi": key },
    h("span", { class: "kpi-label" }, label),
    h("strong", { class: "kpi-value", "data-value": value ?? "" }, shown),
    note ? h("span", { class: "kpi-note" }, note) : null);
}

function robotTiles(now) {
  return ["working", "idle", "charging", "offline"].map((state) =>
    tile(`robots-${state}`, t(`overview.kpi.${state}`), now[state], number(now[state]),
      t("overview.kpi.ofTotal", { n: number(now.total) })));
}

function figureTiles(r) {
  const { missions, incidents, patrols, cleaning, utilisation } = r;
  return [
    tile("missions-completed", t("overview.kpi.completed"), missions.total.completed, number(missions.total.completed),
      t("overview.kpi.cancelled", { n: number(missions.total.cancelled) })),
    tile("missions-failed", t("overview.kpi.failed"), missions.total.failed, number(missions.total.failed)),
    tile("response-p50", t("overview.kpi.p50"), incidents.response_p50_s, duration(incidents.response_p50_s),
      t("overview.kpi.reached", { reached: number(incidents.reached), reported: number(incidents.reported) })),
    tile("response-p90", t("overview.kpi.p90"), incidents.response_p90_s, duration(incidents.response_p90_s)),
    tile("patrol-coverage", t("overview.kpi.patrolCoverage"), patrols.checkpoint_percent,
      patrols.checkpoint_percent === null ? "—" : `${number(patrols.checkpoint_percent, 1)} %`,
      t("overview.kpi.checkpoints", { visited: number(patrols.checkpoints_visited), planned: number(patrols.checkpoints_planned) })),
    tile("area-cleaned", t("overview.kpi.area"), cleaning.area_m2, t("area.m2", { n: number(cleaning.area_m2, 1) }),
      t("overview.kpi.cleanRuns", { n: number(cleaning.missions) })),
    tile("utilisation", t("overview.kpi.utilisation"), utilisation.utilisation, percent(utilisation.utilisation),
      t("overview.kpi.utilisationNote")),
    tile("energy-used", t("overview.kpi.energy"), utilisation.battery_used_percent_per_robot_day,
      utilisation.battery_used_percent_per_robot_day === null ? "—"
        : `${number(utilisation.battery_used_percent_per_robot_day, 1)} %`,
      t("overview.kpi.energyNote", { total: number(utilisation.battery_used_percent, 1) })),
  ];
}

function chartPanel(key, titleKey, chart, extra = null) {
  return h("figure", { class: "panel chart-panel", "data-chart": key },
    h("figcaption", {}, t(titleKey)), chart, extra);
}

function charts(r) {
  const days = r.missions.days.map((d) => shortDay(d.day));
  const count = (v) => number(v);
  const missionsPerDay = barChart({
    labels: days, title: t("overview.chart.missions"), unit: t("overview.unit.count"), format: count, whole: true,
    series: [
      { key: "completed", label: t("overview.series.completed"), values: r.missions.days.map((d) => d.completed) },
      { key: "failed", label: t("overview.series.failed"), values: r.missions.days.map((d) => d.failed) },
    ],
  });
  const kinds = r.missions.kinds;
  const missionsByKind = barChart({
    labels: kinds.map((k) => tValue("missionKind", k.kind)), title: t("overview.chart.kinds"),
    unit: t("overview.unit.count"), format: count, whole: true,
    series: [
      { key: "completed", label: t("overview.series.completed"), values: kinds.map((k) => k.completed) },
      { key: "failed", label: t("overview.series.failed"), values: kinds.map((k) => k.failed) },
    ],
  });
  const area = barChart({
    labels: r.cleaning.days.map((d) => shortDay(d.day)), title: t("overview.chart.area"),
    unit: t("overview.unit.m2"), format: (v) => number(v, 1),
    series: [{ key: "area", label: t("overview.series.area"), values: r.cleaning.days.map((d) => d.area_m2) }],
  });
  const energyDays = r.utilisation.days;
  const energy = lineChart({
    times: energyDays.map((d) => Date.parse(`${d.day}T00:00:00Z`)),
    title: t("overview.chart.energy"), unit: t("overview.unit.percentPoints"),
    format: (v) => number(v, 1), formatTime: (ms) => shortDay(new Date(ms).toISOString().slice(0, 10)),
    series: [{ key: "energy", label: t("overview.series.energy"), values: energyDays.map((d) => d.battery_used_percent) }],
  });
  const robots = [...r.utilisation.robots].sort((a, b) => (b.utilisation ?? 0) - (a.utilisation ?? 0));
  const shown = robots.slice(0, MAX_ROBOT_BARS);
  const perRobot = barChart({
    labels: shown.map((robot) => robot.serial_number), title: t("overview.chart.utilisation"),
    unit: t("overview.unit.percent"), format: (v) => number(v, 1),
    series: [{ key: "utilisation", label: t("overview.series.utilisation"), values: shown.map((robot) => (robot.utilisation ?? 0) * 100) }],
  });
  const more = robots.length > shown.length
    ? h("p", { class: "muted" }, t("overview.more", { n: robots.length - shown.length })) : null;
  return [
    chartPanel("missions", "overview.chart.missions", missionsPerDay),
    chartPanel("kinds", "overview.chart.kinds", missionsByKind),
    chartPanel("area", "overview.chart.area", area),
    chartPanel("energy", "overview.chart.energy", energy),
    chartPanel("utilisation", "overview.chart.utilisation", perRobot, more),
  ];
}

async function loadFigures(span) {
  const [now, ...answers] = await Promise.all([
    api("/reports/robots-now"),
    ...REPORTS.map((name) => api(`/reports/${name}?span=${encodeURIComponent(span)}`)),
  ]);
  return { now, reports: Object.fromEntries(REPORTS.map((name, i) => [name, answers[i]])) };
}

/** #/overview/{span}. */
export function render(container, [span]) {
  if (!SPANS.includes(span)) {
    location.replace(link("overview", SPANS[0]));
    return null;
  }
  const status = h("p", { class: "muted overview-status", "data-field": "status" }, t("overview.loading"));
  const period = h("p", { class: "muted overview-period", "data-field": "period" });
  const tiles = h("div", { class: "kpi-grid", "data-field": "tiles" });
  const chartGrid = h("div", { class: "chart-grid", "data-field": "charts" });
  container.append(h("section", { class: "page page-overview", "data-span": span },
    h("div", { class: "overview-head" },
      h("h1", {}, t("overview.title")),
      h("nav", { class: "tabs span-switch", "aria-label": t("overview.range") },
        SPANS.map((id) => h("a", {
          class: "tab", href: link("overview", id), "data-span": id, "aria-current": id === span ? "page" : false,
        }, t(`overview.span.${id}`)))),
      period, status),
    h("h2", {}, t("overview.robotsNow")),
    h("div", { class: "kpi-grid kpi-now", "data-field": "robots-now" }),
    tiles, chartGrid));
  const nowTiles = container.querySelector("[data-field=robots-now]");
  let gone = false;

  const load = async () => {
    try {
      const { now, reports } = await loadFigures(span);
      if (gone) return;
      const shown = reports.missions.period;
      period.textContent = t("overview.period", { first: shown.first_day, last: shown.last_day, zone: shown.timezone });
      nowTiles.replaceChildren(...robotTiles(now));
      tiles.replaceChildren(...figureTiles(reports));
      chartGrid.replaceChildren(...charts(reports));
      status.textContent = t("overview.updated", { time: dateTime(new Date().toISOString()) });
      status.dataset.loaded = "true";
    } catch (failure) {
      if (!gone) status.textContent = t("overview.failed", { error: errorText(failure) });
    }
  };
  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => {
    gone = true;
    clearInterval(timer);
  };
}
