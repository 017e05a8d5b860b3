// The map's drawn things, in pixels around 0,0 before scaling: robot icons by kind with heading
// and battery, docks, incident and checkpoint markers, a picked spot; and zone outlines in site
// metres.

import { s } from "./dom.js";

/** The icon of a robot kind, centred on 0,0, about 20 px across. */
export function kindShape(kind) {
  switch (kind) {
    case "patrol_dog":
      return s("circle", { class: "body", r: 9 });
    case "sanitation":
      return s("rect", { class: "body", x: -8, y: -8, width: 16, height: 16, rx: 3 });
    case "service":
      return s("path", { class: "body", d: "M0 -11 L11 0 L0 11 L-11 0 Z" });
    default:
      return s("path", { class: "body", d: "M-9 -5 L0 -10 L9 -5 L9 5 L0 10 L-9 5 Z" });
  }
}

function titled(group, text) {
  const title = s("title");
  title.textContent = text;
  group.append(title);
  return title;
}

/** A robot: ring (selection), heading arrow, body by kind, battery bar, serial label. */
export function robotIcon(robot) {
  const group = s("g", { class: "robot", "data-robot": robot.id, "data-kind": robot.kind });
  const heading = s("g", {}, s("path", { class: "heading", d: "M10 -5 L19 0 L10 5 Z" }));
  const battery = s("rect", { class: "battery", x: -11, y: 13, width: 0, height: 5, rx: 1 });
  const label = s("text", { class: "robot-label", x: 14, y: -9 });
  label.textContent = robot.id;
  group.append(
    s("circle", { class: "ring", r: 15 }),
    heading,
    kindShape(robot.kind),
    s("rect", { class: "battery-back", x: -11, y: 13, width: 22, height: 5, rx: 1 }),
    battery,
    label,
  );
  return { group, heading, battery, title: titled(group, robot.id), kind: robot.kind };
}

/** A dock: a square with a bolt. */
export function dockIcon(dock, text) {
  const group = s("g", { class: "dock", "data-dock": dock.id });
  group.append(
    s("rect", { x: -8, y: -8, width: 16, height: 16, rx: 2 }),
    s("path", { class: "bolt", d: "M1 -6 L-4 1 L0 1 L-1 6 L4 -1 L0 -1 Z" }),
  );
  titled(group, text);
  return group;
}

/** A checkpoint flag: pending, done or failed. */
export function checkpointFlag(nodeId, state, text) {
  const flag = s("g", { class: `marker checkpoint checkpoint-${state}`, "data-checkpoint": nodeId });
  flag.append(
    s("path", { class: "pole", d: "M-6 6 L-6 -14" }),
    s("path", { class: "flag", d: "M-6 -14 L8 -9 L-6 -4 Z" }),
  );
  titled(flag, text);
  return flag;
}

/** An incident: a warning triangle. */
export function incidentMarker(incident, text) {
  const marker = s("g", {
    class: `marker incident incident-${incident.status}`,
    "data-incident": incident.id,
  });
  marker.append(s("path", { d: "M0 -13 L12 9 L-12 9 Z" }), s("text", { class: "bang", y: 6 }, "!"));
  titled(marker, text);
  return marker;
}

/** A picked spot: a crosshair ring. */
export function spotMarker() {
  const spot = s("g", { class: "marker spot", "data-spot": "" });
  spot.append(
    s("circle", { r: 10 }),
    s("path", { d: "M-16 0 L-5 0 M5 0 L16 0 M0 -16 L0 -5 M0 5 L0 16" }),
  );
  return spot;
}

/** A zone as one path (outline and holes), in site metres drawn with y down. */
export function zonePath(zone, text) {
  const ring = (points) => `M${points.map(([x, y]) => `${x} ${-y}`).join(" L")} Z`;
  const path = s("path", {
    class: `zone zone-${zone.kind}`,
    d: [zone.polygon, ...(zone.holes || [])].map(ring).join(" "),
    "fill-rule": "evenodd",
    "data-zone": zone.id,
  });
  titled(path, text);
  return path;
}
