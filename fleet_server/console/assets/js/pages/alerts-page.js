// The alerts page (#/alerts): the inbox read page by page with filters (kind, acknowledged or
// not, robot), each alert's words, subject links (incident, robot, mission), and for operators
// acknowledging one alert or every one shown; changes from other consoles arrive by the feed.

import { api, errorText } from "../api.js";
import { alertText } from "../alert-text.js";
import { canAskForNotifications } from "../alert-signals.js";
import { h } from "../dom.js";
import { dateTime } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { store, subscribe } from "../store.js";
import { dataTable } from "../table.js";
import { actionButton, notify } from "../ui.js";

const PAGE_SIZE = 50;
export const ALERT_KINDS = [
  "incident_reported", "incident_escalated", "incident_held",
  "robot_error", "robot_offline", "foreign_order", "low_battery",
];
const STATES = ["unacknowledged", "all", "acknowledged"];
const filters = { state: "unacknowledged", kind: "", robot: "" };

function query(offset) {
  const params = new URLSearchParams({ limit: PAGE_SIZE, offset });
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.robot) params.set("robot", filters.robot);
  if (filters.state !== "all") params.set("acknowledged", String(filters.state === "acknowledged"));
  return `/alerts?${params}`;
}

function subjects(alert) {
  const links = [];
  if (alert.incident_id !== null) {
    links.push(h("a", { href: link("incidents", alert.incident_id), "data-goto": "incident" },
      t("alerts.incidentLink", { id: alert.incident_id })));
  }
  if (alert.robot) {
    links.push(h("a", { href: link("robots", alert.robot), "data-goto": "robot" }, alert.robot));
  }
  if (alert.mission_id !== null) {
    links.push(h("a", { href: link("missions", alert.mission_id), "data-goto": "mission" },
      t("alerts.missionLink", { id: alert.mission_id })));
  }
  return links.length ? h("span", { class: "alert-links" }, links) : "—";
}

function acknowledgement(alert) {
  if (alert.acknowledged) {
    return h("span", { class: "acknowledged", "data-field": "acknowledged" },
      t("alerts.acknowledgedBy", { who: alert.acknowledged_by, when: dateTime(alert.acknowledged_at) }));
  }
  if (!can("alerts.acknowledge")) return h("span", { class: "muted" }, t("alerts.waiting"));
  return actionButton("alerts.acknowledge", () => api(`/alerts/${alert.id}/acknowledge`, { method: "POST" }),
    { kind: "small" });
}

function severityBadge(severity) {
  return h("span", { class: `badge alert-severity severity-${severity}`, "data-severity": severity },
    tValue("severity", severity));
}

export function render(container) {
  let offset = 0;
  let rows = [];
  let total = 0;
  let reading = null;
  const table = dataTable([
    { label: "alerts.severity", cell: (a) => severityBadge(a.severity) },
    { label: "alerts.kind", cell: (a) => tValue("alertKind", a.kind) },
    { label: "alerts.what", cell: (a) => h("span", { "data-field": "text" }, alertText(a)), class: "wrap" },
    { label: "alerts.subject", cell: subjects },
    { label: "alerts.count", cell: (a) => (a.count > 1 ? t("alerts.times", { n: a.count }) : "1") },
    { label: "alerts.last", cell: (a) => dateTime(a.last_at) },
    { label: "alerts.acknowledgement", cell: acknowledgement },
  ], {
    className: "alerts-table",
    emptyKey: "alerts.none",
    rowAttrs: (a) => ({
      "data-alert": a.id, "data-kind": a.kind, "data-acknowledged": String(a.acknowledged),
    }),
  });
  const position = h("span", { class: "muted", "data-field": "position" });
  const previous = h("button", { type: "button", class: "button", "data-action": "previous" }, t("alerts.previous"));
  const next = h("button", { type: "button", class: "button", "data-action": "next" }, t("alerts.next"));
  const draw = () => {
    table.update(rows);
    position.textContent = total === 0 ? "" : t("alerts.position", {
      from: offset + 1, to: offset + rows.length, total,
    });
    previous.disabled = offset === 0;
    next.disabled = offset + rows.length >= total;
    acknowledgeShown.hidden = !rows.some((a) => !a.acknowledged);
  };
  const read = () => {
    const started = api(query(offset)).then((page) => {
      if (reading !== started) return;
      rows = page.alerts;
      total = page.total;
      draw();
    }).catch((failure) => notify(t("error.failedBecause", { reason: errorText(failure) }), "error"));
    reading = started;
  };
  const acknowledgeShown = can("alerts.acknowledge")
    ? actionButton("alerts.acknowledgeShown", () => {
      const ids = rows.filter((a) => !a.acknowledged).map((a) => a.id);
      return api("/alerts/acknowledge", { method: "POST", body: { ids } });
    }, { kind: "push" })
    : h("span", { hidden: true });
  const askNotifications = canAskForNotifications()
    ? h("button", { type: "button", class: "button", "data-action": "notifications" }, t("alerts.allowNotifications"))
    : null;
  askNotifications?.addEventListener("click", async () => {
    await Notification.requestPermission();
    askNotifications.remove();
  });

  const kindSelect = h("select", { name: "kind", "data-filter": "kind" },
    h("option", { value: "" }, t("filter.all")),
    ALERT_KINDS.map((kind) => h("option", { value: kind }, tValue("alertKind", kind))));
  const stateSelect = h("select", { name: "state", "data-filter": "state" },
    STATES.map((state) => h("option", { value: state }, t(`alerts.state.${state}`))));
  const robotInput = h("input", {
    name: "robot", "data-filter": "robot", type: "search", value: filters.robot,
    placeholder: t("filter.searchRobot"), maxlength: 100,
  });
  kindSelect.value = filters.kind;
  stateSelect.value = filters.state;
  for (const control of [kindSelect, stateSelect, robotInput]) {
    control.addEventListener("change", () => {
      filters[control.name] = control.value.trim();
      offset = 0;
      read();
    });
  }
  previous.addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    read();
  });
  next.addEventListener("click", () => {
    offset += PAGE_SIZE;
    read();
  });

  container.append(h("section", { class: "page page-table alerts-page" },
    h("div", { class: "panel" },
      h("h1", {}, t("nav.alerts")),
      h("div", { class: "toolbar" },
        h("label", { class: "filter" }, h("span", {}, t("alerts.show")), stateSelect),
        h("label", { class: "filter" }, h("span", {}, t("alerts.kind")), kindSelect),
        h("label", { class: "filter" }, h("span", {}, t("alerts.robot")), robotInput),
        askNotifications,
        acknowledgeShown),
      table.element,
      h("div", { class: "toolbar pager" }, previous, position, next))));
  draw();
  read();
  // A new alert (or the inbox read again after the feed was away) re-reads the page; a repeat
  // or an acknowledgement updates its row where it is, so that an alert acknowledged elsewhere
  // stays in view saying who did it.
  const unsubscribe = subscribe("alerts", (message) => {
    if (message.changes.some((change) => change.event === "raised" || change.event === "read")) {
      read();
      return;
    }
    let changed = false;
    rows = rows.map((row) => {
      const now = store.alerts.get(row.id);
      changed ||= now !== undefined && now !== row;
      return now || row;
    });
    if (changed) draw();
  });
  return unsubscribe;
}
