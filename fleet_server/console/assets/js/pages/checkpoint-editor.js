// A patrol's checkpoints as form rows: at a node of the route, what the robot says (in Chinese
// and in English, how many times), whether it takes a photo, how long it stands there, and what
// a failed action means. Actions the form has no field for are kept as they were.

import { h } from "../dom.js";
import { localError } from "../form.js";
import { t } from "../i18n.js";
import { nodeName } from "./common.js";

const DIRECTIONS = ["front", "left", "right", "back"];
const FAILURE = ["skip", "retry", "abort"];
const HAN = /[\u3400-\u9fff]/;

/** A checkpoint's actions sorted into the form's fields, the rest kept in `other`. */
function fields(checkpoint) {
  const found = { node: checkpoint.node, zh: "", en: "", repeat: 1, photo: false, direction: "front",
    dwell: "", onFailure: checkpoint.on_failure || "skip", retries: checkpoint.retries || 1, other: [] };
  for (const action of checkpoint.actions || []) {
    const params = action.params || {};
    const language = action.type === "announce"
      ? (params.language || (HAN.test(params.text || "") ? "zh" : "en")) : null;
    if ((language === "zh" || language === "en") && !found[language]) {
      found[language] = params.text || "";
      found.repeat = params.repeat || found.repeat;
    } else if (action.type === "capturePhoto" && !found.photo) {
      found.photo = true;
      found.direction = params.direction || "front";
    } else if (action.type === "dwell" && found.dwell === "") {
      found.dwell = String(params.seconds ?? "");
    } else {
      found.other.push(action);
    }
  }
  return found;
}

function nodeOptions(site, route, chosen) {
  const ids = [...new Set(chosen && !route.includes(chosen) ? [...route, chosen] : route)];
  return ids.map((id) => h("option", { value: id, selected: id === chosen }, nodeName(site, id)));
}

/**
 * The checkpoints of a patrol on `site`: rows for `initial`, an add button, and onChange() after
 * each change. Returns {element, read(), setRoute(ids), checkpoints()}; read() throws a refusal
 * naming the row when a checkpoint has nothing to do.
 */
export function checkpointEditor(site, { initial = [], route = [], onChange = () => {} } = {}) {
  let nodes = route.slice();
  const list = h("div", { class: "checkpoint-rows" });

  const addRow = (checkpoint) => {
    const values = fields(checkpoint);
    const retries = h("input", { type: "number", name: "retries", min: 1, max: 5, value: values.retries,
      "aria-label": t("checkpoint.retries") });
    const failure = h("select", { name: "on_failure", "aria-label": t("checkpoint.onFailure") },
      FAILURE.map((value) => h("option", { value, selected: value === values.onFailure },
        t(`checkpoint.failure.${value}`))));
    const showRetries = () => {
      retries.hidden = failure.value !== "retry";
    };
    failure.addEventListener("input", showRetries);
    const row = h("fieldset", { class: "checkpoint-row" },
      h("legend", {}, h("select", { name: "node", "aria-label": t("checkpoint.node") },
        nodeOptions(site, nodes, values.node))),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("checkpoint.sayZh")),
        h("input", { name: "say_zh", value: values.zh, maxlength: 500, lang: "zh-CN" })),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("checkpoint.sayEn")),
        h("input", { name: "say_en", value: values.en, maxlength: 500, lang: "en" })),
      h("div", { class: "inline" },
        h("label", { class: "field small" }, h("span", { class: "field-label" }, t("checkpoint.repeat")),
          h("input", { type: "number", name: "repeat", min: 1, max: 10, value: values.repeat })),
        h("label", { class: "field small" }, h("span", { class: "field-label" }, t("checkpoint.dwell")),
          h("input", { type: "number", name: "dwell", min: 0, step: 1, value: values.dwell, placeholder: "0" }))),
      h("div", { class: "inline" },
        h("label", { class: "check-field" }, h("input", { type: "checkbox", name: "photo", checked: values.photo }),
          h("span", {}, t("checkpoint.photo"))),
        h("select", { name: "direction", "aria-label": t("checkpoint.direction") },
          DIRECTIONS.map((value) => h("option", { value, selected: value === values.direction },
            t(`checkpoint.direction.${value}`))))),
      h("div", { class: "inline" }, h("span", { class: "field-label" }, t("checkpoint.onFailure")), failure, retries),
      values.other.length
        ? h("p", { class: "muted", "data-field": "other-actions" },
          t("checkpoint.otherKept", { types: values.other.map((a) => a.type).join(", ") }))
        : null,
      h("button", { type: "button", class: "button small", "data-action": "remove-checkpoint",
        on: { click: () => { row.remove(); renumber(); onChange(); } } }, t("checkpoint.remove")),
      h("span", { class: "field-error", role: "alert" }));
    row.other = values.other;
    row.addEventListener("input", () => onChange());
    showRetries();
    list.append(row);
    renumber();
  };

  // Refusals name a checkpoint by its place in the request: checkpoints[2] is the third row.
  const renumber = () => {
    [...list.children].forEach((row, index) => {
      row.dataset.field = `checkpoints.${index}`;
    });
  };

  const rowValue = (row, index) => {
    const value = (name) => row.querySelector(`[name=${name}]`);
    const actions = [];
    const repeat = Number(value("repeat").value) || 1;
    for (const language of ["zh", "en"]) {
      const text = value(`say_${language}`).value.trim();
      if (text) actions.push({ type: "announce", params: { text, language, ...(repeat > 1 ? { repeat } : {}) } });
    }
    if (value("photo").checked) actions.push({ type: "capturePhoto", params: { direction: value("direction").value } });
    const dwell = value("dwell").value.trim();
    if (dwell !== "" && Number(dwell) !== 0) actions.push({ type: "dwell", params: { seconds: Number(dwell) } });
    actions.push(...row.other);
    if (actions.length === 0) throw localError(`checkpoints.${index}`, t("checkpoint.nothingToDo"));
    const onFailure = value("on_failure").value;
    return {
      node: value("node").value, actions, on_failure: onFailure,
      ...(onFailure === "retry" ? { retries: Number(value("retries").value) } : {}),
    };
  };

  const element = h("fieldset", { class: "field checkpoints-field", "data-field": "checkpoints" },
    h("legend", {}, t("checkpoint.title")),
    h("p", { class: "field-hint" }, t("checkpoint.hint")),
    list,
    h("button", { type: "button", class: "button small", "data-action": "add-checkpoint",
      on: {
        click: () => {
          const taken = new Set([...list.children].map((row) => row.querySelector("[name=node]").value));
          addRow({ node: nodes.find((id) => !taken.has(id)) || nodes[0] || "", actions: [] });
          onChange();
        },
      } }, t("checkpoint.add")),
    h("span", { class: "field-error", role: "alert" }));
  for (const checkpoint of initial) addRow(checkpoint);

  const read = () => [...list.children].map(rowValue);
  return {
    element,
    read,
    /** The checkpoints' nodes as the map flags them, even while a row has nothing to do yet. */
    nodes: () => [...list.children].map((row) => row.querySelector("[name=node]").value),
    setRoute: (ids) => {
      nodes = ids.slice();
      for (const select of list.querySelectorAll("select[name=node]")) {
        select.replaceChildren(...nodeOptions(site, nodes, select.value));
      }
    },
  };
}
