// The map's scale bar (a round length that fits in about 120 pixels at the current zoom) and
// its north arrow (the site frame's y axis points north, as in ROS maps).

import { h } from "./dom.js";
import { t } from "./i18n.js";

const MOST_PX = 120;

/** The longest 1, 2 or 5 × 10ⁿ metres that fits in `px` pixels at `metresPerPx`. */
export function roundLength(metresPerPx, px = MOST_PX) {
  const most = metresPerPx * px;
  const power = 10 ** Math.floor(Math.log10(most));
  for (const step of [5, 2, 1]) if (step * power <= most) return step * power;
  return power;
}

function lengthText(metres) {
  return metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
}

/** The scale bar and north arrow; update(metresPerPx) after every zoom. */
export function scaleOverlay() {
  const bar = h("span", { class: "scale-bar" });
  const text = h("span", { class: "scale-text" });
  const element = h("div", { class: "map-scale", "aria-hidden": "true" },
    h("span", { class: "north-arrow", title: t("map.north") }, h("span", { class: "arrow" }, "▲"), t("map.northLetter")),
    h("span", { class: "scale" }, bar, text));
  const update = (metresPerPx) => {
    if (!(metresPerPx > 0)) return;
    const metres = roundLength(metresPerPx);
    bar.style.width = `${metres / metresPerPx}px`;
    text.textContent = lengthText(metres);
    element.dataset.metres = String(metres);
  };
  return { element, update };
}
