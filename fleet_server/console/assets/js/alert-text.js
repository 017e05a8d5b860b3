// An alert in words: the server sends a code with parameters, worded here in zh or en (the
// server's English message stands in for a code this console does not know yet).

import { getLanguage, t, tValue } from "./i18n.js";
import { messages } from "./messages.js";

/** The alert's sentence in the chosen language. */
export function alertText(alert) {
  if (messages[getLanguage()][alert.code] === undefined) return alert.message;
  const params = { ...alert.params };
  if (params.type) params.type = tValue("incidentType", params.type);
  if (params.severity) params.severity = tValue("severity", params.severity);
  if (params.level) params.level = tValue("errorLevel", params.level);
  return t(alert.code, params);
}
