// Form pieces the pages share: labelled fields, repeatable rows, and the server's refusal shown
// next to the field it names (`field` in a 422 or 409 body, or the path before the message).

import { ApiError, errorText } from "./api.js";
import { serverText } from "./server-text.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** A labelled input; `name` is also the field the server's errors are matched to. */
export function inputField(name, labelKey, props = {}, { hintKey, field = name } = {}) {
  const input = h("input", { name, ...props });
  return fieldWrap(field, labelKey, input, hintKey);
}

/** A labelled textarea. */
export function textField(name, labelKey, props = {}, { hintKey, field = name } = {}) {
  const area = h("textarea", { name, rows: 3, ...props });
  if (props.value !== undefined) area.value = props.value;
  return fieldWrap(field, labelKey, area, hintKey);
}

/** A labelled select of [value, label] options. */
export function selectField(name, labelKey, options, { value, field = name, hintKey, props = {} } = {}) {
  const select = h("select", { name, ...props },
    options.map(([optionValue, label]) => h("option", { value: optionValue }, label)));
  if (value !== undefined && value !== null) select.value = String(value);
  return fieldWrap(field, labelKey, select, hintKey);
}

/** A checkbox with its label on the right. */
export function checkField(name, labelKey, checked = false, { field = name } = {}) {
  return h("label", { class: "check-field", "data-field": field },
    h("input", { type: "checkbox", name, checked }),
    h("span", {}, t(labelKey)),
    h("span", { class: "field-error", role: "alert" }));
}

/** A group of checkboxes sharing a name: [value, label] options, those in `chosen` ticked. */
export function checkGroup(name, labelKey, options, chosen = [], { field = name } = {}) {
  const wanted = new Set(chosen.map(String));
  return h("fieldset", { class: "field check-group", "data-field": field },
    h("legend", {}, t(labelKey)),
    h("div", { class: "choices" }, options.map(([value, label]) => h("label", { class: "choice" },
      h("input", { type: "checkbox", name, value, checked: wanted.has(String(value)) }),
      h("span", {}, label)))),
    h("span", { class: "field-error", role: "alert" }));
}

function fieldWrap(field, labelKey, control, hintKey) {
  return h("label", { class: "field", "data-field": field },
    h("span", { class: "field-label" }, t(labelKey)),
    control,
    hintKey ? h("span", { class: "field-hint" }, t(hintKey)) : null,
    h("span", { class: "field-error", role: "alert" }));
}

/** The values of a checkbox group. */
export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)]
    .filter((box) => box.checked).map((box) => box.value);
}

/**
 * Repeatable rows (line items, invoices, catalogue entries): `makeRow(values)` returns the
 * row's inputs; returns {element, read()} where read() gives each row's values by input name.
 */
export function rowsEditor(field, labelKey, makeRow, initial = [{}]) {
  const list = h("div", { class: "rows" });
  const addRow = (values = {}) => {
    const row = h("div", { class: "row-editor" }, makeRow(values),
      h("button", {
        type: "button", class: "icon-button small", title: t("form.removeRow"),
        "aria-label": t("form.removeRow"), on: { click: () => row.remove() },
      }, "×"));
    list.append(row);
  };
  for (const values of initial) addRow(values);
  const element = h("fieldset", { class: "field rows-field", "data-field": field },
    h("legend", {}, t(labelKey)),
    list,
    h("button", { type: "button", class: "button small", "data-action": `add-${field}`,
      on: { click: () => addRow() } }, t("form.addRow")),
    h("span", { class: "field-error", role: "alert" }));
  const read = () => [...list.children].map((row) => Object.fromEntries(
    [...row.querySelectorAll("input, select")].map((input) => [input.name, input.value.trim()])));
  return { element, read };
}

// ---- the server's refusals, at their fields

function segments(path) {
  return path.split(/[.[\]]+/).filter(Boolean);
}

/** Whether a field's segments all appear in an error's path, in order, from the first (the
 * field recurrence.times is named by the path recurrence.weekly.times.0). */
function names(path, field) {
  if (path[0] !== field[0]) return false;
  let at = 0;
  for (const part of path) if (part === field[at]) at += 1;
  return at === field.length;
}

function problems(error) {
  if (error instanceof ApiError && error.problems) {
    return error.problems.map((p) => ({ path: p.field, text: serverText(p.code, p.params, p.message) }));
  }
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    return error.detail.map((d) => ({ path: (d.loc || []).slice(1).join("."), text: d.msg }));
  }
  const text = errorText(error);
  return text.split("; ").map((part) => {
    const named = /^([A-Za-z_][\w.[\]]*):\s+(.*)$/s.exec(part);
    return named ? { path: named[1], text: part } : { path: null, text: part };
  });
}

function fieldFor(form, path, fallback) {
  const fields = [...form.querySelectorAll("[data-field]")];
  let best = null;
  // A path may start with what the form has no field of its own for (the body's `mission`, a
  // union's tag such as `clean`): the most specific field named by the path, or by the path
  // without its first segments, wins; of two as specific, the one nearer the path's end.
  const depth = (el) => (el ? segments(el.dataset.field).length : 0);
  for (let parts = path ? segments(path) : []; parts.length; parts = parts.slice(1)) {
    let found = null;
    for (const el of fields) {
      if (names(parts, segments(el.dataset.field)) && depth(el) > depth(found)) found = el;
    }
    if (found && depth(found) >= depth(best)) best = found;
  }
  if (!best && fallback) best = fields.find((el) => el.dataset.field === fallback) || null;
  return best;
}

/** Clear the field messages of a form. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error, .form-error")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/**
 * Show a refusal: each problem beside the field it names (the most specific field whose path
 * it contains; else the server's `field`; else `aliases[first segment]`), the rest in the
 * form's general message (`.form-error`).
 */
export function showErrors(form, error, aliases = {}) {
  clearErrors(form);
  const general = form.querySelector(".form-error");
  for (const problem of problems(error)) {
    const first = problem.path ? segments(problem.path)[0] : null;
    const el = fieldFor(form, problem.path, error.field) ||
      (first && aliases[first] ? form.querySelector(`[data-field="${aliases[first]}"]`) : null) ||
      (aliases["*"] ? form.querySelector(`[data-field="${aliases["*"]}"]`) : null);
    const target = el?.querySelector(":scope > .field-error") || general;
    // Beside its field a problem needs no path to say where it is.
    let text = problem.text.replace(/Value error, /g, "");
    if (el && target !== general && problem.path && text.startsWith(`${problem.path}: `)) {
      text = text.slice(problem.path.length + 2);
    }
    if (!target) continue;
    target.textContent = target.textContent ? `${target.textContent}; ${text}` : text;
    if (el && !el.querySelector("[data-field]")) {
      for (const input of el.querySelectorAll("input, select, textarea")) input.setAttribute("aria-invalid", "true");
    }
  }
}

/** The general message line of a form. */
export function formError() {
  return h("p", { class: "form-error", role: "alert" });
}

/** Submit and cancel buttons. */
export function formButtons(submitKey, extra = []) {
  return h("div", { class: "inline form-buttons" },
    h("button", { type: "submit", class: "button primary", "data-action": "submit" }, t(submitKey)),
    ...extra);
}

/**
 * Run `action(form)` on submit with the submit button disabled, showing a refusal at its
 * fields; `aliases` routes paths the form has no field for.
 */
export function onSubmit(form, action, aliases = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const submit = form.querySelector("button[type=submit]");
    if (submit) submit.disabled = true;
    try {
      await action(form);
    } catch (failure) {
      showErrors(form, failure, aliases);
    } finally {
      if (submit) submit.disabled = false;
    }
  });
  return form;
}

/** A refusal made here, before asking the server (a bad amount, bad JSON), for one field. */
export function localError(field, text) {
  return new ApiError(422, `${field}: ${text}`, { field });
}
