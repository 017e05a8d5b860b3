// Shared pieces of the pages: badges, progress bars, buttons that call the API, notices.

import { errorText } from "./api.js";
import { h } from "./dom.js";
import { t, tValue } from "./i18n.js";
import { batteryBand } from "./status.js";

const CONFIRM_WINDOW_MS = 4000;
const NOTICE_MS = 5000;

/** A robot state badge: colour dot and word. */
export function stateBadge(status) {
  return h("span", { class: `badge state state-${status}`, "data-status": status },
    h("span", { class: "dot", "aria-hidden": "true" }), tValue("state", status));
}

/** A mission status badge. */
export function missionBadge(status) {
  return h("span", { class: `badge mission-status mission-${status}`, "data-status": status },
    tValue("missionStatus", status));
}

/** An incident status badge. */
export function incidentBadge(status) {
  return h("span", { class: `badge incident-status incident-${status}`, "data-status": status },
    tValue("incidentStatus", status));
}

/** A badge for any status word of a group (claims, vouchers, cases): `status-{value}` colours. */
export function statusBadge(group, status) {
  return h("span", { class: `badge status-${status}`, "data-status": status }, tValue(group, status));
}

/** A battery gauge with its percentage. */
export function batteryGauge(battery) {
  const value = battery === null || battery === undefined ? null : Math.round(battery);
  return h("span", { class: `gauge battery-${batteryBand(battery)}` },
    h("span", { class: "gauge-track", "aria-hidden": "true" },
      h("span", { class: "gauge-fill", style: { width: `${value ?? 0}%` } })),
    h("span", { class: "gauge-text" }, value === null ? "—" : `${value} %`));
}

/** A mission's progress: nodes passed of the total, and the round. */
export function progressBar(mission) {
  const { nodes_passed: passed, nodes_total: total } = mission.progress;
  const share = total > 0 ? Math.round((100 * passed) / total) : mission.status === "completed" ? 100 : 0;
  return h("div", { class: `progress mission-${mission.status}` },
    h("div", {
      class: "progress-track", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100,
      "aria-valuenow": share, "aria-label": t("missions.progress"),
    }, h("div", { class: "progress-fill", style: { width: `${share}%` } })),
    h("span", { class: "progress-text", "data-field": "progress-text" }, progressText(mission)));
}

/** A patrol counted on the route the operator drew (the way to it and back said apart); other
 * missions, and patrols from before route counting, in nodes of the plan. */
function progressText(mission) {
  const { nodes_passed: passed, nodes_total: total, current_round: round, rounds, route } = mission.progress;
  if (mission.kind !== "patrol") return t("missions.progressNodes", { passed, total });
  if (!route) return t("missions.progressRounds", { passed, total, round: Math.max(round, 1), rounds });
  if (route.leg === "approach") return t("missions.progressApproach", { total: route.total, rounds });
  const text = t("missions.progressRoute", { passed: route.passed, total: route.total, round, rounds });
  return route.leg === "return" ? `${text} · ${t("missions.progressReturn")}` : text;
}

let noticeRegion = null;

/** Show a short notice (success or error) in the page's live region. */
export function notify(text, kind = "info") {
  if (!noticeRegion || !noticeRegion.isConnected) {
    noticeRegion = h("div", { class: "notices", role: "status", "aria-live": "polite" });
    document.body.append(noticeRegion);
  }
  const notice = h("div", { class: `notice notice-${kind}` }, text);
  noticeRegion.append(notice);
  setTimeout(() => notice.remove(), NOTICE_MS);
}

/** A button that runs an API call, says what happened, and is disabled while it runs. */
export function actionButton(labelKey, action, { kind = "", done, confirmKey } = {}) {
  const button = h("button", { type: "button", class: `button ${kind}`, "data-action": labelKey },
    t(labelKey));
  let armed = null;
  button.addEventListener("click", async () => {
    if (confirmKey && !armed) {
      // A second click within a few seconds confirms: a stray click cancels nothing.
      button.textContent = t(confirmKey);
      button.classList.add("armed");
      armed = setTimeout(() => {
        armed = null;
        button.textContent = t(labelKey);
        button.classList.remove("armed");
      }, CONFIRM_WINDOW_MS);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.disabled = true;
    try {
      await action();
      if (done) notify(t(done), "ok");
    } catch (error) {
      notify(t("error.failedBecause", { reason: errorText(error) }), "error");
    } finally {
      button.disabled = false;
      button.textContent = t(labelKey);
      button.classList.remove("armed");
    }
  });
  return button;
}

/** A labelled field in a definition list. */
export function field(labelKey, value, attrs = {}) {
  return [h("dt", {}, t(labelKey)), h("dd", attrs, value)];
}
