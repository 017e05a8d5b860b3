// What the incident pages share: when an incident last changed, its repeat warning, its
// timeline, and the operator's actions on it (resolve, escalate with a note; dispatch).

import { api } from "../api.js";
import { openDialog } from "../dialog.js";
import { h } from "../dom.js";
import { textField } from "../form.js";
import { dateTime } from "../format.js";
import { t, tValue } from "../i18n.js";
import { can } from "../session.js";
import { ACTIVE_INCIDENT } from "../status.js";
import { putIncidents } from "../store.js";
import { actionButton } from "../ui.js";
import { textOf } from "../server-text.js";

const STEPS = [
  ["created_at", "reported"],
  ["dispatched_at", "dispatched"],
  ["on_scene_at", "on_scene"],
  ["answered_at", "answered"],
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
    case "answered":
      return t("incident.step.answered", { robot: incident.robot || "—" });
    case "resolved":
      // The server's own actors ("robot": the robot's answer closed it) have names in words.
      return t("incident.step.resolved", {
        by: incident.resolved_by ? tValue("actor", incident.resolved_by) : "—",
        note: textOf(incident, "resolution"),
      });
    case "escalated":
      return t("incident.step.escalated", { reason: textOf(incident, "reason") });
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

/** A dialog asking for a note, then POST /incidents/{id}/{verb}; `label` names its words. */
function noteAction(incident, verb, label = verb) {
  return () => openDialog({
    name: verb,
    titleKey: `incident.${label}Title`,
    titleParams: { id: incident.id },
    fields: [textField("note", "incident.note", { required: true, maxlength: 1000 })],
    submitKey: `incident.${label}`,
    done: `incident.${label}Done`,
    action: async (form) => {
      const body = { note: form.elements.note.value.trim() };
      const readAt = Date.now();
      putIncidents([await api(`/incidents/${incident.id}/${verb}`, { method: "POST", body })], readAt);
    },
  });
}

/** Whether an operator may send a robot by hand: one the cool-down held, one escalated, or one
 * a robot answered that is not resolved. */
function dispatchable(incident) {
  return (incident.status === "open" && incident.mission_id === null)
    || ["escalated", "awaiting_confirmation"].includes(incident.status);
}

function noteButton(incident, verb, label, kind) {
  return h("button", {
    type: "button", class: `button${kind}`, "data-action": `incident.${verb}`,
    on: { click: noteAction(incident, verb, label) },
  }, t(`incident.${label}`));
}

/** The buttons the role may use on the incident as it is now. */
export function incidentControls(incident) {
  if (!can("incidents.write")) return [];
  const buttons = [];
  const answered = incident.status === "awaiting_confirmation";
  const resolveLabel = answered ? "confirm" : "resolve";
  if (answered) {
    // Confirming is what the operator is asked for; it comes first.
    buttons.push(noteButton(incident, "resolve", resolveLabel, " primary"));
  }
  if (dispatchable(incident)) {
    buttons.push(actionButton(answered ? "incident.dispatchAgain" : "incident.dispatch", async () => {
      const readAt = Date.now();
      putIncidents([await api(`/incidents/${incident.id}/dispatch`, { method: "POST" })], readAt);
    }, { kind: answered ? "" : "primary", done: "incident.dispatchDone" }));
  }
  if (ACTIVE_INCIDENT.includes(incident.status)) {
    if (!answered) buttons.push(noteButton(incident, "resolve", resolveLabel, ""));
    buttons.push(noteButton(incident, "escalate", "escalate", " danger"));
  }
  return buttons;
}
