// Deployed units: each contract serial number tied to the fleet robot that reports for it, its
// holder, site and commissioning day; an officer registers one (again under a new holder ends
// the earlier registration).

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formButtons, formError, inputField, onSubmit, selectField } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t } from "../../i18n.js";
import { localName } from "../../names.js";
import { can } from "../../session.js";
import { store } from "../../store.js";
import { dataTable } from "../../table.js";
import { notify, statusBadge } from "../../ui.js";
import { loadDirectory, panel, recordOptions, recordsLayout, V } from "./records.js";

function unitForm(directory, reload) {
  const sites = [...store.sites.values()].map((site) => [site.id, localName(site)]);
  const form = h("form", { class: "record-form", "data-form": "unit", novalidate: true },
    inputField("serial_number", "unit.serial", { required: true, maxlength: 100 }),
    inputField("robot", "unit.robot", { required: true, maxlength: 64, placeholder: "dog-01" }, { hintKey: "unit.robotHint" }),
    selectField("holder_id", "unit.holder", recordOptions(directory.enterprises)),
    selectField("site_id", "unit.site", sites),
    inputField("commissioned_on", "unit.commissioned", { type: "date", required: true }),
    formError(), formButtons("unit.register"));
  return onSubmit(form, async () => {
    await api(`${V}/units`, {
      method: "POST",
      body: {
        serial_number: form.elements.serial_number.value.trim(),
        robot: form.elements.robot.value.trim(),
        holder_id: Number(form.elements.holder_id.value),
        site_id: form.elements.site_id.value,
        commissioned_on: form.elements.commissioned_on.value,
      },
    });
    notify(t("unit.registered"), "ok");
    form.reset();
    reload();
  });
}

/** The deployed units tab. */
export function render(container) {
  const error = formError();
  const forms = h("div");
  let directory = null;
  const table = dataTable([
    { label: "unit.serial", cell: (u) => h("code", {}, u.serial_number) },
    { label: "unit.robot", cell: (u) => u.robot },
    { label: "unit.holder", cell: (u) => directory.name("enterprise", u.holder_id) },
    { label: "unit.site", cell: (u) => localName(store.sites.get(u.site_id), u.site_id) },
    { label: "unit.commissioned", cell: (u) => u.commissioned_on },
    { label: "unit.registeredAt", cell: (u) => dateTimeLong(u.registered_at) },
    { label: "unit.state", cell: (u) => statusBadge("unitState", u.current ? "current" : "ended") },
    { label: "unit.endedAt", cell: (u) => dateTimeLong(u.ended_at) },
  ], { className: "units-table", emptyKey: "unit.none", rowAttrs: (u) => ({ "data-unit": u.id }) });
  recordsLayout(container, [h("section", { class: "panel" }, error, table.element)], [panel("unit.new", forms)]);
  const load = async () => {
    try {
      const units = await api(`${V}/units`);
      table.update(units.sort((a, b) => b.id - a.id));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  loadDirectory().then((found) => {
    directory = found;
    if (can("vouchers.write")) forms.replaceChildren(unitForm(directory, load));
    load();
  }).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return null;
}
