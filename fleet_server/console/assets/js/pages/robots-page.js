// The robots page: a live table with filters (#/robots), and one robot's detail beside the map
// with the path it drove since the page opened (#/robots/{serial}).

import { h, setText } from "../dom.js";
import { ago } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { ROBOT_KINDS, ROBOT_STATES, robotStatus } from "../status.js";
import { store, subscribe } from "../store.js";
import { batteryGauge, stateBadge } from "../ui.js";
import { currentSite, mapLayout, siteOf } from "./common.js";
import { renderRobotDetail } from "./robot-detail.js";

const AGE_REFRESH_MS = 1000;
const filters = { text: "", kind: "", state: "" };

function select(name, labelKey, values, group) {
  const control = h("select", { name, "data-filter": name },
    h("option", { value: "" }, t("filter.all")),
    values.map((value) => h("option", { value }, t(`${group}.${value}`))));
  control.value = filters[name];
  return h("label", { class: "filter" }, h("span", {}, t(labelKey)), control);
}

function matches(robot) {
  if (filters.kind && robot.kind !== filters.kind) return false;
  if (filters.state && robotStatus(robot) !== filters.state) return false;
  return !filters.text || robot.id.toLowerCase().includes(filters.text.toLowerCase());
}

function newRow(robot) {
  const cells = {
    id: h("td", {}, h("a", { href: link("robots", robot.id) }, robot.id)),
    kind: h("td"),
    state: h("td"),
    battery: h("td"),
    mission: h("td"),
    seen: h("td", { class: "age" }),
  };
  const row = h("tr", { "data-robot": robot.id },
    cells.id, cells.kind, cells.state, cells.battery, cells.mission, cells.seen);
  row.addEventListener("click", (event) => {
    if (event.target.closest("a")) return;
    location.hash = link("robots", robot.id);
  });
  return { row, cells, drawn: {} };
}

function fillRow(entry, robot) {
  const { cells, drawn } = entry;
  const status = robotStatus(robot);
  setText(cells.kind, tValue("kind", robot.kind));
  if (drawn.status !== status) {
    cells.state.replaceChildren(stateBadge(status));
    drawn.status = status;
  }
  const battery = robot.battery === null || robot.battery === undefined ? null : Math.round(robot.battery);
  if (drawn.battery !== battery) {
    cells.battery.replaceChildren(batteryGauge(robot.battery));
    drawn.battery = battery;
  }
  if (drawn.mission !== robot.mission_id) {
    cells.mission.replaceChildren(robot.mission_id !== null && robot.mission_id !== undefined
      ? h("a", { href: link("missions", robot.mission_id) }, `#${robot.mission_id}`)
      : h("span", { class: "muted" }, "—"));
    drawn.mission = robot.mission_id;
  }
  entry.row.dataset.status = status;
  entry.lastSeen = robot.last_seen;
  setText(cells.seen, ago(robot.last_seen));
  entry.row.hidden = !matches(robot);
}

function renderTable(container) {
  const body = h("tbody");
  const rows = new Map();
  const count = h("span", { class: "muted", "data-field": "count" });
  const search = h("input", { type: "search", name: "text", value: filters.text, "data-filter": "text",
    placeholder: t("filter.searchRobot") });
  const toolbar = h("div", { class: "toolbar" },
    h("label", { class: "filter" }, h("span", {}, t("filter.search")), search),
    select("kind", "robot.kind", ROBOT_KINDS, "kind"),
    select("state", "robot.state", ROBOT_STATES, "state"),
    count);
  const headers = ["robot.serial", "robot.kind", "robot.state", "robot.battery", "robot.mission", "robot.lastSeen"];
  const table = h("table", { class: "data robots-table" },
    h("thead", {}, h("tr", {}, headers.map((key) => h("th", { scope: "col" }, t(key))))),
    body);
  container.append(h("section", { class: "page page-table" },
    h("div", { class: "panel" }, h("h1", {}, t("nav.robots")), toolbar, h("div", { class: "table-scroll" }, table))));

  const refreshCount = () => {
    const shown = [...rows.values()].filter((entry) => !entry.row.hidden).length;
    setText(count, t("robots.shown", { shown, total: rows.size }));
  };
  const update = (robots) => {
    let added = false;
    for (const robot of robots) {
      let entry = rows.get(robot.id);
      if (!entry) {
        entry = newRow(robot);
        rows.set(robot.id, entry);
        added = true;
      }
      fillRow(entry, robot);
    }
    if (added) {
      const sorted = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b));
      body.replaceChildren(...sorted.map(([, entry]) => entry.row));
    }
    refreshCount();
  };
  const refilter = () => {
    for (const [id, entry] of rows) entry.row.hidden = !matches(store.robots.get(id) || { id });
    refreshCount();
  };
  for (const control of toolbar.querySelectorAll("[data-filter]")) {
    control.addEventListener("input", () => {
      filters[control.name] = control.value;
      refilter();
    });
  }
  const resync = () => {
    for (const id of [...rows.keys()]) {
      if (!store.robots.has(id)) {
        rows.get(id).row.remove();
        rows.delete(id);
      }
    }
    update([...store.robots.values()]);
  };
  resync();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const entry of rows.values()) setText(entry.cells.seen, ago(entry.lastSeen, now));
  }, AGE_REFRESH_MS);
  const unsubscribers = [subscribe("robots", update), subscribe("snapshot", resync)];
  return () => {
    clearInterval(timer);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

function renderDetail(container, robotId) {
  const robot = store.robots.get(robotId);
  const site = siteOf(robot) || currentSite();
  const focus = robot?.position && robot.position.map_id === site?.id ? robot.position : null;
  const { map, side } = mapLayout(container, site, {
    viewKey: `robot:${robotId}`,
    selected: robotId,
    showTrack: true,
    focus,
    onRobotClick: (id) => {
      location.hash = link("robots", id);
    },
  }, "page-robot");
  const detail = h("div", { class: "detail-host" });
  side.append(h("a", { class: "button", href: link("robots"), "data-action": "back" }, t("robots.back")), detail);
  const cleanup = renderRobotDetail(detail, robotId);
  return () => {
    cleanup();
    map?.destroy();
  };
}

/** #/robots and #/robots/{serial}. */
export function render(container, [robotId]) {
  return robotId ? renderDetail(container, robotId) : renderTable(container);
}
