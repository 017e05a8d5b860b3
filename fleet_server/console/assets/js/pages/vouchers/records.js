// What the voucher pages share: the names behind record ids (programmes, enterprises,
// institutions), a list beside the officer's form, CSV exports, and figures shown in words.

import { api } from "../../api.js";
import { download } from "../../download.js";
import { h } from "../../dom.js";
import { t, tValue } from "../../i18n.js";
import { dateTimeLong } from "../../format.js";
import { money, percent } from "../../money.js";
import { serverText } from "../../server-text.js";
import { can } from "../../session.js";
import { actionButton } from "../../ui.js";

export const V = "/vouchers";

/** The programmes, enterprises and institutions, read once for a page, with name lookups. */
export async function loadDirectory() {
  const [programmes, enterprises, institutions] = await Promise.all([
    api(`${V}/programmes`), api(`${V}/enterprises`), api(`${V}/institutions`),
  ]);
  const byId = (rows) => new Map(rows.map((row) => [row.id, row]));
  const maps = { programme: byId(programmes), enterprise: byId(enterprises), institution: byId(institutions) };
  return {
    programmes, enterprises, institutions,
    name: (kind, id) => (id === null || id === undefined ? "—" : maps[kind].get(id)?.name || `#${id}`),
  };
}

/** Options of a select of records: [id, name]. */
export function recordOptions(rows, label = (row) => row.name) {
  return rows.map((row) => [String(row.id), label(row)]);
}

/**
 * A tab's layout: the lists (wide), and beside them the officer's forms when the role may
 * write; an auditor gets the lists across the page.
 */
export function recordsLayout(container, main, forms = []) {
  const writer = can("vouchers.write") && forms.length > 0;
  container.append(h("div", { class: `records${writer ? " with-forms" : ""}` },
    h("div", { class: "records-main" }, main),
    writer ? h("aside", { class: "records-forms" }, forms) : null));
}

/** A panel with a heading and content. */
export function panel(titleKey, ...content) {
  return h("section", { class: "panel" }, h("h2", {}, t(titleKey)), ...content);
}

/** A button that downloads a CSV export (fetched with the token, saved as a file). */
export function exportButton(kind, programmeId = null) {
  const query = programmeId ? `?programme_id=${programmeId}` : "";
  const button = actionButton(`export.${kind}`,
    () => download(`${V}/exports/${kind}.csv${query}`), { done: "export.saved" });
  button.dataset.export = kind;
  return button;
}

// Figures whose values are words of the console (a voucher's status, a day's state), each with
// the group its names are in.
const VALUE_FIGURES = { status: "voucherStatus", state: "dayState" };
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// Figures that are record ids, and the kind of record each names.
const ID_FIGURES = {
  holder_id: "enterprise", claim_holder_id: "enterprise", other_holder_id: "enterprise", supplier_id: "institution",
};
let names = null;
// Figures named by a sentence (a claim's subsidy limits), worded by that sentence's code.
let labels = {};

function figureName(name) {
  const label = labels[name];
  return label ? serverText(label.code, label.params, label.message) : name;
}

function figureValue(key, value) {
  if (value === null || value === undefined) return "—";
  if (names && ID_FIGURES[key] && typeof value === "number") return `${names.name(ID_FIGURES[key], value)} (#${value})`;
  if (key.endsWith("_fen") && typeof value === "number") return money(value);
  if (key.endsWith("_bp") && typeof value === "number") return percent(value);
  if (typeof value === "boolean") return t(value ? "figure.yes" : "figure.no");
  if (VALUE_FIGURES[key] && typeof value === "string") return tValue(VALUE_FIGURES[key], value);
  if (typeof value === "string" && MOMENT.test(value)) return dateTimeLong(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return t("figure.none");
    if (value.every((item) => item && typeof item === "object")) return figureTable(value);
    return value.join(", ");
  }
  if (typeof value === "object") {
    // Named amounts (the subsidy's limits): each name with its amount.
    const moneyMap = key.endsWith("_fen");
    return h("dl", { class: "figures nested" }, Object.entries(value).flatMap(([name, inner]) => [
      h("dt", {}, moneyMap ? figureName(name) : tValue("figure", name)),
      h("dd", {}, moneyMap && typeof inner === "number" ? money(inner) : figureValue(name, inner))]));
  }
  return String(value);
}

const TABLE_ROWS = 12;

function figureTable(rows) {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const shown = rows.slice(0, TABLE_ROWS);
  return h("div", { class: "table-scroll" },
    h("table", { class: "data compact figures-table" },
      h("thead", {}, h("tr", {}, keys.map((key) => h("th", { scope: "col" }, tValue("figure", key))))),
      h("tbody", {}, shown.map((row) => h("tr", { class: "static" },
        keys.map((key) => h("td", {}, figureValue(key, row[key]))))))),
    rows.length > shown.length ? h("p", { class: "muted" }, t("figure.more", { n: rows.length - shown.length })) : null);
}

/** The figures behind a check or a case, each labelled in words, money in yuan, record ids
 * by name when a directory is given, names that are sentences in words by `sentences`
 * ({name: {code, params, message}}). */
export function figures(values, directory = null, sentences = {}) {
  const entries = Object.entries(values || {});
  if (entries.length === 0) return null;
  names = directory;
  labels = sentences || {};
  try {
    return h("dl", { class: "figures" }, entries.flatMap(([key, value]) => [
      h("dt", {}, tValue("figure", key)), h("dd", { "data-figure": key }, figureValue(key, value))]));
  } finally {
    names = null;
    labels = {};
  }
}
