// Bar and line charts drawn in SVG by the console itself: axes with ticks and grid lines, labels
// given by the caller in the chosen language, and a <title> on every bar and point as its tooltip.

import { s } from "./dom.js";

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 30, right: 18, bottom: 40, left: 66 };
const MAX_X_LABELS = 10;
const Y_TICKS = 4;

/** Round steps (1, 2, 5 × 10^n) from 0 up to at least `max`; whole numbers only with `whole`. */
export function niceTicks(max, count = Y_TICKS, whole = false) {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= raw);
  const step = whole ? Math.max(1, Math.round(nice)) : nice;
  const steps = Math.ceil(top / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

function frame(kind, ariaLabel, width, height) {
  return s("svg", {
    class: `chart chart-${kind}`, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": ariaLabel, preserveAspectRatio: "xMidYMid meet",
  });
}

function plotArea(width, height) {
  return {
    x0: MARGIN.left, x1: width - MARGIN.right,
    y0: height - MARGIN.bottom, y1: MARGIN.top,
  };
}

/** The y axis: grid lines and tick labels from 0 to the last tick; returns value → y. */
function yAxis(svg, area, ticks, format, unitLabel) {
  const top = ticks[ticks.length - 1];
  const y = (value) => area.y0 - ((area.y0 - area.y1) * value) / top;
  const axis = s("g", { class: "axis axis-y" });
  for (const tick of ticks) {
    axis.append(
      s("line", { class: "grid", x1: area.x0, x2: area.x1, y1: y(tick), y2: y(tick) }),
      s("text", { x: area.x0 - 6, y: y(tick), "text-anchor": "end", "dominant-baseline": "middle" }, format(tick)));
  }
  if (unitLabel) {
    axis.append(s("text", { class: "axis-unit", x: area.x0 - 6, y: area.y1 - 12, "text-anchor": "end" }, unitLabel));
  }
  axis.append(s("line", { class: "axis-line", x1: area.x0, x2: area.x0, y1: area.y0, y2: area.y1 }));
  svg.append(axis);
  return y;
}

function xLabel(text, x, area) {
  return s("text", { x, y: area.y0 + 22, "text-anchor": "middle" }, text);
}

/**
 * Bars per category, stacked when there are several series.
 * options: { labels: [category label], series: [{ key, label, values: [number] }],
 *            format(value) → text, unit: axis label, title: the chart's accessible name,
 *            width, height: of the drawing (the text keeps its size, so a narrow chart is smaller),
 *            whole: the values are counts (whole-number ticks) }
 */
export function barChart({
  labels, series, format = String, unit = "", title = "", width = WIDTH, height = HEIGHT, whole = false,
}) {
  const svg = frame("bar", title, width, height);
  const area = plotArea(width, height);
  const totals = labels.map((_, i) => series.reduce((sum, one) => sum + (one.values[i] || 0), 0));
  const y = yAxis(svg, area, niceTicks(Math.max(0, ...totals), Y_TICKS, whole), format, unit);
  const slot = (area.x1 - area.x0) / Math.max(1, labels.length);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const every = Math.ceil(labels.length / MAX_X_LABELS);
  const bars = s("g", { class: "bars" });
  const axis = s("g", { class: "axis axis-x" },
    s("line", { class: "axis-line", x1: area.x0, x2: area.x1, y1: area.y0, y2: area.y0 }));
  labels.forEach((label, i) => {
    const middle = area.x0 + slot * (i + 0.5);
    let base = 0;
    for (const one of series) {
      const value = one.values[i] || 0;
      const rect = s("rect", {
        class: `bar series-${one.key}`, "data-series": one.key, "data-index": i, "data-value": value,
        x: middle - barWidth / 2, width: barWidth, y: y(base + value), height: y(base) - y(base + value),
      }, s("title", {}, `${label} · ${one.label}: ${format(value)}`));
      bars.append(rect);
      base += value;
    }
    if (i % every === 0) axis.append(xLabel(label, middle, area));
  });
  svg.append(bars, axis);
  return svg;
}

/**
 * Lines over time: one polyline per series and a point for each value.
 * options: { times: [ms since epoch], series: [{ key, label, values: [number|null],
 *            pointClass(i) → extra class, pointNote(i) → extra tooltip text }],
 *            max: top of the y axis (else from the data), format(value), formatTime(ms), unit, title,
 *            width, height }
 */
export function lineChart({
  times, series, max, format = String, formatTime = String, unit = "", title = "", width = WIDTH, height = HEIGHT,
}) {
  const svg = frame("line", title, width, height);
  const area = plotArea(width, height);
  const values = series.flatMap((one) => one.values.filter((v) => v !== null && v !== undefined));
  const y = yAxis(svg, area, niceTicks(max ?? Math.max(0, ...values)), format, unit);
  const first = times.length ? times[0] : 0;
  const last = times.length > 1 ? times[times.length - 1] : first + 1;
  const x = (time) => area.x0 + ((area.x1 - area.x0) * (time - first)) / (last - first || 1);
  const axis = s("g", { class: "axis axis-x" },
    s("line", { class: "axis-line", x1: area.x0, x2: area.x1, y1: area.y0, y2: area.y0 }));
  if (times.length) {
    const ticks = Math.max(2, Math.floor(width / 130));
    for (let i = 0; i <= ticks; i += 1) {
      const time = first + ((last - first) * i) / ticks;
      axis.append(xLabel(formatTime(time), x(time), area));
    }
  }
  svg.append(axis);
  for (const one of series) {
    const group = s("g", { class: `line series-${one.key}`, "data-series": one.key });
    const points = [];
    one.values.forEach((value, i) => {
      if (value === null || value === undefined) return;
      points.push(`${x(times[i]).toFixed(1)},${y(value).toFixed(1)}`);
    });
    group.append(s("polyline", { class: "line-path", points: points.join(" ") }));
    one.values.forEach((value, i) => {
      if (value === null || value === undefined) return;
      const extra = one.pointClass ? ` ${one.pointClass(i)}` : "";
      const note = one.pointNote ? ` · ${one.pointNote(i)}` : "";
      group.append(s("circle", {
        class: `point${extra}`, "data-index": i, "data-value": value, cx: x(times[i]), cy: y(value), r: 3.5,
      }, s("title", {}, `${formatTime(times[i])} · ${one.label}: ${format(value)}${note}`)));
    });
    svg.append(group);
  }
  return svg;
}
