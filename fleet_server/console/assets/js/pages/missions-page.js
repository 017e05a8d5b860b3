// The missions page: the list with progress bars and filters (#/missions); a new mission
// (#/missions/new) and one mission's detail and result (#/missions/{id}) have their own modules.

import { h } from "../dom.js";
import { dateTime } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { ACTIVE_MISSION } from "../status.js";
import { store, subscribe } from "../store.js";
import { missionBadge, progressBar } from "../ui.js";
import { renderMissionDetail } from "./mission-detail.js";
import { renderNewMission } from "./mission-new.js";

const SHOWN = 200;
const KINDS = ["patrol", "clean", "service", "respond", "dock"];
const filters = { group: "all", kind: "" };

function matches(mission) {
  if (filters.kind && mission.kind !== filters.kind) return false;
  if (filters.group === "active") return ACTIVE_MISSION.includes(mission.status);
  if (filters.group === "finished") return !ACTIVE_MISSION.includes(mission.status);
  return true;
}

function row(mission) {
  const tr = h("tr", { "data-mission": mission.id, "data-status": mission.status },
    h("td", {}, h("a", { href: link("missions", mission.id) }, `#${mission.id}`)),
    h("td", {}, tValue("missionKind", mission.kind)),
    h("td", {}, mission.robot
      ? h("a", { href: link("robots", mission.robot) }, mission.robot)
      : h("span", { class: "muted" }, t("missions.unassigned"))),
    h("td", {}, missionBadge(mission.status)),
    h("td", { class: "progress-cell" }, progressBar(mission)),
    h("td", {}, dateTime(mission.created_at)));
  tr.addEventListener("click", (event) => {
    if (!event.target.closest("a")) location.hash = link("missions", mission.id);
  });
  return tr;
}

function renderList(container) {
  const body = h("tbody");
  const groupSelect = h("select", { name: "group", "data-filter": "group" },
    ["all", "active", "finished"].map((g) => h("option", { value: g }, t(`missions.group.${g}`))));
  groupSelect.value = filters.group;
  const kindSelect = h("select", { name: "kind", "data-filter": "kind" },
    h("option", { value: "" }, t("filter.all")),
    KINDS.map((kind) => h("option", { value: kind }, tValue("missionKind", kind))));
  kindSelect.value = filters.kind;
  const toolbar = h("div", { class: "toolbar" },
    h("label", { class: "filter" }, h("span", {}, t("missions.show")), groupSelect),
    h("label", { class: "filter" }, h("span", {}, t("missions.kind")), kindSelect),
    can("missions.write")
      ? h("a", { class: "button primary", href: link("missions", "new"), "data-action": "new-mission" },
        t("missions.new"))
      : null);
  const headers = ["missions.id", "missions.kind", "missions.robot", "missions.status",
    "missions.progress", "missions.created"];
  const empty = h("p", { class: "muted", hidden: true }, t("missions.none"));
  container.append(h("section", { class: "page page-table" },
    h("div", { class: "panel" }, h("h1", {}, t("nav.missions")), toolbar,
      h("div", { class: "table-scroll" },
        h("table", { class: "data missions-table" },
          h("thead", {}, h("tr", {}, headers.map((key) => h("th", { scope: "col" }, t(key))))),
          body)),
      empty)));
  let pending = false;
  const draw = () => {
    pending = false;
    const missions = [...store.missions.values()].filter(matches).sort((a, b) => b.id - a.id).slice(0, SHOWN);
    body.replaceChildren(...missions.map(row));
    empty.hidden = missions.length > 0;
  };
  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(draw);
    }
  };
  groupSelect.addEventListener("input", () => {
    filters.group = groupSelect.value;
    draw();
  });
  kindSelect.addEventListener("input", () => {
    filters.kind = kindSelect.value;
    draw();
  });
  draw();
  const unsubscribe = subscribe("missions", schedule);
  return unsubscribe;
}

/** #/missions, #/missions/new and #/missions/{id}. */
export function render(container, [sub]) {
  if (sub === "new") return renderNewMission(container);
  if (sub) return renderMissionDetail(container, Number(sub));
  return renderList(container);
}
