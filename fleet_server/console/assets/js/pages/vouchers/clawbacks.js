// Clawback cases of the lock-in watch: the list by status, a case's evidence, and for an
// officer closing it (recovered in full or pro rata, or dismissed, always with a reason) and
// running the watch now.

import { api, errorText } from "../../api.js";
import { openDialog } from "../../dialog.js";
import { h } from "../../dom.js";
import { formError, selectField, textField } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t, tValue } from "../../i18n.js";
import { money } from "../../money.js";
import { link } from "../../nav.js";
import { can } from "../../session.js";
import { dataTable } from "../../table.js";
import { actionButton, field, notify, statusBadge } from "../../ui.js";
import { exportButton, figures, loadDirectory, recordsLayout, V } from "./records.js";

const STATUSES = ["open", "recovered", "dismissed"];
const OUTCOMES = [["recovered:pro_rata", "clawback.outcome.proRata"], ["recovered:full", "clawback.outcome.full"],
  ["dismissed:", "clawback.outcome.dismissed"]];
const filters = { status: "open" };

function closeCase(item, reload) {
  const outcome = selectField("outcome", "clawback.outcome", OUTCOMES.map(([value, key]) => [value, t(key)]));
  openDialog({
    name: "close-case",
    titleKey: "clawback.closeTitle",
    titleParams: { id: item.id },
    intro: t("clawback.closeIntro", { amount: money(item.unit_paid_fen), from: item.unserved_from, until: item.lock_in_until }),
    fields: [outcome, textField("reason", "clawback.reason", { required: true, maxlength: 1000 })],
    submitKey: "clawback.close",
    done: "clawback.closed",
    action: async (form) => {
      const [status, recovery] = form.elements.outcome.value.split(":");
      await api(`${V}/clawbacks/${item.id}/close`, {
        method: "POST",
        body: { outcome: status, recovery: recovery || null, reason: form.elements.reason.value.trim() },
      });
      reload();
    },
  });
}

function detail(item, directory, reload) {
  return h("section", { class: "panel case-detail", "data-case": item.id },
    h("div", { class: "detail-head" },
      h("h2", {}, t("clawback.title", { id: item.id, serial: item.serial_number })),
      statusBadge("clawbackStatus", item.status),
      can("vouchers.write") && item.status === "open"
        ? h("button", { type: "button", class: "button primary", "data-action": "close-case",
          on: { click: () => closeCase(item, reload) } }, t("clawback.close"))
        : null),
    h("dl", { class: "facts" },
      field("clawback.reasonOpened", tValue("clawbackReason", item.reason)),
      field("clawback.holder", directory.name("enterprise", item.holder_id)),
      field("clawback.claim", h("a", { href: link("vouchers", "claims", item.claim_id) }, `#${item.claim_id}`)),
      field("clawback.lockIn", `${item.lock_in_from} – ${item.lock_in_until}`),
      field("clawback.unserved", item.unserved_from),
      field("clawback.unitPaid", money(item.unit_paid_fen)),
      field("clawback.opened", dateTimeLong(item.opened_at)),
      item.status !== "open" ? field("clawback.recovered", money(item.recovered_fen), { "data-field": "recovered" }) : null,
      item.recovery ? field("clawback.recovery", tValue("recovery", item.recovery)) : null,
      item.closed_by ? field("clawback.closedBy", `${dateTimeLong(item.closed_at)} · ${item.closed_by}`) : null,
      item.close_reason ? field("clawback.reason", item.close_reason) : null),
    h("h3", {}, t("clawback.evidence")),
    figures(item.evidence, directory) || h("p", { class: "muted" }, t("figure.none")));
}

/** The clawbacks tab; #/vouchers/clawbacks/{id} opens a case. */
export function render(container, [openId]) {
  const error = formError();
  const detailHost = h("div");
  let directory = null;
  const chosen = openId ? Number(openId) : null;
  const table = dataTable([
    { label: "clawback.id", cell: (c) => h("a", { href: link("vouchers", "clawbacks", c.id) }, `#${c.id}`) },
    { label: "clawback.serial", cell: (c) => h("code", {}, c.serial_number) },
    { label: "clawback.holder", cell: (c) => directory.name("enterprise", c.holder_id) },
    { label: "clawback.reasonOpened", cell: (c) => tValue("clawbackReason", c.reason) },
    { label: "clawback.opened", cell: (c) => dateTimeLong(c.opened_at) },
    { label: "clawback.unserved", cell: (c) => c.unserved_from },
    { label: "clawback.unitPaid", cell: (c) => money(c.unit_paid_fen), class: "money" },
    { label: "clawback.status", cell: (c) => statusBadge("clawbackStatus", c.status) },
    { label: "clawback.recovered", cell: (c) => money(c.recovered_fen), class: "money" },
  ], {
    className: "clawbacks-table", emptyKey: "clawback.none",
    rowAttrs: (c) => ({ "data-case": c.id, "data-status": c.status }),
    open: (c) => {
      location.hash = link("vouchers", "clawbacks", c.id);
    },
  });
  const statusSelect = h("select", { name: "status", "data-filter": "status" },
    h("option", { value: "" }, t("filter.all")),
    STATUSES.map((status) => h("option", { value: status }, tValue("clawbackStatus", status))));
  statusSelect.value = filters.status;
  const watch = can("vouchers.write")
    ? actionButton("clawback.watch", async () => {
      const opened = await api(`${V}/clawbacks/watch`, { method: "POST" });
      notify(t("clawback.watched", { n: opened.length }), "ok");
      load();
    })
    : null;
  recordsLayout(container, [detailHost, h("section", { class: "panel" },
    h("div", { class: "toolbar" },
      h("label", { class: "filter" }, h("span", {}, t("clawback.status")), statusSelect),
      h("span", { class: "push inline" }, watch, exportButton("clawbacks"))),
    error, table.element)]);
  const load = async () => {
    try {
      const query = filters.status ? `?status=${filters.status}` : "";
      const [found, cases] = await Promise.all([directory || loadDirectory(), api(`${V}/clawbacks${query}`)]);
      directory = found;
      table.update(cases.sort((a, b) => b.id - a.id));
      if (chosen !== null) {
        const open = cases.find((c) => c.id === chosen) || await api(`${V}/clawbacks/${chosen}`);
        detailHost.replaceChildren(detail(open, directory, load));
      }
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  statusSelect.addEventListener("input", () => {
    filters.status = statusSelect.value;
    load();
  });
  load();
  return null;
}
