// Vouchers issued: filtered by programme, holder and status; an officer issues a batch (one
// voucher per holder, all or none) and revokes a live voucher with a reason.

import { api, errorText } from "../../api.js";
import { openDialog } from "../../dialog.js";
import { h } from "../../dom.js";
import { checkGroup, checkedValues, formButtons, formError, inputField, localError, onSubmit, selectField,
  textField } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t, tValue } from "../../i18n.js";
import { money, parseYuan } from "../../money.js";
import { can } from "../../session.js";
import { dataTable } from "../../table.js";
import { notify, statusBadge } from "../../ui.js";
import { exportButton, loadDirectory, panel, recordOptions, recordsLayout, V } from "./records.js";

const STATUSES = ["issued", "in_use", "redeemed", "expired", "revoked"];
const LIVE = ["issued", "in_use"];
const filters = { programme_id: "", holder_id: "", status: "" };

function revoke(voucher, reload) {
  openDialog({
    name: "revoke",
    titleKey: "voucher.revokeTitle",
    titleParams: { id: voucher.id },
    intro: t("voucher.revokeIntro", { amount: money(voucher.unused_fen) }),
    fields: [textField("reason", "voucher.reason", { required: true, maxlength: 500 })],
    submitKey: "voucher.revoke",
    done: "voucher.revoked",
    action: async (form) => {
      await api(`${V}/issued/${voucher.id}/revoke`, { method: "POST", body: { reason: form.elements.reason.value.trim() } });
      reload();
    },
  });
}

function issueForm(directory, reload) {
  const eligible = directory.enterprises.filter((e) => e.registered_in_district && !e.blacklisted);
  const form = h("form", { class: "record-form", "data-form": "batch", novalidate: true },
    selectField("programme_id", "voucher.programme", recordOptions(directory.programmes)),
    checkGroup("holders", "voucher.holders", recordOptions(eligible, (e) => `${e.name} · ${e.uscc}`)),
    inputField("face_value", "voucher.faceValueYuan", { inputmode: "decimal", placeholder: "1000000.00" },
      { field: "face_value_fen" }),
    formError(),
    formButtons("voucher.issue"));
  return onSubmit(form, async () => {
    const face = parseYuan(form.elements.face_value.value);
    if (face === null) throw localError("face_value_fen", t("money.bad"));
    const issued = await api(`${V}/batches`, {
      method: "POST",
      body: {
        programme_id: Number(form.elements.programme_id.value),
        holders: checkedValues(form, "holders").map(Number),
        face_value_fen: face,
      },
    });
    notify(t("voucher.issued", { n: issued.length }), "ok");
    form.reset();
    reload();
  });
}

/** The vouchers tab. */
export function render(container) {
  const error = formError();
  const toolbar = h("div", { class: "toolbar" });
  let directory = null;
  const columns = () => [
    { label: "voucher.id", cell: (v) => h("span", { title: `${t("voucher.batch")} ${v.batch_id}` }, `#${v.id}`) },
    // With one programme (the district's) its name in every row says nothing.
    directory.programmes.length > 1
      ? { label: "voucher.programme", cell: (v) => directory.name("programme", v.programme_id) } : null,
    { label: "voucher.holder", cell: (v) => directory.name("enterprise", v.holder_id) },
    { label: "voucher.faceValue", cell: (v) => money(v.face_value_fen), class: "money" },
    { label: "voucher.used", cell: (v) => money(v.used_fen), class: "money" },
    { label: "voucher.unused", cell: (v) => money(v.unused_fen), class: "money" },
    { label: "voucher.status", cell: (v) => statusBadge("voucherStatus", v.status) },
    { label: "voucher.issuedAt", cell: (v) => dateTimeLong(v.issued_at) },
    { label: "voucher.validUntil", cell: (v) => dateTimeLong(v.valid_until) },
    ...(can("vouchers.write") ? [{
      label: "table.actions",
      cell: (v) => (LIVE.includes(v.status)
        ? h("button", { type: "button", class: "button small danger", "data-action": "revoke",
          on: { click: () => revoke(v, load) } }, t("voucher.revoke"))
        : v.revoked_reason ? h("span", { class: "muted" }, v.revoked_reason) : ""),
    }] : []),
  ].filter(Boolean);
  let table = null;

  const tableHost = h("div");
  const load = async () => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value)).toString();
    try {
      table.update(await api(`${V}/issued${query ? `?${query}` : ""}`));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  const filter = (name, labelKey, options) => {
    const select = h("select", { name, "data-filter": name },
      h("option", { value: "" }, t("filter.all")), options.map(([value, label]) => h("option", { value }, label)));
    select.value = filters[name];
    select.addEventListener("input", () => {
      filters[name] = select.value;
      load();
    });
    return h("label", { class: "filter" }, h("span", {}, t(labelKey)), select);
  };
  const forms = h("div");
  recordsLayout(container, [h("section", { class: "panel" }, toolbar, error, tableHost)],
    [panel("voucher.issueTitle", forms)]);
  loadDirectory().then((found) => {
    directory = found;
    table = dataTable(columns(), {
      className: "vouchers-table", emptyKey: "voucher.none", rowAttrs: (v) => ({ "data-voucher": v.id, "data-status": v.status }),
    });
    tableHost.replaceChildren(table.element);
    toolbar.replaceChildren(
      filter("programme_id", "voucher.programme", recordOptions(directory.programmes)),
      filter("holder_id", "voucher.holder", recordOptions(directory.enterprises)),
      filter("status", "voucher.status", STATUSES.map((s) => [s, tValue("voucherStatus", s)])),
      h("span", { class: "push" }, exportButton("vouchers")));
    if (can("vouchers.write")) forms.replaceChildren(issueForm(directory, load));
    load();
  }).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return null;
}
