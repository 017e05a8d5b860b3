// The robots on the site map, live from the store: an icon by kind with its heading, state colour
// and battery, placed by CSS transform so that it glides from one reported pose to the next; and
// the selected robot's recent track.

import { attrs, s } from "./dom.js";
import { tValue } from "./i18n.js";
import { onActivate } from "./map-site.js";
import { robotIcon } from "./map-shapes.js";
import { batteryBand, robotStatus } from "./status.js";
import { store } from "./store.js";

export class RobotLayer {
  /** The robots of `map` (a SiteMap: its site, options, view, layers, selection, icon scale). */
  constructor(map) {
    this.map = map;
    this.els = new Map();
  }

  el(robot) {
    let el = this.els.get(robot.id);
    if (el && el.kind !== robot.kind) {
      el.group.remove();
      el = null;
    }
    if (el) return el;
    const { options, view, layers } = this.map;
    el = robotIcon(robot);
    if (!options.picking) {
      attrs(el.group, { tabindex: 0, role: "button", "aria-label": robot.id });
      const open = () => options.onRobotClick?.(robot.id);
      el.group.addEventListener("click", () => !view.dragged && open());
      onActivate(el.group, open);
    }
    this.els.set(robot.id, el);
    layers.robots.append(el.group);
    return el;
  }

  /** Forget the robots the store no longer has. */
  dropGone() {
    for (const [id, el] of this.els) {
      if (!store.robots.has(id)) {
        el.group.remove();
        this.els.delete(id);
      }
    }
  }

  draw(robot) {
    const { site, selected, highlight } = this.map;
    const position = robot.position;
    if (!position || position.map_id !== site.id) {
      const shown = this.els.get(robot.id);
      if (shown) shown.group.style.display = "none";
      return;
    }
    const el = this.el(robot);
    const status = robotStatus(robot);
    const battery = robot.battery ?? null;
    el.x = position.x;
    el.y = position.y;
    el.group.style.display = "";
    el.group.setAttribute("class", `robot state-${status}` +
      `${robot.id === selected ? " selected" : ""}${robot.id === highlight ? " highlight" : ""}`);
    Object.assign(el.group.dataset, { status, x: position.x.toFixed(2), y: position.y.toFixed(2) });
    el.heading.setAttribute("transform", `rotate(${(-position.theta * 180) / Math.PI})`);
    attrs(el.battery, {
      width: (22 * Math.max(0, Math.min(100, battery ?? 0))) / 100,
      class: `battery battery-${batteryBand(battery)}`,
    });
    el.title.textContent = `${robot.id} · ${tValue("kind", robot.kind)} · ${tValue("state", status)}` +
      ` · ${battery === null ? "—" : `${Math.round(battery)} %`}`;
    this.place(el);
  }

  /** A CSS transform (not the attribute) so that the stylesheet's transition glides it. */
  place(el) {
    el.group.style.transform = `translate(${el.x}px, ${-el.y}px) scale(${this.map.iconScale || 1})`;
  }

  /** Place every drawn robot again (after a zoom changed the icon scale). */
  placeAll() {
    for (const el of this.els.values()) if (el.x !== undefined) this.place(el);
  }

  drawTrack() {
    const { site, selected, options, layers } = this.map;
    layers.track.replaceChildren();
    if (!options.showTrack || !selected) return;
    const points = (store.tracks.get(selected) || []).filter((p) => p.map_id === site.id);
    if (points.length < 2) return;
    layers.track.append(s("polyline", {
      class: "track", "data-track": selected, "data-points": points.length,
      points: points.map((p) => `${p.x},${-p.y}`).join(" "),
    }));
  }
}
