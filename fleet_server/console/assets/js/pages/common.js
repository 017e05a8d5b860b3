// Helpers the pages share: the current site, a map beside a side panel, and a mission request
// (a template's, a schedule's) drawn on the map.

import { h } from "../dom.js";
import { t, tValue } from "../i18n.js";
import { SiteMap } from "../map.js";
import { boxAround } from "../map-view.js";
import { localName } from "../names.js";
import { store } from "../store.js";

/** The site the console shows (the first one; sites are few). */
export function currentSite() {
  return store.sites.values().next().value || null;
}

/** The site a robot is on, when its map is a known site. */
export function siteOf(robot) {
  return (robot?.position && store.sites.get(robot.position.map_id)) || null;
}

/** A node's name for people, in the console's language; else its id. */
export function nodeName(site, nodeId) {
  return localName(site?.nodes.find((n) => n.id === nodeId), nodeId);
}

/** A zone's name for people, in the console's language; else its id. */
export function zoneName(site, zoneId) {
  return localName(site?.zones.find((z) => z.id === zoneId), zoneId);
}

/** A site's name for people (by id, from the store), in the console's language; else its id. */
export function siteName(siteId) {
  return localName(store.sites.get(siteId), siteId);
}

/** A page with a map on the left and a side panel on the right; returns both. */
export function mapLayout(container, site, mapOptions, className = "") {
  const mapArea = h("div", { class: "map-area" });
  const side = h("aside", { class: "side" });
  container.append(h("section", { class: `page page-split ${className}` }, mapArea, side));
  const map = site
    ? new SiteMap(mapArea, site, mapOptions)
    : (mapArea.append(h("p", { class: "muted" }, t("map.noSite"))), null);
  return { map, side, mapArea };
}

/** The box around a zone, or else around these nodes; null when neither is on the site. */
export function placesBox(site, nodeIds, zoneId = null) {
  if (!site) return null;
  const zone = zoneId && site.zones.find((z) => z.id === zoneId);
  if (zone) return boxAround(zone.polygon);
  const nodes = nodeIds.map((id) => site.nodes.find((n) => n.id === id)).filter(Boolean);
  return boxAround(nodes.map((node) => [node.x, node.y]));
}

/** The nodes a mission request goes through, in order: a patrol's route, a service run's
 * origin, destination and home, a dock's node. */
export function requestNodes(request, site) {
  if (!request) return [];
  if (Array.isArray(request.route)) return request.route;
  if (request.kind === "service") return [request.origin, request.destination, request.home].filter(Boolean);
  if (request.kind === "dock") {
    const dock = site?.docks?.find((d) => d.id === request.dock);
    return dock ? [dock.node] : [];
  }
  return [];
}

/** Draw a mission request on the map: its route, its zone, its checkpoints. */
export function drawRequest(map, request, site) {
  if (!map) return;
  map.setRoute(requestNodes(request, site));
  map.setZone(request?.zone || null);
  map.setCheckpoints((request?.checkpoints || []).map((c) => ({ node: c.node, done: null })));
}

/** A mission request in a line: kind, then its places ("Patrol · A → B → C × 2"). */
export function requestSummary(request, site) {
  if (!request) return "—";
  const nodes = requestNodes(request, site).map((id) => nodeName(site, id));
  const parts = [tValue("missionKind", request.kind)];
  if (request.zone) parts.push(zoneName(site, request.zone));
  if (nodes.length) parts.push(nodes.join(" → "));
  if (request.rounds > 1) parts.push(t("request.rounds", { n: request.rounds }));
  return parts.join(" · ");
}
