// Who is logged in, and what their role lets them see and do (one place for the console's rules).

export const READERS = ["admin", "operator", "viewer", "auditor"];
export const OPERATORS = ["admin", "operator"];
export const RECORD_READERS = ["admin", "subsidy_officer", "auditor"];
export const ADMINS = ["admin"];
const OFFICERS = ["subsidy_officer"];
const LOGBOOK_READERS = ["admin", "operator", "auditor"];

// Mirrors the server's roles on the routes (fleet_server/web/roles.py); the server still
// refuses what a role may not do.
const PERMISSIONS = {
  "fleet.read": READERS,
  "missions.write": OPERATORS,
  "robots.control": OPERATORS,
  "fleet.control": OPERATORS,
  "incidents.write": OPERATORS,
  "alerts.acknowledge": OPERATORS,
  "schedules.write": OPERATORS,
  "templates.write": OPERATORS,
  "logbook.read": LOGBOOK_READERS,
  "vouchers.read": RECORD_READERS,
  "vouchers.write": OFFICERS,
  "accounts.manage": ADMINS,
};

export const session = { user: null };

/** Whether the logged-in user's role allows the permission. */
export function can(permission) {
  const roles = PERMISSIONS[permission];
  if (!roles) throw new Error(`unknown permission ${permission}`);
  return Boolean(session.user && roles.includes(session.user.role));
}

/** Whether the user's role is one of these. */
export function hasRole(roles) {
  return Boolean(session.user && roles.includes(session.user.role));
}
