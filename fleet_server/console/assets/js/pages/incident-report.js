// Reporting an incident: click the spot on the map, say what it is, how urgent, and what is
// seen; the server sends the nearest capable robot (or holds it in a repeat's cool-down).

import { api } from "../api.js";
import { h } from "../dom.js";
import { clearErrors, formButtons, formError, localError, onSubmit, selectField, textField } from "../form.js";
import { number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can, session } from "../session.js";
import { INCIDENT_TYPES } from "../status.js";
import { putIncidents } from "../store.js";
import { currentSite, mapLayout } from "./common.js";

const SEVERITIES = ["low", "medium", "high"];

/** Render the report page; returns the cleanup. */
export function renderIncidentReport(container) {
  const site = currentSite();
  if (!can("incidents.write") || !site) {
    container.append(h("section", { class: "panel empty-role" }, h("p", {}, t("report.notAllowed"))));
    return null;
  }
  let spot = null;
  const spotText = h("output", { class: "spot-text", name: "spot" }, t("report.noSpot"));
  const { map, side } = mapLayout(container, site, {
    viewKey: "report-incident",
    onSpot: (point) => {
      spot = point;
      map.setSpot(point);
      clearErrors(form);
      spotText.value = t("report.spotText", { x: number(point.x, 1), y: number(point.y, 1) });
      spotText.classList.add("chosen");
    },
  }, "page-report");
  const form = h("form", { class: "panel report-form" },
    h("h1", {}, t("report.title")),
    h("p", { class: "muted" }, t("report.hint")),
    h("div", { class: "field", "data-field": "location" },
      h("span", { class: "field-label" }, t("report.spot")), spotText,
      h("span", { class: "field-error", role: "alert" })),
    selectField("type", "incidents.type", INCIDENT_TYPES.map((type) => [type, tValue("incidentType", type)])),
    selectField("severity", "incidents.severity", SEVERITIES.map((level) => [level, tValue("severity", level)]),
      { value: "medium" }),
    textField("description", "incidents.description", { maxlength: 2000, placeholder: t("report.describe") }),
    formError(),
    formButtons("report.submit", [h("a", { class: "button", href: link("incidents") }, t("newMission.cancel"))]));
  side.append(form);
  onSubmit(form, async () => {
    if (!spot) throw localError("location", t("report.noSpot"));
    const body = {
      type: form.elements.type.value,
      site: site.id,
      location: { x: Math.round(spot.x * 10) / 10, y: Math.round(spot.y * 10) / 10 },
      severity: form.elements.severity.value,
      source: `console:${session.user.name}`,
      description: form.elements.description.value.trim(),
    };
    const readAt = Date.now();
    const incident = await api("/incidents", { method: "POST", body });
    putIncidents([incident], readAt);
    location.hash = link("incidents", incident.id);
  });
  return () => map.destroy();
}
