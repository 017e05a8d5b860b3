// A mission request as JSON, the way the API takes it (templates and schedules store one),
// drawn on the map as it is typed; it can start as a copy of a template's.

import { h } from "../dom.js";
import { localError } from "../form.js";
import { t, tValue } from "../i18n.js";
import { drawRequest } from "./common.js";

/**
 * The editor: a "copy from template" choice (when templates are given) and the JSON. Returns
 * {element, read()}; read() gives the request, or throws a refusal for the `mission` field.
 */
export function requestEditor({ map, site, templates = [], initial = null, field = "mission" }) {
  const area = h("textarea", { name: "mission", rows: 9, spellcheck: "false", class: "code" });
  area.value = initial ? JSON.stringify(initial, null, 2) : "";
  const draw = () => {
    try {
      drawRequest(map, JSON.parse(area.value), site);
    } catch {
      // Half typed: the map keeps the last request that parsed.
    }
  };
  area.addEventListener("input", draw);
  const mine = templates.filter((tpl) => tpl.site === site.id);
  const copy = mine.length
    ? h("select", { name: "copy", "data-action": "copy-template", "aria-label": t("request.copy") },
      h("option", { value: "" }, t("request.copyPrompt")),
      mine.map((tpl) => h("option", { value: tpl.id }, `${tpl.name} · ${tValue("missionKind", tpl.kind)}`)))
    : null;
  const copyChosen = () => {
    const chosen = mine.find((tpl) => tpl.id === copy.value);
    if (chosen) area.value = JSON.stringify(chosen.mission, null, 2);
    draw();
  };
  copy?.addEventListener("input", copyChosen);
  if (copy && !initial) {
    // A new request starts as a copy of a patrol template (or the first one), to be changed.
    copy.value = (mine.find((tpl) => tpl.kind === "patrol") || mine[0]).id;
    copyChosen();
  }
  queueMicrotask(draw);
  const element = h("div", { class: "field request-editor", "data-field": field },
    h("span", { class: "field-label" }, t("request.label")),
    copy,
    area,
    h("span", { class: "field-hint" }, t("request.hint")),
    h("span", { class: "field-error", role: "alert" }));
  const read = () => {
    try {
      const value = JSON.parse(area.value);
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(t("request.notObject"));
      return value;
    } catch (failure) {
      throw localError(field, t("request.badJson", { error: failure.message }));
    }
  };
  return { element, read };
}

/** The fields of a mission request, so that a refusal naming one lands at the editor. */
const REQUEST_FIELDS = ["kind", "site", "robot", "priority", "route", "rounds", "pattern", "until",
  "checkpoints", "battery_floor", "zone", "width", "mode", "dock", "target_level", "origin",
  "destination", "home", "origin_actions", "destination_actions", "on_failure"];

/** Aliases for showErrors: every request field → the editor's field. */
export function requestAliases(field = "mission") {
  return Object.fromEntries(REQUEST_FIELDS.map((name) => [name, field]));
}
