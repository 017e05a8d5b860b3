// The console's pages, in navigation order, and who may open each: each page is a module under
// pages/ with its roles; the navigation bar and the router pick them up from this list.

import * as alertsPage from "./pages/alerts-page.js";
import * as incidentsPage from "./pages/incidents-page.js";
import * as mapPage from "./pages/map-page.js";
import * as missionsPage from "./pages/missions-page.js";
import * as overviewPage from "./pages/overview-page.js";
import * as robotsPage from "./pages/robots-page.js";
import * as schedulesPage from "./pages/schedules-page.js";
import * as templatesPage from "./pages/templates-page.js";
import * as usersPage from "./pages/users-page.js";
import * as vouchersPage from "./pages/vouchers-page.js";
import * as wallPage from "./pages/wall-page.js";
import { ADMINS, hasRole, READERS, RECORD_READERS } from "./session.js";

export const PAGES = [
  { id: "map", label: "nav.map", roles: READERS, page: mapPage },
  { id: "overview", label: "nav.overview", roles: READERS, page: overviewPage },
  { id: "robots", label: "nav.robots", roles: READERS, page: robotsPage },
  { id: "missions", label: "nav.missions", roles: READERS, page: missionsPage },
  { id: "incidents", label: "nav.incidents", roles: READERS, page: incidentsPage },
  { id: "alerts", label: "nav.alerts", roles: READERS, page: alertsPage },
  { id: "schedules", label: "nav.schedules", roles: READERS, page: schedulesPage },
  { id: "templates", label: "nav.templates", roles: READERS, page: templatesPage },
  { id: "vouchers", label: "nav.vouchers", roles: RECORD_READERS, page: vouchersPage },
  { id: "users", label: "nav.users", roles: ADMINS, page: usersPage },
  // Not in the navigation: opened from the map.
  { id: "wall", label: "map.wall", roles: READERS, page: wallPage, hidden: true },
];

/** The pages the logged-in user's role may open (the navigation leaves out hidden ones). */
export function allowedPages() {
  return PAGES.filter((page) => hasRole(page.roles));
}

/** The page id and the rest of the path of a location hash like #/missions/12. */
export function parseHash(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  return { id: parts[0] || "", rest: parts.slice(1) };
}

/** The hash of a page and its sub-path: link("robots", "dog-01") → #/robots/dog-01. */
export function link(id, ...rest) {
  return `#/${[id, ...rest].map((part) => encodeURIComponent(String(part))).join("/")}`;
}
