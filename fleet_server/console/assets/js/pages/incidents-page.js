// The incidents page: the live list with filters (#/incidents); reporting one on the map
// (#/incidents/new) and one incident's detail (#/incidents/{id}) have their own modules.

import { h } from "../dom.js";
import { dateTime } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { ACTIVE_INCIDENT, INCIDENT_TYPES } from "../status.js";
import { store, subscribe } from "../store.js";
import { dataTable } from "../table.js";
import { incidentBadge } from "../ui.js";
import { siteName } from "./common.js";
import { lastChange, repeatFlag } from "./incident-common.js";
import { renderIncidentDetail } from "./incident-detail.js";
import { renderIncidentReport } from "./incident-report.js";

const SHOWN = 200;
const filters = { group: "active", type: "" };

function matches(incident) {
  if (filters.type && incident.type !== filters.type) return false;
  if (filters.group === "active") return ACTIVE_INCIDENT.includes(incident.status);
  if (filters.group === "finished") return !ACTIVE_INCIDENT.includes(incident.status);
  return true;
}

function renderList(container) {
  const table = dataTable([
    { label: "incidents.id", cell: (i) => h("a", { href: link("incidents", i.id) }, `#${i.id}`) },
    { label: "incidents.type", cell: (i) => tValue("incidentType", i.type) },
    { label: "incidents.status", cell: (i) => incidentBadge(i.status) },
    { label: "incidents.severity", cell: (i) => tValue("severity", i.severity) },
    { label: "incidents.site", cell: (i) => siteName(i.site) },
    { label: "incidents.robot", cell: (i) => (i.robot ? h("a", { href: link("robots", i.robot) }, i.robot) : "—") },
    { label: "incidents.repeat", cell: repeatFlag },
    { label: "incidents.reported", cell: (i) => dateTime(i.created_at) },
    { label: "incidents.changed", cell: (i) => dateTime(lastChange(i)) },
    { label: "incidents.description", cell: (i) => i.description || "—", class: "wrap" },
  ], {
    className: "incidents-table",
    emptyKey: "incidents.none",
    rowAttrs: (i) => ({ "data-incident": i.id, "data-status": i.status }),
    open: (i) => {
      location.hash = link("incidents", i.id);
    },
  });
  const groupSelect = h("select", { name: "group", "data-filter": "group" },
    ["active", "all", "finished"].map((g) => h("option", { value: g }, t(`incidents.group.${g}`))));
  groupSelect.value = filters.group;
  const typeSelect = h("select", { name: "type", "data-filter": "type" },
    h("option", { value: "" }, t("filter.all")),
    INCIDENT_TYPES.map((type) => h("option", { value: type }, tValue("incidentType", type))));
  typeSelect.value = filters.type;
  const count = h("span", { class: "muted", "data-field": "count" });
  container.append(h("section", { class: "page page-table" },
    h("div", { class: "panel" },
      h("h1", {}, t("nav.incidents")),
      h("div", { class: "toolbar" },
        h("label", { class: "filter" }, h("span", {}, t("incidents.show")), groupSelect),
        h("label", { class: "filter" }, h("span", {}, t("incidents.type")), typeSelect),
        count,
        can("incidents.write")
          ? h("a", { class: "button primary push", href: link("incidents", "new"), "data-action": "report-incident" },
            t("incidents.report"))
          : null),
      table.element)));
  let pending = false;
  const draw = () => {
    pending = false;
    const all = [...store.incidents.values()];
    const shown = all.filter(matches).sort((a, b) => b.id - a.id).slice(0, SHOWN);
    table.update(shown);
    count.textContent = t("incidents.shown", { shown: shown.length, total: all.length });
  };
  for (const select of [groupSelect, typeSelect]) {
    select.addEventListener("input", () => {
      filters[select.name] = select.value;
      draw();
    });
  }
  draw();
  const unsubscribers = [
    subscribe("incidents", () => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(draw);
      }
    }),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/** #/incidents, #/incidents/new and #/incidents/{id}. */
export function render(container, [sub]) {
  if (sub === "new") return renderIncidentReport(container);
  if (sub) return renderIncidentDetail(container, Number(sub));
  return renderList(container);
}
