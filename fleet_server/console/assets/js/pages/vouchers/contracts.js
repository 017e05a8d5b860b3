// Contracts under vouchers: the list with each one's claim, a contract's papers (line items,
// invoices, payments, acceptance), and for an officer filing a claim for it and storing a new
// contract.

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formButtons, formError, inputField, localError, onSubmit, rowsEditor, selectField } from "../../form.js";
import { t } from "../../i18n.js";
import { money, parseYuan } from "../../money.js";
import { link } from "../../nav.js";
import { can } from "../../session.js";
import { dataTable } from "../../table.js";
import { actionButton, field, statusBadge } from "../../ui.js";
import { loadDirectory, panel, recordOptions, recordsLayout, V } from "./records.js";

const OPEN_CLAIM = ["auto_verified", "needs_review", "approved", "paid"];

function sum(rows) {
  return rows.reduce((total, row) => total + BigInt(row.amount_fen), 0n);
}

function papers(contract) {
  const invoiced = sum(contract.invoices);
  const paid = sum(contract.payment_proofs);
  const amount = BigInt(contract.amount_fen);
  return h("span", { class: "papers" },
    h("span", { class: invoiced >= amount ? "ok-text" : "warn-text" }, t("contract.invoicedShort")),
    " · ",
    h("span", { class: paid >= amount ? "ok-text" : "warn-text" }, t("contract.paidShort")),
    " · ",
    h("span", { class: contract.acceptance ? "ok-text" : "warn-text" }, t("contract.acceptedShort")));
}

function listTable(rows, headers, cells) {
  if (rows.length === 0) return h("p", { class: "muted" }, t("figure.none"));
  return h("table", { class: "data compact" },
    h("thead", {}, h("tr", {}, headers.map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, rows.map((row) => h("tr", { class: "static" }, cells(row).map((cell) => h("td", {}, cell))))));
}

function detail(contract, directory, claim, voucher) {
  const fileButton = can("vouchers.write") && !claim
    ? actionButton("contract.fileClaim", async () => {
      const filed = await api(`${V}/claims`, { method: "POST", body: { contract_id: contract.id } });
      location.hash = link("vouchers", "claims", filed.id);
    }, { kind: "primary", done: "contract.claimFiled" })
    : null;
  const acceptance = contract.acceptance;
  return h("section", { class: "panel contract-detail", "data-contract": contract.id },
    h("div", { class: "detail-head" },
      h("h2", {}, t("contract.title", { number: contract.contract_number })),
      h("div", { class: "controls" }, fileButton)),
    h("dl", { class: "facts" },
      field("contract.holder", voucher ? directory.name("enterprise", voucher.holder_id) : "—"),
      field("contract.supplier", directory.name("institution", contract.supplier_id)),
      field("contract.voucher", `#${contract.voucher_id}`),
      field("contract.amount", money(contract.amount_fen)),
      field("contract.signed", contract.signed_date),
      field("contract.claim", claim
        ? h("a", { href: link("vouchers", "claims", claim.id) }, `#${claim.id} `, statusBadge("claimStatus", claim.status))
        : t("contract.noClaim"), { "data-field": "claim" })),
    h("h3", {}, t("contract.lineItems")),
    listTable(contract.line_items, ["contract.serial", "contract.model", "contract.itemAmount"],
      (item) => [h("code", {}, item.serial_number), item.model, money(item.amount_fen)]),
    h("h3", {}, t("contract.invoices")),
    listTable(contract.invoices, ["contract.invoiceNumber", "contract.itemAmount", "contract.date"],
      (invoice) => [invoice.number, money(invoice.amount_fen), invoice.date]),
    h("h3", {}, t("contract.payments")),
    listTable(contract.payment_proofs, ["contract.reference", "contract.itemAmount", "contract.date"],
      (proof) => [proof.reference, money(proof.amount_fen), proof.date]),
    h("h3", {}, t("contract.acceptance")),
    acceptance
      ? h("p", {}, t("contract.acceptanceText", { date: acceptance.date, by: acceptance.accepted_by, document: acceptance.document }))
      : h("p", { class: "warn-text" }, t("contract.notAccepted")));
}

function amountRows(rows, field) {
  return rows.map((row, index) => {
    const fen = parseYuan(row.amount);
    if (fen === null) throw localError(field, t("money.badRow", { n: index + 1 }));
    const { amount, ...rest } = row;
    return { ...rest, amount_fen: fen };
  });
}

function contractForm(directory, vouchers, reload) {
  const live = vouchers.filter((v) => v.status === "issued" || v.status === "in_use");
  const amountInput = (values) => h("input", { name: "amount", inputmode: "decimal", placeholder: t("contract.yuan"),
    value: values.amount || "", "aria-label": t("contract.yuan") });
  const dateInput = (values) => h("input", { name: "date", type: "date", value: values.date || "", "aria-label": t("contract.date") });
  const text = (name, labelKey, values) => h("input", { name, placeholder: t(labelKey), value: values[name] || "", "aria-label": t(labelKey) });
  const items = rowsEditor("line_items", "contract.lineItems",
    (values) => [text("serial_number", "contract.serial", values), text("model", "contract.model", values), amountInput(values)]);
  const invoices = rowsEditor("invoices", "contract.invoices",
    (values) => [text("number", "contract.invoiceNumber", values), amountInput(values), dateInput(values)]);
  const payments = rowsEditor("payment_proofs", "contract.payments",
    (values) => [text("reference", "contract.reference", values), amountInput(values), dateInput(values)]);
  const form = h("form", { class: "record-form", "data-form": "contract", novalidate: true },
    selectField("voucher_id", "contract.voucher", recordOptions(live,
      (v) => `#${v.id} · ${directory.name("enterprise", v.holder_id)} · ${money(v.unused_fen)}`)),
    selectField("supplier_id", "contract.supplier", recordOptions(directory.institutions)),
    inputField("contract_number", "contract.number", { required: true, maxlength: 100 }),
    inputField("amount", "contract.amountYuan", { inputmode: "decimal" }, { field: "amount_fen" }),
    inputField("signed_date", "contract.signed", { type: "date" }),
    items.element, invoices.element, payments.element,
    h("fieldset", { class: "field", "data-field": "acceptance" },
      h("legend", {}, t("contract.acceptance")),
      h("div", { class: "row-editor" },
        h("input", { name: "acceptance_date", type: "date", "aria-label": t("contract.date") }),
        h("input", { name: "accepted_by", placeholder: t("contract.acceptedBy"), "aria-label": t("contract.acceptedBy") }),
        h("input", { name: "document", placeholder: t("contract.document"), "aria-label": t("contract.document") })),
      h("span", { class: "field-error", role: "alert" })),
    formError(), formButtons("contract.create"));
  return onSubmit(form, async () => {
    const amount = parseYuan(form.elements.amount.value);
    if (amount === null) throw localError("amount_fen", t("money.bad"));
    const accepted = form.elements.acceptance_date.value;
    await api(`${V}/contracts`, {
      method: "POST",
      body: {
        voucher_id: Number(form.elements.voucher_id.value),
        supplier_id: Number(form.elements.supplier_id.value),
        contract_number: form.elements.contract_number.value.trim(),
        amount_fen: amount,
        signed_date: form.elements.signed_date.value,
        line_items: amountRows(items.read(), "line_items"),
        invoices: amountRows(invoices.read().filter((row) => row.number), "invoices"),
        payment_proofs: amountRows(payments.read().filter((row) => row.reference), "payment_proofs"),
        acceptance: accepted
          ? { date: accepted, accepted_by: form.elements.accepted_by.value.trim(), document: form.elements.document.value.trim() }
          : null,
      },
    });
    form.reset();
    reload();
  });
}

/** The contracts tab; #/vouchers/contracts/{id} opens one. */
export function render(container, [openId]) {
  const error = formError();
  const forms = h("div");
  const detailHost = h("div");
  let directory = null;
  let vouchers = new Map();
  let claims = new Map();
  const chosen = openId ? Number(openId) : null;
  const table = dataTable([
    { label: "contract.number", cell: (c) => h("a", { href: link("vouchers", "contracts", c.id) }, c.contract_number) },
    { label: "contract.holder", cell: (c) => directory.name("enterprise", vouchers.get(c.voucher_id)?.holder_id) },
    { label: "contract.supplier", cell: (c) => directory.name("institution", c.supplier_id) },
    { label: "contract.amount", cell: (c) => money(c.amount_fen), class: "money" },
    { label: "contract.signed", cell: (c) => c.signed_date },
    { label: "contract.units", cell: (c) => c.line_items.map((i) => i.serial_number).join(", "), class: "wrap" },
    { label: "contract.papers", cell: papers },
    { label: "contract.claim", cell: (c) => (claims.get(c.id) ? statusBadge("claimStatus", claims.get(c.id).status) : "—") },
  ], {
    className: "contracts-table", emptyKey: "contract.none",
    rowAttrs: (c) => ({ "data-contract": c.id, "aria-selected": c.id === chosen ? "true" : false }),
    open: (c) => {
      location.hash = link("vouchers", "contracts", c.id);
    },
  });
  recordsLayout(container, [detailHost, h("section", { class: "panel" }, error, table.element)],
    [panel("contract.new", forms)]);
  const load = async () => {
    try {
      const [found, contracts, voucherList, claimList] = await Promise.all([
        loadDirectory(), api(`${V}/contracts`), api(`${V}/issued`), api(`${V}/claims`),
      ]);
      directory = found;
      vouchers = new Map(voucherList.map((v) => [v.id, v]));
      claims = new Map(claimList.filter((c) => OPEN_CLAIM.includes(c.status)).map((c) => [c.contract_id, c]));
      table.update(contracts.sort((a, b) => b.id - a.id));
      const open = contracts.find((c) => c.id === chosen);
      detailHost.replaceChildren(open ? detail(open, directory, claims.get(open.id), vouchers.get(open.voucher_id)) : "");
      if (can("vouchers.write")) forms.replaceChildren(contractForm(directory, voucherList, load));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  load();
  return null;
}
