// Enterprises (voucher holders) and institutions (suppliers, with their robot catalogue): the
// lists, and for an officer registering one (a bad credit code is shown at its field) and
// putting one on or off the blacklist.

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { checkField, checkGroup, checkedValues, formButtons, formError, inputField, onSubmit,
  rowsEditor } from "../../form.js";
import { t, tValue } from "../../i18n.js";
import { can } from "../../session.js";
import { ROBOT_KINDS } from "../../status.js";
import { dataTable } from "../../table.js";
import { actionButton, notify } from "../../ui.js";
import { loadDirectory, panel, recordOptions, recordsLayout, V } from "./records.js";

function yesNo(value, onKey = "party.yes", warn = false) {
  if (!value) return h("span", { class: "muted" }, t("party.no"));
  return h("span", { class: warn ? "flag on" : "" }, t(onKey));
}

function blacklistButton(kind, party, reload) {
  const key = party.blacklisted ? "party.unblacklist" : "party.blacklist";
  return actionButton(key, async () => {
    await api(`${V}/${kind}/${party.id}`, { method: "PATCH", body: { blacklisted: !party.blacklisted } });
    reload();
  }, { kind: party.blacklisted ? "small" : "small danger", done: "party.saved" });
}

function partyFields() {
  return [
    inputField("name", "party.name", { required: true, maxlength: 200 }),
    inputField("uscc", "party.uscc", { required: true, maxlength: 18, autocomplete: "off", class: "code" },
      { hintKey: "party.usccHint" }),
    checkField("registered_in_district", "party.registered", true),
    checkField("blacklisted", "party.blacklisted", false),
  ];
}

function partyBody(form) {
  return {
    name: form.elements.name.value.trim(),
    uscc: form.elements.uscc.value.trim().toUpperCase(),
    registered_in_district: form.elements.registered_in_district.checked,
    blacklisted: form.elements.blacklisted.checked,
  };
}

function enterpriseForm(directory, reload) {
  const form = h("form", { class: "record-form", "data-form": "enterprise", novalidate: true },
    ...partyFields(),
    checkGroup("affiliated_institutions", "party.affiliated", recordOptions(directory.institutions)),
    formError(), formButtons("party.addEnterprise"));
  return onSubmit(form, async () => {
    const body = { ...partyBody(form), affiliated_institutions: checkedValues(form, "affiliated_institutions").map(Number) };
    await api(`${V}/enterprises`, { method: "POST", body });
    notify(t("party.added"), "ok");
    form.reset();
    reload();
  });
}

function institutionForm(reload) {
  const catalogue = rowsEditor("catalogue", "party.catalogue", (values) => [
    h("input", { name: "model", placeholder: t("party.model"), value: values.model || "", "aria-label": t("party.model") }),
    h("input", { name: "manufacturer", placeholder: t("party.manufacturer"), value: values.manufacturer || "",
      "aria-label": t("party.manufacturer") }),
    h("select", { name: "kind", "aria-label": t("robot.kind") },
      ROBOT_KINDS.map((kind) => h("option", { value: kind }, tValue("kind", kind)))),
  ]);
  const form = h("form", { class: "record-form", "data-form": "institution", novalidate: true },
    ...partyFields(), catalogue.element, formError(), formButtons("party.addInstitution"));
  return onSubmit(form, async () => {
    const body = { ...partyBody(form), catalogue: catalogue.read().filter((row) => row.model || row.manufacturer) };
    await api(`${V}/institutions`, { method: "POST", body });
    notify(t("party.added"), "ok");
    form.reset();
    reload();
  });
}

/** The enterprises tab and the institutions tab. */
export function render(container, _rest, tab) {
  const enterprises = tab === "enterprises";
  const error = formError();
  const forms = h("div");
  let directory = null;
  const writer = can("vouchers.write");
  const common = [
    { label: "party.id", cell: (p) => `#${p.id}` },
    { label: "party.name", cell: (p) => p.name },
    { label: "party.uscc", cell: (p) => h("code", {}, p.uscc) },
    { label: "party.registered", cell: (p) => yesNo(p.registered_in_district) },
    { label: "party.blacklisted", cell: (p) => yesNo(p.blacklisted, "party.onBlacklist", true) },
  ];
  const columns = enterprises
    ? [...common, {
      label: "party.affiliated",
      cell: (p) => p.affiliated_institutions.map((id) => directory.name("institution", id)).join(", ") || "—",
    }]
    : [...common, {
      label: "party.catalogue",
      cell: (p) => p.catalogue.map((c) => `${c.model} (${c.manufacturer}, ${tValue("kind", c.kind)})`).join("; ") || "—",
      class: "wrap",
    }, {
      label: "party.affiliatedEnterprises",
      cell: (p) => p.affiliated_enterprises.map((id) => directory.name("enterprise", id)).join(", ") || "—",
    }];
  const kind = enterprises ? "enterprises" : "institutions";
  if (writer) columns.push({ label: "table.actions", cell: (p) => blacklistButton(kind, p, () => load()) });
  const table = dataTable(columns, {
    className: `${kind}-table`, emptyKey: "party.none", rowAttrs: (p) => ({ "data-party": p.id }),
  });
  recordsLayout(container, [h("section", { class: "panel" }, error, table.element)],
    [panel(enterprises ? "party.newEnterprise" : "party.newInstitution", forms)]);
  const load = async () => {
    try {
      directory = await loadDirectory();
      table.update(enterprises ? directory.enterprises : directory.institutions);
      if (writer && !forms.firstChild) {
        forms.append(enterprises ? enterpriseForm(directory, load) : institutionForm(load));
      }
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  load();
  return null;
}
