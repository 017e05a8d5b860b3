// Settlement rounds: what each paid, the budget left, the cut applied to every claim alike when
// that was not enough, and each payout; an officer settles a programme's round.

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formButtons, formError, inputField, onSubmit, selectField } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t, tValue } from "../../i18n.js";
import { fractionBp, money, percent } from "../../money.js";
import { link } from "../../nav.js";
import { can } from "../../session.js";
import { field, notify } from "../../ui.js";
import { exportButton, loadDirectory, panel, recordOptions, recordsLayout, V } from "./records.js";

/** The cut factor in words: "none" when every claim was paid in full. */
function cutText(round) {
  if (round.cut_numerator >= round.cut_denominator) return t("settlement.noCut");
  return t("settlement.cutText", {
    factor: percent(fractionBp(round.cut_numerator, round.cut_denominator)),
    numerator: money(round.cut_numerator), denominator: money(round.cut_denominator),
  });
}

function payouts(round, directory) {
  return h("table", { class: "data compact payouts" },
    h("thead", {}, h("tr", {},
      ["settlement.claim", "settlement.holder", "settlement.payee"].map((key) => h("th", { scope: "col" }, t(key))),
      ["settlement.subsidy", "settlement.capped", "settlement.amount"]
        .map((key) => h("th", { scope: "col", class: "money" }, t(key))))),
    h("tbody", {}, round.payouts.map((payout) => h("tr", { class: "static", "data-payout": payout.id },
      h("td", {}, h("a", { href: link("vouchers", "claims", payout.claim_id) }, `#${payout.claim_id}`)),
      h("td", {}, directory.name("enterprise", payout.holder_id)),
      h("td", {}, `${tValue("payee", payout.payee)} · ${directory.name(payout.payee === "holder" ? "enterprise" : "institution", payout.payee_id)}`),
      h("td", { class: "money" }, money(payout.subsidy_fen)),
      h("td", { class: "money" }, money(payout.capped_fen)),
      h("td", { class: "money" }, h("strong", {}, money(payout.amount_fen)))))));
}

function roundCard(round, directory) {
  const cut = round.cut_numerator < round.cut_denominator;
  return h("section", { class: "panel round", "data-round": round.id },
    h("div", { class: "detail-head" },
      h("h2", {}, t("settlement.title", { id: round.id, year: round.year })),
      cut ? h("span", { class: "badge status-cut" }, t("settlement.cut")) : null),
    h("dl", { class: "facts" },
      field("settlement.programme", directory.name("programme", round.programme_id)),
      field("settlement.settled", `${dateTimeLong(round.settled_at)} · ${round.settled_by}`),
      round.period_from || round.period_until
        ? field("settlement.period", `${round.period_from || "…"} – ${round.period_until || "…"}`) : null,
      field("settlement.requested", money(round.requested_fen)),
      field("settlement.budgetLeft", money(round.budget_left_fen)),
      field("settlement.cutFactor", cutText(round), { "data-field": "cut" }),
      field("settlement.paidTotal", h("strong", {}, money(round.paid_fen)), { "data-field": "paid" })),
    h("h3", {}, t("settlement.payouts")),
    payouts(round, directory));
}

function settleForm(directory, reload) {
  const form = h("form", { class: "record-form", "data-form": "settle", novalidate: true },
    selectField("programme_id", "settlement.programme", recordOptions(directory.programmes)),
    h("div", { class: "inline" },
      inputField("period_from", "settlement.from", { type: "date" }),
      inputField("period_until", "settlement.until", { type: "date" })),
    h("p", { class: "field-hint" }, t("settlement.hint")),
    formError(), formButtons("settlement.settle"));
  return onSubmit(form, async () => {
    const round = await api(`${V}/settlements`, {
      method: "POST",
      body: {
        programme_id: Number(form.elements.programme_id.value),
        period_from: form.elements.period_from.value || null,
        period_until: form.elements.period_until.value || null,
      },
    });
    notify(t("settlement.done", { n: round.payouts.length, amount: money(round.paid_fen) }), "ok");
    reload();
  });
}

/** The settlements tab. */
export function render(container) {
  const error = formError();
  const list = h("div", { class: "rounds", "data-list": "rounds" });
  const forms = h("div");
  recordsLayout(container, [h("div", { class: "toolbar" }, h("span", { class: "push" }, exportButton("payouts"))), error, list],
    [panel("settlement.new", forms)]);
  const load = async () => {
    try {
      const [directory, rounds] = await Promise.all([loadDirectory(), api(`${V}/settlements`)]);
      list.replaceChildren(...(rounds.length
        ? rounds.sort((a, b) => b.id - a.id).map((round) => roundCard(round, directory))
        : [h("p", { class: "muted panel" }, t("settlement.none"))]));
      if (can("vouchers.write") && !forms.firstChild) forms.append(settleForm(directory, load));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  load();
  return null;
}
