// The audit log of every change to the voucher records: verify the hash chain end to end (ok,
// or the first entry altered, removed or reordered), and read the entries with their before
// and after. Each action is named in the chosen language, its code (claim.file) beside it.

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formError } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t, tValue } from "../../i18n.js";
import { textOf } from "../../server-text.js";
import { dataTable } from "../../table.js";
import { actionButton } from "../../ui.js";

const SHOWN = 200;

function changeText(entry) {
  const keys = new Set([...Object.keys(entry.before || {}), ...Object.keys(entry.after || {})]);
  const changed = [...keys].filter((key) => JSON.stringify(entry.before?.[key]) !== JSON.stringify(entry.after?.[key]));
  if (!entry.before) return t("audit.created");
  // The fields by their names in the records (codes, as the before/after JSON shows them).
  return changed.length
    ? h("span", {}, t("audit.changed", { fields: "" }), h("code", { class: "muted" }, changed.join(", ")))
    : t("audit.unchanged");
}

/** The action's name, with its code beside it in small type. */
function actionCell(entry) {
  return h("span", { class: "audit-action" },
    tValue("auditAction", entry.action), " ", h("code", { class: "muted" }, entry.action));
}

function recordName(entry) {
  return `${tValue("auditEntity", entry.entity)} #${entry.entity_id}`;
}

function entryDetail(entry) {
  const block = (key, value) => h("div", {},
    h("h3", {}, t(key)),
    h("pre", { class: "json" }, value ? JSON.stringify(value, null, 2) : "—"));
  return h("section", { class: "panel audit-entry", "data-entry": entry.id },
    h("h2", {}, t("audit.entryTitle", { id: entry.id, action: tValue("auditAction", entry.action) }),
      " ", h("code", { class: "muted" }, entry.action)),
    h("p", { class: "muted" }, `${dateTimeLong(entry.time)} · ${tValue("actor", entry.actor)}`),
    h("p", {}, h("span", { class: "muted" }, `${t("audit.hash")} `), h("code", { class: "hash" }, entry.hash)),
    h("div", { class: "before-after" }, block("audit.before", entry.before), block("audit.after", entry.after)));
}

/** The audit tab. */
export function render(container) {
  const result = h("div", { class: "verify-result", "data-field": "verify-result", role: "status" });
  const error = formError();
  const detailHost = h("div");
  const verify = actionButton("audit.verify", async () => {
    const check = await api("/audit/verify");
    result.dataset.ok = String(check.ok);
    result.replaceChildren(check.ok
      ? h("p", { class: "ok-text" }, t("audit.ok", { n: check.entries }))
      : h("p", { class: "warn-text" }, t("audit.broken", { id: check.first_broken, problem: textOf(check, "problem") })));
  }, { kind: "primary" });
  const table = dataTable([
    { label: "audit.id", cell: (e) => `#${e.id}` },
    { label: "audit.time", cell: (e) => dateTimeLong(e.time) },
    { label: "audit.actor", cell: (e) => tValue("actor", e.actor) },
    { label: "audit.action", cell: actionCell },
    { label: "audit.record", cell: recordName },
    { label: "audit.change", cell: changeText, class: "wrap" },
  ], {
    className: "audit-table", emptyKey: "audit.none",
    rowAttrs: (e) => ({ "data-entry": e.id }),
    open: (e) => {
      detailHost.replaceChildren(entryDetail(e));
      detailHost.scrollIntoView({ block: "nearest" });
    },
  });
  container.append(h("div", { class: "records" },
    h("div", { class: "records-main" },
      h("section", { class: "panel" },
        h("h2", {}, t("audit.verifyTitle")),
        h("p", { class: "muted" }, t("audit.intro")),
        h("div", { class: "controls" }, verify), result),
      detailHost,
      h("section", { class: "panel" }, h("h2", {}, t("audit.entries", { n: SHOWN })), error, table.element))));
  api(`/audit?limit=${SHOWN}`).then((entries) => table.update(entries)).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return null;
}
