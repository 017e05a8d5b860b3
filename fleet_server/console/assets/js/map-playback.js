// A mission played back on the map from its telemetry (/missions/{id}/track): the path its
// robots drove, a marker that moves along it, play / pause and a time slider.

import { api, errorText } from "./api.js";
import { h, s } from "./dom.js";
import { dateTime, number } from "./format.js";
import { t } from "./i18n.js";

const POINTS = 2000;
// The whole mission plays in this long, whatever it lasted.
const PLAY_MS = 20_000;
const TICK_MS = 100;

/** The playback panel for mission `missionId` on `map` (a SiteMap); returns { element, destroy }. */
export function playbackPanel(map, missionId) {
  const toggle = h("button", { type: "button", class: "button", "data-action": "playback.toggle" }, t("playback.play"));
  const slider = h("input", {
    type: "range", min: 0, max: 0, value: 0, step: 1, disabled: true,
    "data-field": "playback-slider", "aria-label": t("playback.position"),
  });
  const when = h("span", { class: "muted", "data-field": "playback-time" });
  const note = h("p", { class: "muted", "data-field": "playback-note" }, t("playback.intro"));
  const element = h("section", { class: "panel playback", "data-field": "playback" },
    h("h2", {}, t("playback.title")), h("div", { class: "playback-controls" }, toggle, slider, when), note);
  const layer = s("g", { class: "playback-layer" });
  const path = s("polyline", { class: "playback-path" });
  const marker = s("g", { class: "playback-robot" }, s("circle", { r: 9 }), s("title", {}));
  let points = null;
  let index = 0;
  let timer = null;

  const show = (next) => {
    index = Math.max(0, Math.min(points.length - 1, next));
    const point = points[index];
    slider.value = String(index);
    Object.assign(marker.dataset, { index: String(index), x: String(point.x), y: String(point.y) });
    map.place(marker, point.x, point.y);
    const battery = point.battery === null ? "—" : `${number(point.battery)} %`;
    marker.querySelector("title").textContent = `${point.serial_number} · ${dateTime(point.time)} · ${battery}`;
    when.textContent = `${dateTime(point.time)} · ${point.serial_number} · ${battery}`;
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    toggle.textContent = t("playback.play");
  };
  const play = () => {
    if (index >= points.length - 1) show(0);
    const step = Math.max(1, Math.round((points.length * TICK_MS) / PLAY_MS));
    toggle.textContent = t("playback.pause");
    timer = setInterval(() => {
      show(index + step);
      if (index >= points.length - 1) stop();
    }, TICK_MS);
  };
  const load = async () => {
    const track = await api(`/missions/${encodeURIComponent(missionId)}/track?points=${POINTS}`);
    points = track.filter((p) => p.map_id === map.site.id);
    if (points.length === 0) {
      note.textContent = t("playback.empty");
      return false;
    }
    path.setAttribute("points", points.map((p) => `${p.x},${-p.y}`).join(" "));
    path.dataset.points = String(points.length);
    layer.replaceChildren(path, marker);
    map.svg.append(layer);
    slider.max = String(points.length - 1);
    slider.disabled = false;
    note.textContent = t("playback.points", { n: points.length });
    show(0);
    return true;
  };

  toggle.addEventListener("click", async () => {
    if (timer) {
      stop();
      return;
    }
    try {
      if (points === null && !(await load())) return;
      if (points.length) play();
    } catch (failure) {
      note.textContent = errorText(failure);
    }
  });
  slider.addEventListener("input", () => {
    stop();
    show(Number(slider.value));
  });
  return {
    element,
    destroy: () => {
      stop();
      layer.remove();
    },
  };
}
