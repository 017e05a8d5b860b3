// The site's own drawing on the map, which never changes while it is shown: zones, edges, nodes
// with their labels (clickable when picking nodes for a route) and docks.

import { attrs, s } from "./dom.js";
import { t, tValue } from "./i18n.js";
import { boxAround } from "./map-view.js";
import { localName, nameAndId } from "./names.js";
import { dockIcon, zonePath } from "./map-shapes.js";

export function siteBox(site) {
  const points = site.nodes.map((node) => [node.x, node.y]);
  for (const zone of site.zones || []) points.push(...zone.polygon);
  return boxAround(points, 1);
}

export function onActivate(el, action) {
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      action();
    }
  });
}

/**
 * Draw the site into the map's layers. options: picking (nodes are buttons) and onNodeClick(id).
 * Returns the node elements by id, the labels with the room each has, the dock icons (the map
 * keeps them the same size on screen) and the zones' name labels with each zone's width.
 */
export function drawSite(layers, site, options) {
  const nodes = new Map(site.nodes.map((node) => [node.id, node]));
  const zoneLabels = [];
  for (const zone of site.zones || []) {
    layers.zones.append(zonePath(zone, `${localName(zone)} · ${tValue("zoneKind", zone.kind)}`));
    // The operating boundary is the whole map: its name would sit in the middle of everything.
    if (zone.kind === "geofence") continue;
    const box = boxAround(zone.polygon, 1);
    const label = s("text", {
      class: "zone-label", "data-zone": zone.id, x: (box.minX + box.maxX) / 2, y: -(box.minY + box.maxY) / 2,
    });
    label.textContent = localName(zone);
    layers.zones.append(label);
    zoneLabels.push({ label, width: box.maxX - box.minX });
  }
  for (const edge of site.edges || []) {
    const a = nodes.get(edge.start);
    const b = nodes.get(edge.end);
    layers.edges.append(s("line", {
      class: `edge${edge.oneway ? " oneway" : ""}`, x1: a.x, y1: -a.y, x2: b.x, y2: -b.y,
    }));
  }
  const nodeEls = new Map();
  const labels = [];
  for (const node of site.nodes) {
    const { group, label } = drawNode(node, options);
    layers.nodes.append(group, label);
    nodeEls.set(node.id, group);
    // A label shows only when the view leaves it room before the nearest other node.
    let room = Infinity;
    for (const other of site.nodes) {
      if (other !== node) room = Math.min(room, Math.hypot(other.x - node.x, other.y - node.y));
    }
    labels.push({ label, room });
  }
  const icons = [];
  for (const dock of site.docks || []) {
    const node = nodes.get(dock.node);
    const icon = dockIcon(dock, `${t("map.dock")} ${nameAndId(dock)} · ${t("map.chargers", { n: dock.chargers })}`);
    layers.docks.append(icon);
    icons.push({ el: icon, x: node.x, y: node.y });
  }
  return { nodeEls, labels, icons, zoneLabels };
}

function drawNode(node, options) {
  const name = nameAndId(node);
  const group = s("g", { class: "node", "data-node": node.id },
    s("circle", { class: "hit", cx: node.x, cy: -node.y, r: 1 }),
    s("circle", { class: "dot", cx: node.x, cy: -node.y, r: 1 }));
  const title = s("title");
  title.textContent = name;
  group.append(title);
  if (options.picking) {
    attrs(group, { tabindex: 0, role: "button", "aria-label": name });
    const pick = () => options.onNodeClick?.(node.id);
    group.addEventListener("click", pick);
    onActivate(group, pick);
  }
  const label = s("text", { class: "node-label", "data-node": node.id, x: node.x, y: -node.y });
  label.textContent = localName(node);
  return { group, label };
}
