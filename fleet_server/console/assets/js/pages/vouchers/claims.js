// Claims: listed by status (#/vouchers/claims), one claim with every rule's check, its evidence
// and its decision (#/vouchers/claims/{id}, in claim-detail.js).

import { api, errorText } from "../../api.js";
import { h } from "../../dom.js";
import { formError } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { t, tValue } from "../../i18n.js";
import { money } from "../../money.js";
import { link } from "../../nav.js";
import { dataTable } from "../../table.js";
import { statusBadge } from "../../ui.js";
import { renderClaimDetail } from "./claim-detail.js";
import { exportButton, loadDirectory } from "./records.js";

const CLAIM_STATUSES = ["needs_review", "auto_verified", "approved", "rejected", "paid"];
const filters = { status: "" };

function renderList(container) {
  const error = formError();
  let directory = null;
  let contracts = new Map();
  const table = dataTable([
    { label: "claim.id", cell: (c) => h("a", { href: link("vouchers", "claims", c.id) }, `#${c.id}`) },
    { label: "claim.contract", cell: (c) => contracts.get(c.contract_id)?.contract_number || `#${c.contract_id}` },
    { label: "claim.holder", cell: (c) => directory.name("enterprise", c.holder_id) },
    { label: "claim.supplier", cell: (c) => directory.name("institution", c.supplier_id) },
    { label: "claim.units", cell: (c) => String(c.serial_numbers.length) },
    { label: "claim.subsidy", cell: (c) => money(c.subsidy_fen), class: "money" },
    { label: "claim.status", cell: (c) => statusBadge("claimStatus", c.status) },
    { label: "claim.failed", cell: (c) => (c.failed_rules.length
      ? h("span", { class: "warn-text" }, c.failed_rules.map((rule) => t("claim.ruleN", { n: rule })).join(", "))
      : h("span", { class: "ok-text" }, t("claim.allPass"))) },
    { label: "claim.filed", cell: (c) => dateTimeLong(c.filed_at) },
  ], {
    className: "claims-table", emptyKey: "claim.none",
    rowAttrs: (c) => ({ "data-claim": c.id, "data-status": c.status }),
    open: (c) => {
      location.hash = link("vouchers", "claims", c.id);
    },
  });
  const tabs = h("div", { class: "tabs status-tabs", role: "tablist" });
  const drawTabs = () => tabs.replaceChildren(...["", ...CLAIM_STATUSES].map((status) => h("button", {
    type: "button", role: "tab", class: "tab", "data-status": status || "all",
    "aria-selected": status === filters.status ? "true" : "false",
    on: {
      click: () => {
        filters.status = status;
        drawTabs();
        load();
      },
    },
  }, status ? tValue("claimStatus", status) : t("filter.all"))));
  drawTabs();
  container.append(h("section", { class: "panel" },
    h("div", { class: "toolbar" }, tabs, h("span", { class: "push" }, exportButton("claims"))),
    error, table.element));
  const load = async () => {
    try {
      const query = filters.status ? `?status=${filters.status}` : "";
      const [claims, contractList] = await Promise.all([api(`/vouchers/claims${query}`), api("/vouchers/contracts")]);
      contracts = new Map(contractList.map((c) => [c.id, c]));
      directory = directory || await loadDirectory();
      table.update(claims.sort((a, b) => b.id - a.id));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  load();
  return null;
}

/** The claims tab. */
export function render(container, [claimId]) {
  return claimId ? renderClaimDetail(container, Number(claimId)) : renderList(container);
}
