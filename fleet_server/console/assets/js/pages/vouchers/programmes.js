// Programmes: each pool's balances (reserved by vouchers, paid out, available to issue), its
// annual budgets and rules, its CSV exports; an officer creates a programme.

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formButtons, formError, inputField, localError, onSubmit, selectField } from "../../form.js";
import { t, tValue } from "../../i18n.js";
import { money, parseYuan, percent, shareOf } from "../../money.js";
import { localName } from "../../names.js";
import { store } from "../../store.js";
import { field } from "../../ui.js";
import { exportButton, panel, recordsLayout, V } from "./records.js";

const EXPORTS = ["vouchers", "claims", "payouts", "clawbacks"];

function balanceBar(programme) {
  const { reserved_fen: reserved, paid_fen: paid } = programme.balances;
  const total = programme.total_pool_fen;
  return h("div", { class: "balance-bar", role: "img", "aria-label": t("programme.balanceBar") },
    h("span", { class: "part paid", style: { width: `${shareOf(paid, total)}%` } }),
    h("span", { class: "part reserved", style: { width: `${shareOf(reserved, total)}%` } }));
}

function balances(programme) {
  const b = programme.balances;
  const figure = (key, fen, kind) => h("div", { class: `balance ${kind}`, "data-balance": kind },
    h("span", { class: "balance-label" }, t(key)), h("strong", { class: "balance-value" }, money(fen)));
  return h("div", { class: "balances" },
    figure("programme.pool", programme.total_pool_fen, "pool"),
    figure("programme.reserved", b.reserved_fen, "reserved"),
    figure("programme.paid", b.paid_fen, "paid"),
    figure("programme.available", b.available_fen, "available"));
}

function rules(programme) {
  return h("dl", { class: "facts rules" },
    field("programme.ratio", percent(programme.ratio_bp)),
    field("programme.annualCap", money(programme.enterprise_annual_cap_fen)),
    field("programme.unitCap", programme.unit_cap_fen === null ? t("programme.noCap") : money(programme.unit_cap_fen)),
    field("programme.validity", t("programme.days", { n: programme.voucher_validity_days })),
    field("programme.deployment", t("programme.days", { n: programme.min_deployment_days })),
    field("programme.active", t("programme.activeDays", { n: programme.min_active_days, minutes: programme.active_day_min_minutes })),
    field("programme.geofenceShare", percent(programme.min_geofence_share_bp)),
    field("programme.deadline", t("programme.months", { n: programme.claim_deadline_months })),
    field("programme.lockIn", t("programme.months", { n: programme.lock_in_months })),
    field("programme.clawbackDays", t("programme.days", { n: programme.clawback_days })),
    field("programme.notice", t("programme.days", { n: programme.public_notice_days })),
    field("programme.payee", tValue("payee", programme.payee)));
}

function programmeCard(programme) {
  const site = store.sites.get(programme.geofence_site);
  const zone = site?.zones.find((z) => z.id === programme.geofence_zone);
  return h("section", { class: "panel programme", "data-programme": programme.id },
    h("h2", {}, programme.name),
    h("p", { class: "muted" }, t("programme.geofence", {
      site: localName(site, programme.geofence_site), zone: localName(zone, programme.geofence_zone),
    })),
    balances(programme),
    balanceBar(programme),
    h("div", { class: "programme-columns" },
      h("div", {},
        h("h3", {}, t("programme.budgets")),
        programme.annual_budgets.length
          ? h("table", { class: "data compact" },
            h("thead", {}, h("tr", {}, h("th", {}, t("programme.year")), h("th", { class: "money" }, t("programme.budget")))),
            h("tbody", {}, programme.annual_budgets.map((b) => h("tr", { class: "static" },
              h("td", {}, String(b.year)), h("td", { class: "money" }, money(b.budget_fen))))))
          : h("p", { class: "muted" }, t("programme.noBudgets")),
        h("h3", {}, t("export.title")),
        h("div", { class: "inline" }, EXPORTS.map((kind) => exportButton(kind, programme.id)))),
      h("div", {}, h("h3", {}, t("programme.rules")), rules(programme))));
}

function createForm(onCreated) {
  const sites = [...store.sites.values()];
  const zonesOf = (siteId) => (store.sites.get(siteId)?.zones || [])
    .filter((zone) => zone.kind === "geofence").map((zone) => [zone.id, localName(zone)]);
  const siteField = selectField("geofence_site", "programme.site", sites.map((site) => [site.id, localName(site)]));
  const zoneField = selectField("geofence_zone", "programme.zone", zonesOf(sites[0]?.id));
  siteField.querySelector("select").addEventListener("input", (event) => {
    zoneField.querySelector("select").replaceChildren(
      ...zonesOf(event.target.value).map(([id, name]) => h("option", { value: id }, name)));
  });
  const year = new Date().getFullYear();
  const form = h("form", { class: "record-form", "data-form": "programme", novalidate: true },
    inputField("name", "programme.name", { required: true, maxlength: 200 }),
    siteField, zoneField,
    inputField("total_pool", "programme.poolYuan", { value: "100000000.00", inputmode: "decimal" },
      { field: "total_pool_fen" }),
    h("div", { class: "inline" },
      inputField("budget_year", "programme.year", { type: "number", value: year, min: 2000, max: 2100 },
        { field: "annual_budgets.year" }),
      inputField("budget", "programme.budgetYuan", { value: "50000000.00", inputmode: "decimal" },
        { field: "annual_budgets.budget_fen" })),
    formError(),
    formButtons("programme.create"));
  return onSubmit(form, async () => {
    const pool = parseYuan(form.elements.total_pool.value);
    if (pool === null) throw localError("total_pool_fen", t("money.bad"));
    const budget = parseYuan(form.elements.budget.value);
    if (budget === null) throw localError("annual_budgets.budget_fen", t("money.bad"));
    await api(`${V}/programmes`, {
      method: "POST",
      body: {
        name: form.elements.name.value.trim(),
        geofence_site: form.elements.geofence_site.value,
        geofence_zone: form.elements.geofence_zone.value,
        total_pool_fen: pool,
        annual_budgets: [{ year: Number(form.elements.budget_year.value), budget_fen: budget }],
      },
    });
    form.reset();
    onCreated();
  });
}

/** The programmes tab. */
export function render(container) {
  const list = h("div", { class: "programmes", "data-list": "programmes" });
  const error = formError();
  const load = async () => {
    try {
      const programmes = await api(`${V}/programmes`);
      list.replaceChildren(...(programmes.length
        ? programmes.map(programmeCard)
        : [h("p", { class: "muted" }, t("programme.none"))]));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  recordsLayout(container, [error, list], [panel("programme.new", createForm(load))]);
  load();
  return null;
}
