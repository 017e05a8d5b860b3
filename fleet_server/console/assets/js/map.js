// The site map in SVG, to scale: site metres with y up (drawn as -y); the site itself is drawn by
// map-site.js, the robots by map-robots.js, planned routes by map-plans.js. Here: incidents and
// checkpoints as markers (an incident's opens it), a route, the scale bar; node picking for new
// patrols, and a spot picked by clicking (where an incident is reported).

import { attrs, h, s } from "./dom.js";
import { t, tValue } from "./i18n.js";
import { drawSite, onActivate, siteBox } from "./map-site.js";
import { MapView } from "./map-view.js";
import { drawPlans } from "./map-plans.js";
import { RobotLayer } from "./map-robots.js";
import { scaleOverlay } from "./map-scale.js";
import { checkpointFlag, incidentMarker, spotMarker } from "./map-shapes.js";
import { localName } from "./names.js";
import { ACTIVE_INCIDENT } from "./status.js";
import { store, subscribe } from "./store.js";

// Robots drawn beyond which they step from report to report rather than glide.
const GLIDE_LIMIT = 200;

const LABEL_ROOM_PX = 120;
// The picked spot is drawn last: it is where the user just clicked, even on a robot.
const LAYERS = ["zones", "edges", "track", "nodes", "route", "plans", "docks", "markers", "robots", "spot"];

function rootFontPx() {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

export class SiteMap {
  /**
   * options: viewKey (keeps pan and zoom), focus ({x, y}) or focusBox (first view), selected
   * (robot id), highlight (robot id), showTrack (the selected robot's path), onRobotClick(id),
   * picking (nodes clickable, robots not) with onNodeClick(id), onIncidentClick(id), incident
   * (an id shown whatever its status, picked out), onSpot({x, y}) (a click anywhere picks a
   * spot; robots and markers let it through), showPlans (working robots' planned routes and
   * lines to the incidents they answer), iconBoost (icons this many times their size: a wall).
   */
  constructor(container, site, options = {}) {
    this.site = site;
    this.options = options;
    this.nodes = new Map(site.nodes.map((node) => [node.id, node]));
    this.robots = new RobotLayer(this);
    this.markerEls = [];
    this.routeBadges = [];
    this.checkpoints = [];
    this.selected = options.selected || null;
    this.highlight = options.highlight || null;
    this.spot = null;
    this.svg = s("svg", {
      class: `site-map${options.picking ? " picking" : ""}${options.onSpot ? " spotting" : ""}`,
      role: "group",
      tabindex: 0,
      "aria-label": t("map.label", { site: localName(site) }),
      "data-site": site.id,
    });
    this.layers = {};
    for (const name of LAYERS) {
      this.layers[name] = s("g", { class: `layer-${name}` });
      this.svg.append(this.layers[name]);
    }
    ({ nodeEls: this.nodeEls, labels: this.labels, icons: this.icons, zoneLabels: this.zoneLabels } = drawSite(this.layers, site, {
      picking: options.picking,
      onNodeClick: (id) => !this.view.dragged && options.onNodeClick?.(id),
    }));
    this.view = new MapView(this.svg, {
      viewKey: options.viewKey,
      home: () => siteBox(site),
      onChange: () => this.rescale(),
    });
    this.scaleOverlay = scaleOverlay();
    this.wrapper = h("div", { class: "map-wrapper" }, this.svg, this.zoomButtons(), this.scaleOverlay.element);
    container.append(this.wrapper);
    this.unsubscribers = [
      subscribe("robots", (robots) => this.updateRobots(robots)),
      subscribe("snapshot", () => this.syncRobots()),
      subscribe("incidents", () => {
        this.drawMarkers();
        this.schedulePlans();
      }),
      subscribe("missions", () => this.schedulePlans()),
    ];
    this.syncRobots();
    this.drawMarkers();
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.svg);
    if (options.onSpot) {
      this.svg.addEventListener("click", (event) => {
        if (this.view.dragged || !this.view.view) return;
        options.onSpot(this.view.toSite(event.clientX, event.clientY));
      });
    }
  }

  zoomButtons() {
    const button = (key, symbol, action) => h("button", {
      type: "button", class: "icon-button", title: t(key), "aria-label": t(key), "data-action": key,
      on: { click: action },
    }, symbol);
    return h("div", { class: "map-controls" },
      button("map.zoomIn", "+", () => this.view.zoomIn()),
      button("map.zoomOut", "−", () => this.view.zoomOut()),
      button("map.fit", "⤢", () => this.view.fit()));
  }

  // ---- robots (drawn by map-robots.js)

  updateRobots(robots) {
    for (const robot of robots) this.robots.draw(robot);
    // Gliding repaints the map every frame for each robot in motion: past GLIDE_LIMIT robots the
    // frames fall behind (bench/console.py), so a big fleet's robots step once a report instead.
    this.svg.classList.toggle("many-robots", this.robots.els.size > GLIDE_LIMIT);
    if (this.selected && robots.some((r) => r.id === this.selected)) this.robots.drawTrack();
    this.schedulePlans();
  }

  syncRobots() {
    this.robots.dropGone();
    this.updateRobots([...store.robots.values()]);
  }

  /** Redraw the planned routes at most once a frame (robots move in batches). */
  schedulePlans() {
    if (!this.options.showPlans || this.plansPending) return;
    this.plansPending = true;
    requestAnimationFrame(() => {
      this.plansPending = false;
      drawPlans(this.layers.plans, this.site, this.nodes);
    });
  }

  // ---- overlays: a route, a zone, checkpoints, incidents

  /** Draw a route through these node ids in order, numbered. */
  setRoute(nodeIds) {
    this.layers.route.replaceChildren();
    for (const el of this.nodeEls.values()) el.classList.remove("in-route");
    const nodes = nodeIds.map((id) => this.nodes.get(id)).filter(Boolean);
    if (nodes.length > 1) {
      this.layers.route.append(s("polyline", {
        class: "route", points: nodes.map((n) => `${n.x},${-n.y}`).join(" "),
      }));
    }
    this.routeBadges = nodes.map((node, index) => {
      this.nodeEls.get(node.id).classList.add("in-route");
      // Above left of the node, so the node itself stays visible and clickable.
      const badge = s("g", { class: "route-badge", "data-step": index + 1 },
        s("circle", { cx: -11, cy: -11, r: 9 }), s("text", { x: -11, y: -7 }, String(index + 1)));
      this.layers.route.append(badge);
      return { el: badge, x: node.x, y: node.y };
    });
    this.rescale();
  }

  /** Pick out one zone (a cleaning mission's). */
  setZone(zoneId) {
    for (const path of this.layers.zones.querySelectorAll("path[data-zone]")) {
      path.classList.toggle("focus", path.dataset.zone === zoneId);
    }
  }

  /** Checkpoint flags: [{node, done}] (done: true, false, or null while not reached). */
  setCheckpoints(checkpoints) {
    this.checkpoints = checkpoints;
    this.drawMarkers();
  }

  drawMarkers() {
    this.layers.markers.replaceChildren();
    this.markerEls = [];
    const flagged = new Set();
    for (const checkpoint of this.checkpoints) {
      const node = this.nodes.get(checkpoint.node);
      if (!node || flagged.has(node.id)) continue;
      flagged.add(node.id);
      const state = { true: "done", false: "failed" }[checkpoint.done] || "pending";
      this.addMarker(checkpointFlag(node.id, state, `${t("map.checkpoint")} · ${localName(node)}`), node);
    }
    for (const incident of store.incidents.values()) {
      const picked = incident.id === this.options.incident;
      if (incident.site !== this.site.id || !(picked || ACTIVE_INCIDENT.includes(incident.status))) continue;
      const text = `${t("map.incident")} #${incident.id} · ${tValue("incidentType", incident.type)} · ` +
        `${tValue("incidentStatus", incident.status)}${incident.description ? ` · ${incident.description}` : ""}`;
      const marker = incidentMarker(incident, text);
      if (picked) marker.classList.add("picked");
      if (this.options.onIncidentClick) {
        attrs(marker, { tabindex: 0, role: "button", "aria-label": `${t("map.incident")} #${incident.id}` });
        const open = () => this.options.onIncidentClick(incident.id);
        marker.addEventListener("click", () => !this.view.dragged && open());
        onActivate(marker, open);
      }
      this.addMarker(marker, incident.location);
    }
  }

  /** A spot picked on the map (a crosshair), or none. */
  setSpot(point) {
    this.layers.spot.replaceChildren();
    this.spot = null;
    if (!point) return;
    const el = spotMarker();
    Object.assign(el.dataset, { x: point.x.toFixed(1), y: point.y.toFixed(1) });
    this.layers.spot.append(el);
    this.spot = { el, x: point.x, y: point.y };
    this.place(el, point.x, point.y);
  }

  addMarker(el, { x, y }) {
    el.dataset.x = x;
    el.dataset.y = y;
    this.layers.markers.append(el);
    this.markerEls.push({ el, x, y });
    this.place(el, x, y);
  }

  // ---- view

  layout() {
    const { width, height } = this.view.size();
    if (width < 2 || height < 2) return;
    if (this.view.view) this.view.set(this.view.view);
    else if (this.view.saved) this.view.set(this.view.saved);
    else if (this.options.focusBox) this.view.fitBox(this.options.focusBox, 1.4);
    else if (this.options.focus) {
      this.view.fit();
      this.view.centreOn(this.options.focus.x, this.options.focus.y, Math.min(this.view.view.scale, 0.5));
    } else this.view.fit();
  }

  /** Show this part of the site ({minX, maxX, minY, maxY}) now, or once the map has a size. */
  focusOn(box) {
    if (!box) return;
    this.options.focusBox = box;
    const { width, height } = this.view.size();
    if (width >= 2 && height >= 2) this.view.fitBox(box, 1.4);
  }

  place(el, x, y) {
    el.setAttribute("transform", `translate(${x} ${-y}) scale(${this.iconScale || 1})`);
  }


  /** Keep icons, dots and labels the same size on screen at every zoom. */
  rescale() {
    if (!this.view.view) return;
    const scale = this.view.view.scale;
    const k = scale * (rootFontPx() / 16);
    this.iconScale = k * (this.options.iconBoost || 1);
    // A zoom moves every icon at once: that is not a robot driving, so nothing glides.
    this.svg.classList.add("zooming");
    clearTimeout(this.zoomEnd);
    this.zoomEnd = setTimeout(() => this.svg.classList.remove("zooming"), 100);
    this.robots.placeAll();
    this.scaleOverlay.update(scale);
    const spots = this.spot ? [this.spot] : [];
    for (const { el, x, y } of [...this.icons, ...this.markerEls, ...this.routeBadges, ...spots]) this.place(el, x, y);
    for (const group of this.nodeEls.values()) {
      group.firstChild.setAttribute("r", (this.options.picking ? 11 : 5) * k);
      group.children[1].setAttribute("r", 4 * k);
    }
    for (const { label, room } of this.labels) {
      label.style.display = room / k > LABEL_ROOM_PX ? "" : "none";
      // Below right of the node: robot labels sit above right, so the two rarely meet.
      attrs(label, { "font-size": 11 * k, dx: 7 * k, dy: 17 * k });
    }
    // A zone's name shows once the zone is wide enough on screen to hold it.
    for (const { label, width } of this.zoneLabels) {
      label.style.display = width / k > LABEL_ROOM_PX ? "" : "none";
      attrs(label, { "font-size": 12 * k });
    }
  }

  /** Stop listening to the store and drop the map. */
  destroy() {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.resizeObserver.disconnect();
    clearTimeout(this.zoomEnd);
    this.wrapper.remove();
  }
}
