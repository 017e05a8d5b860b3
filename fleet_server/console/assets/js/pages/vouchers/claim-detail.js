// One claim: every rule's check (PASS or FAIL, its findings in the chosen language and the
// figures behind it), the claim's facts and decision, its evidence pack (downloaded and hashed here, checked
// against the stored digest) and, for an officer, recheck, approve and reject.

import { api, errorText } from "../../api.js";
import { openDialog } from "../../dialog.js";
import { download, sha256Hex } from "../../download.js";
import { h } from "../../dom.js";
import { inputField, textField } from "../../form.js";
import { dateTimeLong } from "../../format.js";
import { getLanguage, t, tValue } from "../../i18n.js";
import { money } from "../../money.js";
import { link } from "../../nav.js";
import { serverText } from "../../server-text.js";
import { can } from "../../session.js";
import { actionButton, field, statusBadge } from "../../ui.js";
import { figures, loadDirectory, V } from "./records.js";

const UNDECIDED = ["auto_verified", "needs_review"];

/** What a check found, in the chosen language; a check stored before its findings were kept
 * as codes has only the server's English. */
function findings(check) {
  if (!check.texts?.length) return check.message;
  return check.texts.map((found) => serverText(found.code, found.params, found.message))
    .join(getLanguage() === "zh" ? "；" : "; ");
}

function checkItem(check, directory) {
  const result = check.passed ? "pass" : "fail";
  return h("li", { class: `check check-${result}`, "data-rule": check.rule, "data-result": result },
    h("div", { class: "check-head" },
      h("span", { class: "rule-no" }, t("claim.ruleN", { n: check.rule })),
      h("strong", { class: "check-title" }, tValue("ruleTitle", check.title)),
      h("span", { class: `badge result result-${result}` }, t(`claim.${result}`))),
    h("p", { class: "check-message", "data-codes": (check.texts || []).map((found) => found.code).join(" ") },
      findings(check)),
    figures(check.figures, directory, check.labels));
}

function facts(claim, directory, contract) {
  return h("dl", { class: "facts" },
    field("claim.status", statusBadge("claimStatus", claim.status), { "data-field": "status" }),
    field("claim.subsidy", h("strong", {}, money(claim.subsidy_fen)), { "data-field": "subsidy" }),
    field("claim.contract", h("a", { href: link("vouchers", "contracts", claim.contract_id) },
      contract?.contract_number || `#${claim.contract_id}`)),
    field("claim.programme", directory.name("programme", claim.programme_id)),
    field("claim.voucher", `#${claim.voucher_id}`),
    field("claim.holder", directory.name("enterprise", claim.holder_id)),
    field("claim.supplier", directory.name("institution", claim.supplier_id)),
    field("claim.units", claim.serial_numbers.join(", ")),
    field("claim.filed", `${dateTimeLong(claim.filed_at)} · ${claim.filed_by}`),
    field("claim.checked", dateTimeLong(claim.checked_at)),
    claim.decided_by ? field("claim.decided", `${dateTimeLong(claim.decided_at)} · ${claim.decided_by}`) : null,
    claim.decision_reference ? field("claim.reference", claim.decision_reference, { "data-field": "reference" }) : null,
    claim.decision_reason ? field("claim.reason", claim.decision_reason, { "data-field": "decision-reason" }) : null,
    claim.overridden_rules.length
      ? field("claim.overridden", claim.overridden_rules.map((n) => t("claim.ruleN", { n })).join(", ")) : null,
    claim.notice_from
      ? field("claim.notice", t("claim.noticeText", { from: dateTimeLong(claim.notice_from), until: dateTimeLong(claim.notice_until) }),
        { "data-field": "notice" })
      : null,
    claim.paid_fen ? field("claim.paid", money(claim.paid_fen), { "data-field": "paid" }) : null);
}

function decide(claim, verb, show) {
  const failed = claim.failed_rules.map((n) => t("claim.ruleN", { n })).join(", ");
  const approving = verb === "approve";
  openDialog({
    name: verb,
    titleKey: `claim.${verb}Title`,
    titleParams: { id: claim.id },
    intro: approving && failed ? t("claim.overrideIntro", { rules: failed }) : null,
    fields: approving
      ? [inputField("decision_reference", "claim.reference", { required: true, maxlength: 200, placeholder: "龙科券〔2026〕7号" }),
        textField("reason", "claim.reason", { maxlength: 1000 }, { hintKey: failed ? "claim.reasonNeeded" : "claim.reasonOptional" })]
      : [textField("reason", "claim.rejectReason", { required: true, maxlength: 1000 }),
        inputField("decision_reference", "claim.reference", { maxlength: 200 })],
    submitKey: `claim.${verb}`,
    done: `claim.${verb}Done`,
    action: async (form) => {
      const reference = form.elements.decision_reference.value.trim();
      const reason = form.elements.reason.value.trim();
      const body = approving
        ? { decision_reference: reference, reason: reason || null }
        : { reason, decision_reference: reference || null };
      show(await api(`${V}/claims/${claim.id}/${verb}`, { method: "POST", body }));
    },
  });
}

function controls(claim, show) {
  if (!can("vouchers.write")) return [];
  const buttons = [];
  if (UNDECIDED.includes(claim.status)) {
    buttons.push(h("button", { type: "button", class: "button primary", "data-action": "claim.approve",
      on: { click: () => decide(claim, "approve", show) } }, t("claim.approve")));
    buttons.push(actionButton("claim.recheck", async () => show(await api(`${V}/claims/${claim.id}/recheck`,
      { method: "POST" })), { done: "claim.rechecked" }));
  }
  if ([...UNDECIDED, "approved"].includes(claim.status)) {
    buttons.push(h("button", { type: "button", class: "button danger", "data-action": "claim.reject",
      on: { click: () => decide(claim, "reject", show) } }, t("claim.reject")));
  }
  return buttons;
}

function evidence(claim) {
  const result = h("div", { class: "evidence-result", "data-field": "evidence-result" });
  const fetchPack = actionButton("claim.downloadEvidence", async () => {
    const file = await download(`${V}/claims/${claim.id}/evidence`);
    const computed = await sha256Hex(file.blob);
    const matches = computed === claim.evidence_sha256;
    result.replaceChildren(h("dl", { class: "facts" },
      field("claim.savedAs", file.name),
      field("claim.computedHash", h("code", { class: "hash", "data-field": "computed-sha256" }, computed)),
      field("claim.headerHash", h("code", { class: "hash" }, file.headers.get("X-Evidence-SHA256") || "—")),
      field("claim.hashCheck", h("span", { class: matches ? "ok-text" : "warn-text", "data-field": "hash-check",
        "data-matches": String(matches) }, t(matches ? "claim.hashMatches" : "claim.hashDiffers")))));
  }, { done: "claim.evidenceSaved" });
  const verify = actionButton("claim.verifyEvidence", async () => {
    const found = await api(`${V}/claims/${claim.id}/evidence/verify`);
    const line = (key, ok) => h("li", { class: ok ? "ok-text" : "warn-text", "data-check": key },
      t(`claim.${key}.${ok ? "yes" : "no"}`));
    result.replaceChildren(h("ul", { class: "verify-list" },
      line("packDigest", found.pack_matches_digest), line("packTelemetry", found.telemetry_matches_pack)));
  });
  return h("section", { class: "panel evidence-panel" },
    h("h2", {}, t("claim.evidence")),
    h("p", { class: "muted" }, t("claim.evidenceIntro")),
    h("dl", { class: "facts" },
      field("claim.storedHash", h("code", { class: "hash", "data-field": "sha256" }, claim.evidence_sha256))),
    h("div", { class: "controls" }, fetchPack, verify),
    result);
}

/** Render claim `id`; returns nothing to clean up. */
export function renderClaimDetail(container, id) {
  const head = h("div", { class: "detail-head" });
  const checks = h("section", { class: "panel checks-panel" });
  const side = h("div", { class: "claim-side" });
  container.append(
    h("a", { class: "button", href: link("vouchers", "claims"), "data-action": "back" }, t("claim.back")),
    h("div", { class: "claim-layout", "data-claim": id }, h("div", {}, head, checks), side));
  let directory = null;
  let contract = null;
  const show = (claim) => {
    head.replaceChildren(
      h("h2", {}, t("claim.title", { id: claim.id })),
      statusBadge("claimStatus", claim.status),
      h("div", { class: "controls", "data-controls": "claim" }, controls(claim, show)));
    const passed = claim.checks.filter((check) => check.passed).length;
    checks.replaceChildren(
      h("h2", {}, t("claim.checks")),
      h("p", { class: claim.failed_rules.length ? "warn-text" : "ok-text", "data-field": "checks-summary" },
        claim.failed_rules.length
          ? t("claim.failedSummary", { passed, total: claim.checks.length,
            rules: claim.failed_rules.map((n) => t("claim.ruleN", { n })).join(", ") })
          : t("claim.passedSummary", { total: claim.checks.length })),
      h("ol", { class: "checks" }, claim.checks.map((check) => checkItem(check, directory))));
    side.replaceChildren(h("section", { class: "panel" }, h("h2", {}, t("claim.facts")), facts(claim, directory, contract)),
      evidence(claim));
  };
  (async () => {
    try {
      const claim = await api(`${V}/claims/${id}`);
      [directory, contract] = await Promise.all([loadDirectory(), api(`${V}/contracts/${claim.contract_id}`)]);
      show(claim);
    } catch (failure) {
      head.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
    }
  })();
  return null;
}
