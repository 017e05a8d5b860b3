// The robot-voucher records (subsidy officers write, auditors read): one page with a tab per
// kind of record, #/vouchers/{tab}[/{id}]. Each tab is its own module under vouchers/.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import * as audit from "./vouchers/audit.js";
import * as claims from "./vouchers/claims.js";
import * as clawbacks from "./vouchers/clawbacks.js";
import * as contracts from "./vouchers/contracts.js";
import * as issued from "./vouchers/issued.js";
import * as parties from "./vouchers/parties.js";
import * as programmes from "./vouchers/programmes.js";
import * as settlements from "./vouchers/settlements.js";
import * as units from "./vouchers/units.js";

const TABS = [
  ["programmes", programmes],
  ["issued", issued],
  ["enterprises", parties],
  ["institutions", parties],
  ["contracts", contracts],
  ["units", units],
  ["claims", claims],
  ["settlements", settlements],
  ["clawbacks", clawbacks],
  ["audit", audit],
];

/** #/vouchers/{tab}/... */
export function render(container, [tab, ...rest]) {
  const found = TABS.find(([id]) => id === tab);
  if (!found) {
    location.replace(link("vouchers", TABS[0][0]));
    return null;
  }
  const body = h("div", { class: "tab-body", "data-tab": tab });
  container.append(h("section", { class: "page page-records" },
    h("div", { class: "records-head" },
      h("h1", {}, t("nav.vouchers")),
      h("span", { class: "badge access", "data-access": can("vouchers.write") ? "write" : "read" },
        t(can("vouchers.write") ? "vouchers.canWrite" : "vouchers.readOnly"))),
    h("nav", { class: "tabs record-tabs", "aria-label": t("vouchers.tabs") },
      TABS.map(([id]) => h("a", {
        class: "tab", href: link("vouchers", id), "data-tab": id,
        "aria-current": id === tab ? "page" : false,
      }, t(`vouchers.tab.${id}`)))),
    body));
  return found[1].render(body, rest, tab) || null;
}
