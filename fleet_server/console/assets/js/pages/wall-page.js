// Wall mode (#/wall): the site map on the whole screen for a command centre's video wall, with
// large icons, no navigation, the fleet's counts and the open incidents over it, and the view
// cycling from one open incident to the next and back to the whole site.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { boxAround } from "../map-view.js";
import { link } from "../nav.js";
import { localName } from "../names.js";
import { ACTIVE_INCIDENT, ROBOT_STATES, robotStatus } from "../status.js";
import { store, subscribe } from "../store.js";
import { stateBadge } from "../ui.js";
import { currentSite, mapLayout } from "./common.js";
import { activityPanel } from "./map-activity.js";

// Seconds on each stop of the cycle: #/wall/30 for 30 s; 12 s by default.
const CYCLE_S = 12;
const CYCLE_BOUNDS = [3, 600];
const ICON_BOOST = 2.2;

function counts() {
  const found = Object.fromEntries(ROBOT_STATES.map((state) => [state, 0]));
  for (const robot of store.robots.values()) found[robotStatus(robot)] += 1;
  return h("ul", { class: "state-counts", "data-field": "wall-counts" },
    ROBOT_STATES.map((state) => h("li", { "data-status": state },
      stateBadge(state), h("span", { class: "count" }, String(found[state])))));
}

function cycleMs(given) {
  const seconds = Number(given);
  const [least, most] = CYCLE_BOUNDS;
  return 1000 * (Number.isFinite(seconds) && given ? Math.min(most, Math.max(least, seconds)) : CYCLE_S);
}

/** #/wall and #/wall/{seconds per stop}. */
export function render(container, [seconds]) {
  const site = currentSite();
  document.body.classList.add("wall-mode");
  const { map, side } = mapLayout(container, site, {
    showPlans: true,
    iconBoost: ICON_BOOST,
    onRobotClick: (id) => {
      location.hash = link("map", id);
    },
  }, "page-wall");
  const cleanups = [() => document.body.classList.remove("wall-mode")];
  if (!map) return () => cleanups.forEach((cleanup) => cleanup());
  const activity = activityPanel(site, map);
  const status = h("p", { class: "wall-focus", "data-field": "wall-focus" }, t("wall.overview"));
  const countBox = h("div", { class: "wall-counts" }, counts());
  side.append(
    h("div", { class: "wall-head" },
      h("h1", {}, t("wall.title", { site: localName(site) })),
      h("a", { class: "button small", href: link("map"), "data-action": "leave-wall" }, t("wall.exit"))),
    countBox, status, activity.element);

  let pending = false;
  const refresh = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      countBox.replaceChildren(counts());
      activity.update();
    });
  };
  cleanups.push(subscribe("missions", refresh), subscribe("incidents", refresh), subscribe("snapshot", refresh));
  // Robots move every second; the counts and arrivals need not follow every batch.
  const slow = setInterval(refresh, 2000);
  cleanups.push(() => clearInterval(slow));

  // The view shows each open incident in turn, then the whole site.
  let turn = 0;
  const cycle = () => {
    const open = [...store.incidents.values()]
      .filter((i) => i.site === site.id && ACTIVE_INCIDENT.includes(i.status))
      .sort((a, b) => a.id - b.id);
    const stops = [...open, null];
    const stop = stops[turn % stops.length];
    turn += 1;
    if (stop) {
      map.focusOn(boxAround([[stop.location.x, stop.location.y]], 60));
      status.textContent = t("wall.focus", { id: stop.id });
      status.dataset.incident = stop.id;
    } else {
      map.view.fit();
      status.textContent = t("wall.overview");
      delete status.dataset.incident;
    }
  };
  const timer = setInterval(cycle, cycleMs(seconds));
  cleanups.push(() => clearInterval(timer));
  return () => {
    for (const cleanup of cleanups) cleanup();
    map.destroy();
  };
}
