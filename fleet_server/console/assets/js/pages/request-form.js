// A mission request as a form, the way templates and schedules store one: the kind, then its
// fields (a patrol's route clicked on the map and its checkpoints, a cleaning's zone, a dock, a
// service run's ends), drawn on the map as it is filled in. It can start as a copy of a
// template's; fields the form does not show (a robot, an end time) are kept as they were.

import { h } from "../dom.js";
import { inputField, localError, selectField } from "../form.js";
import { t, tValue } from "../i18n.js";
import { localName, nameAndId } from "../names.js";
import { checkpointEditor } from "./checkpoint-editor.js";
import { drawRequest, nodeName } from "./common.js";
import { routeBuilder } from "./route-builder.js";

const KINDS = ["patrol", "clean", "dock", "service"];

function nodeChoices(site, { empty = null } = {}) {
  const nodes = [...site.nodes].sort((a, b) => a.id.localeCompare(b.id))
    .map((node) => [node.id, nameAndId(node)]);
  return empty ? [["", t(empty)], ...nodes] : nodes;
}

function numberOrNull(input) {
  const text = input.value.trim();
  return text === "" ? null : Number(text);
}

function patrolPart(site, request, onChange) {
  const checkpoints = checkpointEditor(site, { initial: request.checkpoints || [], route: request.route || [], onChange });
  const route = routeBuilder(site, {
    initial: request.route || [],
    onChange: (ids) => {
      checkpoints.setRoute(ids);
      onChange();
    },
  });
  const element = h("div", { class: "kind-part", "data-part": "patrol" },
    route.element,
    selectField("pattern", "request.pattern", ["loop", "out_and_back"].map((v) => [v, t(`request.pattern.${v}`)]),
      { value: request.pattern || "loop" }),
    inputField("rounds", "newMission.rounds", { type: "number", min: 1, max: 1000, value: request.rounds || 1 }),
    checkpoints.element);
  const read = (form) => ({
    route: route.route(),
    pattern: form.elements.pattern.value,
    rounds: Number(form.elements.rounds.value),
    checkpoints: checkpoints.read(),
  });
  const sketch = (form) => ({
    kind: "patrol", route: route.route(), pattern: form.elements.pattern.value,
    checkpoints: checkpoints.nodes().map((node) => ({ node })),
  });
  return { element, read, sketch, nodeClicked: route.add };
}

function cleanPart(site, request) {
  const zones = (site.zones || []).filter((zone) => zone.kind === "cleaning");
  const element = h("div", { class: "kind-part", "data-part": "clean" },
    selectField("zone", "request.zone", zones.map((zone) => [zone.id, localName(zone)]),
      { value: request.zone || zones[0]?.id }),
    selectField("mode", "request.cleanMode", ["sweep", "scrub", "vacuum"].map((v) => [v, t(`request.cleanMode.${v}`)]),
      { value: request.mode || "sweep" }),
    inputField("width", "request.width", { type: "number", min: 0.2, max: 5, step: 0.1, value: request.width ?? 1 }),
    inputField("robots", "request.robots", {
      value: request.robots === "auto" ? t("request.robotsAuto") : request.robots ?? "",
      placeholder: t("request.robotsAuto"),
    }, { hintKey: "request.robotsHint" }));
  const read = (form) => {
    const robots = form.elements.robots.value.trim();
    // "All of them" is the API's "auto", typed in the console's word for it (or as auto).
    const auto = [t("request.robotsAuto").toLowerCase(), "auto"].includes(robots.toLowerCase());
    if (robots !== "" && !auto && !/^\d+$/.test(robots)) {
      throw localError("robots", t("request.robotsBad"));
    }
    return {
      zone: form.elements.zone.value,
      mode: form.elements.mode.value,
      width: Number(form.elements.width.value),
      robots: robots === "" ? null : auto ? "auto" : Number(robots),
    };
  };
  return { element, read, sketch: (form) => ({ kind: "clean", zone: form.elements.zone.value }) };
}

function dockPart(site, request) {
  const element = h("div", { class: "kind-part", "data-part": "dock" },
    selectField("dock", "request.dock",
      [["", t("request.nearestDock")], ...(site.docks || []).map((dock) => [dock.id, localName(dock)])],
      { value: request.dock || "" }),
    inputField("target_level", "request.targetLevel",
      { type: "number", min: 1, max: 100, value: request.target_level ?? 95 }));
  const read = (form) => ({
    dock: form.elements.dock.value || null,
    target_level: Number(form.elements.target_level.value),
  });
  return { element, read, sketch: (form) => ({ kind: "dock", dock: form.elements.dock.value }) };
}

function servicePart(site, request) {
  const nodes = nodeChoices(site);
  const element = h("div", { class: "kind-part", "data-part": "service" },
    selectField("service_mode", "request.serviceMode", ["guide", "deliver"].map((v) => [v, t(`request.serviceMode.${v}`)]),
      { value: request.mode || "guide", field: "mode" }),
    selectField("origin", "request.origin", nodes, { value: request.origin || nodes[0]?.[0] }),
    selectField("destination", "request.destination", nodes, { value: request.destination || nodes[1]?.[0] }),
    selectField("home", "request.home", nodeChoices(site, { empty: "request.noHome" }), { value: request.home || "" }),
    selectField("service_failure", "request.onFailure", ["abort", "skip"].map((v) => [v, t(`checkpoint.failure.${v}`)]),
      { value: request.on_failure || "abort", field: "on_failure" }));
  const read = (form) => ({
    mode: form.elements.service_mode.value,
    origin: form.elements.origin.value,
    destination: form.elements.destination.value,
    home: form.elements.home.value || null,
    on_failure: form.elements.service_failure.value,
  });
  const sketch = (form) => ({
    kind: "service", origin: form.elements.origin.value, destination: form.elements.destination.value,
    home: form.elements.home.value || null,
  });
  return { element, read, sketch };
}

const PARTS = { patrol: patrolPart, clean: cleanPart, dock: dockPart, service: servicePart };

/**
 * The form's fields for a request on `site` (`initial`, or a copy of one of `templates`).
 * Returns {element, read(form), nodeClicked(id)}: read() gives the request the API takes, or
 * throws a refusal for the field that is wrong; nodeClicked adds a map node to a patrol's route.
 */
export function requestForm({ map, site, templates = [], initial = null, field = "mission" }) {
  let base = initial || null;
  let part = null;
  let form = null;
  const partBox = h("div", { class: "kind-parts" });
  const kind = h("select", { name: "kind", "aria-label": t("request.kind") },
    KINDS.map((value) => h("option", { value }, tValue("missionKind", value))));
  const common = h("div", { class: "inline" },
    inputField("battery_floor", "request.batteryFloor", { type: "number", min: 0, max: 100, placeholder: "—" }),
    inputField("priority", "mission.priority", { type: "number", min: 0, max: 1000, placeholder: "—" }));

  const draw = () => {
    if (!form || !map) return;
    drawRequest(map, part.sketch(form), site);
  };
  const show = (request) => {
    base = request;
    kind.value = request?.kind || "patrol";
    part = PARTS[kind.value](site, request || {}, draw);
    partBox.replaceChildren(part.element);
    common.querySelector("[name=battery_floor]").value = request?.battery_floor ?? "";
    common.querySelector("[name=priority]").value = request?.priority ?? "";
    common.querySelector("[data-field=battery_floor]").hidden = kind.value === "dock";
    queueMicrotask(draw);
  };
  kind.addEventListener("input", () => show({ kind: kind.value }));

  const mine = templates.filter((tpl) => tpl.site === site.id);
  const copy = mine.length
    ? h("select", { name: "copy", "data-action": "copy-template", "aria-label": t("request.copy") },
      h("option", { value: "" }, t("request.copyPrompt")),
      mine.map((tpl) => h("option", { value: tpl.id }, `${localName(tpl)} · ${tValue("missionKind", tpl.kind)}`)))
    : null;
  copy?.addEventListener("input", () => {
    const chosen = mine.find((tpl) => tpl.id === copy.value);
    if (chosen) show(structuredClone(chosen.mission));
  });

  const element = h("fieldset", { class: "field request-form", "data-field": field },
    h("legend", {}, t("request.label")),
    copy,
    h("label", { class: "field", "data-field": "kind" }, h("span", { class: "field-label" }, t("request.kind")), kind,
      h("span", { class: "field-error", role: "alert" })),
    partBox,
    common,
    h("span", { class: "field-hint" }, t("request.hint")),
    h("span", { class: "field-error", role: "alert" }));
  // The form is known once the fields are in it (for reading by name and drawing).
  element.addEventListener("input", () => draw());
  queueMicrotask(() => {
    form = element.closest("form");
    draw();
  });
  show(initial);

  const read = (owner) => {
    const sameKind = base && base.kind === kind.value ? base : {};
    const request = { ...sameKind, site: site.id, kind: kind.value, ...part.read(owner) };
    const floor = numberOrNull(owner.elements.battery_floor);
    const priority = numberOrNull(owner.elements.priority);
    for (const [key, value] of [["battery_floor", kind.value === "dock" ? null : floor], ["priority", priority]]) {
      if (value === null) delete request[key];
      else request[key] = value;
    }
    for (const [key, value] of Object.entries(request)) if (value === null) delete request[key];
    return request;
  };
  return { element, read, nodeClicked: (id) => part.nodeClicked?.(id) };
}

/** The fields of a mission request, so that a refusal naming one the form has no field for
 * lands at the form. */
const REQUEST_FIELDS = ["site", "robot", "until", "origin_actions", "destination_actions"];

/** Aliases for showErrors: request fields without their own field → the form's field. */
export function requestAliases(field = "mission") {
  return { ...Object.fromEntries(REQUEST_FIELDS.map((name) => [name, field])), [field]: field };
}
