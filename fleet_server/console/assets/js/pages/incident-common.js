// What the incident pages share: when an incident last changed, its repeat warning, its
// timeline, and the operator's actions on it (resolve, escalate with a note; dispatch).

import { api } from "../api.js";
import { openDialog } from "../dialog.js";
import { h } from "../dom.js";
import { textField } from "../form.js";
import { dateTime } from "../format.js";
import { t } from "../i18n.js";
import { can } from "../session.js";
import { ACTIVE_INCIDENT } from "../status.js";
import { putIncidents } from "../store.js";
import { actionButton } from "../ui.js";

const STEPS = [
  ["created_at", "reported"],
  ["dispatched_at", "dispatched"],
  ["on_scene_at", "on_scene"],
  ["resolved_at", "resolved"],
  ["escalated_at", "escalated"],
];

/** When the incident last changed: its latest timestamp. */
export function lastChange(incident) {
  const times = STEPS.map(([key]) => incident[key]).filter(Boolean);
  return times.sort((a, b) => new Date(a) - new Date(b)).pop();
}

/** The repeat warning: how many earlier visits nearby, or a dash. */
export function repeatFlag(incident) {
  const count = incident.repeat?.count || 0;
  return count > 0
    ? h("span", { class: "badge repeat", "data-field": "repeat", title: t("incident.repeatHint") },
      t("incident.repeatCount", { n: count }))
    : h("span", { class: "muted" }, "—");
}

function stepText(incident, step) {
  switch (step) {
    case "reported":
      return t("incident.step.reported", { by: incident.reported_by, source: incident.source });
    case "dispatched":
      return t("incident.step.dispatched", { robot: incident.robot || "—" });
    case "resolved":
      return t("incident.step.resolved", { by: incident.resolved_by || "—", note: incident.resolution || "" });
    case "escalated":
      return t("incident.step.escalated", { reason: incident.reason || "" });
    default:
      return t(`incident.step.${step}`);
  }
}

/** The incident's steps in time order, from its timestamps. */
export function timeline(incident) {
  const steps = STEPS.filter(([key]) => incident[key])
    .sort(([a], [b]) => new Date(incident[a]) - new Date(incident[b]));
  return h("ol", { class: "timeline", "data-field": "timeline" }, steps.map(([key, step]) => h("li", {
    "data-step": step,
  }, h("time", { datetime: incident[key] }, dateTime(incident[key])), h("span", {}, stepText(incident, step)))));
}

function noteAction(incident, verb) {
  return () => openDialog({
    name: verb,
    titleKey: `incident.${verb}Title`,
    titleParams: { id: incident.id },
    fields: [textField("note", "incident.note", { required: true, maxlength: 1000 })],
    submitKey: `incident.${verb}`,
    done: `incident.${verb}Done`,
    action: async (form) => {
      const body = { note: form.elements.note.value.trim() };
      const readAt = Date.now();
      putIncidents([await api(`/incidents/${incident.id}/${verb}`, { method: "POST", body })], readAt);
    },
  });
}

/** Whether an operator may send a robot by hand: one the cool-down held, or one escalated. */
function dispatchable(incident) {
  return (incident.status === "open" && incident.mission_id === null) || incident.status === "escalated";
}

/** The buttons the role may use on the incident as it is now. */
export function incidentControls(incident) {
  if (!can("incidents.write")) return [];
  const buttons = [];
  if (dispatchable(incident)) {
    buttons.push(actionButton("incident.dispatch", async () => {
      const readAt = Date.now();
      putIncidents([await api(`/incidents/${incident.id}/dispatch`, { method: "POST" })], readAt);
    }, { kind: "primary", done: "incident.dispatchDone" }));
  }
  if (ACTIVE_INCIDENT.includes(incident.status)) {
    for (const verb of ["resolve", "escalate"]) {
      buttons.push(h("button", {
        type: "button", class: `button${verb === "escalate" ? " danger" : ""}`, "data-action": `incident.${verb}`,
        on: { click: noteAction(incident, verb) },
      }, t(`incident.${verb}`)));
    }
  }
  return buttons;
}
