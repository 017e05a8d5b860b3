// The whole fleet at once: its state (running, paused, recalled) in the top bar, and for admins
// and operators the guarded buttons that pause, resume or recall every robot. Each button opens
// a dialog saying what will happen; nothing is sent before it is confirmed.

import { api } from "./api.js";
import { openDialog } from "./dialog.js";
import { h } from "./dom.js";
import { dateTime } from "./format.js";
import { t, tValue } from "./i18n.js";
import { can } from "./session.js";
import { putFleetControl, store, subscribe } from "./store.js";

// What may be done from each state.
const ACTIONS = {
  running: ["pause", "recall"],
  paused: ["resume", "recall"],
  recalled: ["resume", "pause"],
};

/** Read the fleet-wide state from the server. */
export async function loadFleetControl() {
  putFleetControl(await api("/fleet/control"));
}

function onlineRobots() {
  let online = 0;
  for (const robot of store.robots.values()) if (robot.online) online += 1;
  return online;
}

function confirmAction(action) {
  openDialog({
    titleKey: `fleetControl.${action}.title`,
    intro: t(`fleetControl.${action}.intro`, { robots: onlineRobots() }),
    fields: [],
    submitKey: `fleetControl.${action}.submit`,
    name: `fleet-${action}`,
    done: `fleetControl.${action}.done`,
    action: async () => {
      const change = await api(`/fleet/${action}`, { method: "POST" });
      putFleetControl({ mode: change.mode, since: change.at, by: change.by, last: change });
    },
  });
}

/** The top bar's fleet-wide state and, for operators, its buttons; redrawn on every change. */
export function fleetControl() {
  const box = h("div", { class: "fleet-control", role: "group", "aria-label": t("fleetControl.label") });
  const draw = () => {
    const control = store.fleetControl;
    if (!control) {
      box.replaceChildren();
      return;
    }
    box.dataset.fleetMode = control.mode;
    const who = control.by ? t("fleetControl.since", { by: control.by, time: dateTime(control.since) }) : null;
    const badge = h("span", { class: "fleet-mode", "data-mode": control.mode, title: who },
      tValue("fleetMode", control.mode));
    const buttons = can("fleet.control")
      ? (ACTIONS[control.mode] || []).map((action) => h("button", {
        type: "button",
        class: `button ${action === "resume" ? "primary" : "danger"}`,
        "data-action": `fleet.${action}`,
        on: { click: () => confirmAction(action) },
      }, t(`fleetControl.${action}.button`)))
      : [];
    box.replaceChildren(badge, ...buttons);
  };
  draw();
  return { element: box, unsubscribe: subscribe("fleet", draw) };
}
