// An alert in words: the server sends a code with parameters, worded here in zh or en (the
// server's English message stands in for a code this console does not know yet).

import { serverText } from "./server-text.js";

/** The alert's sentence in the chosen language. */
export function alertText(alert) {
  return serverText(alert.code, alert.params, alert.message);
}
