// The server's sentences in the user's language. The server sends each as a code with parameters
// (fleet_server/texts.py) beside its English message; the words are looked up here by the code,
// and the server's English stands in for a code this console does not know yet.
//
// A parameter may itself be a sentence ({code, params, message}: a mission's reason inside an
// incident's), a list (joined), or a value the console has names for, known by the parameter's
// name (GROUPS): an incident type, a mission kind, a status.

import { getLanguage, hasWords, t, tValue } from "./i18n.js";

// Parameter name -> the group of values the console names (tValue's first argument).
const GROUPS = {
  type: "incidentType",
  incident_type: "incidentType",
  incident_status: "incidentStatus",
  severity: "severity",
  level: "errorLevel",
  kind: "missionKind",
  mission_kind: "missionKind",
  status: "missionStatus",
  mission_status: "missionStatus",
  action: "actionType",
  action_type: "actionType",
  action_status: "actionStatus",
  role: "role",
  alert_kind: "alertKind",
  robot_kind: "kind",
  found_kind: "kind",
  mode: "fleetMode",
  actions: "actionType",
  language: "spoken.language",
  zone_kind: "zoneKind",
  voucher_status: "voucherStatus",
  claim_status: "claimStatus",
  clawback_status: "clawbackStatus",
  fleet_mode: "fleetMode",
  declared_actions: "actionType",
  roles: "role",
  days: "weekday",
};

function isSentence(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "code" in value;
}

function worded(name, value) {
  if (isSentence(value)) return serverText(value.code, value.params, value.message);
  if (Array.isArray(value)) {
    return value.map((item) => worded(name, item)).join(getLanguage() === "zh" ? "、" : ", ");
  }
  if (GROUPS[name] && (typeof value === "string" || typeof value === "number")) {
    return tValue(GROUPS[name], value);
  }
  return value;
}

/** One sentence of the server's in the chosen language. */
export function serverText(code, params, message) {
  if (!code || !hasWords(code)) return message ?? "";
  const words = {};
  for (const [name, value] of Object.entries(params || {})) words[name] = worded(name, value);
  return t(code, words);
}

/** A thing's sentence kept as {field}, {field}_code and {field}_params (a mission's reason). */
export function textOf(thing, field) {
  return serverText(thing[`${field}_code`], thing[`${field}_params`], thing[field]);
}
