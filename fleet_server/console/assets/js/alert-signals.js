// How the console tells of alerts outside their page: the count on the navigation and in the
// page title, a short chime made by Web Audio (muted by a toggle remembered in localStorage),
// and a desktop notification when the user allowed them.

import { api } from "./api.js";
import { alertText } from "./alert-text.js";
import { h, s } from "./dom.js";
import { t } from "./i18n.js";
import { putAlertPage, store, subscribe } from "./store.js";

const MUTED_KEY = "fleet.alerts.muted";
// The newest alerts the console keeps at hand; the count comes from the server.
const READ_LIMIT = 100;
// Two short rising tones: heard over a room, over in a third of a second.
const CHIME = [{ hz: 880, at: 0 }, { hz: 1320, at: 0.16 }];
const TONE_S = 0.14;

let audio = null;

/** Read the newest alerts and the unacknowledged count (at login, after each snapshot). */
export async function loadAlerts() {
  const page = await api(`/alerts?limit=${READ_LIMIT}`);
  putAlertPage(page.alerts, page.unacknowledged);
}

export function isMuted() {
  return localStorage.getItem(MUTED_KEY) === "1";
}

function chime() {
  audio = audio || new AudioContext();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  const now = audio.currentTime;
  for (const { hz, at } of CHIME) {
    const tone = audio.createOscillator();
    const level = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = hz;
    level.gain.setValueAtTime(0.0001, now + at);
    level.gain.exponentialRampToValueAtTime(0.2, now + at + 0.02);
    level.gain.exponentialRampToValueAtTime(0.0001, now + at + TONE_S);
    tone.connect(level).connect(audio.destination);
    tone.start(now + at);
    tone.stop(now + at + TONE_S + 0.01);
  }
}

function notifyDesktop(alert) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    // One notification per alert: a repeat replaces it instead of stacking.
    new Notification(t("alerts.notificationTitle"), { body: alertText(alert), tag: `alert-${alert.id}` });
  } catch (failure) {
    // Mobile browsers let only a service worker notify; the badge and the chime still tell.
    console.warn("desktop notification refused", failure);
  }
}

/** Whether the browser may still be asked to show desktop notifications. */
export function canAskForNotifications() {
  return "Notification" in window && Notification.permission === "default";
}

function showCount(nav) {
  const count = store.unacknowledgedAlerts;
  const link = nav.querySelector('a[data-page="alerts"]');
  if (link) {
    // The number is drawn by CSS from data-count, so the link's text stays its label.
    link.dataset.count = count > 99 ? "99+" : String(count);
    link.title = t("alerts.unacknowledgedCount", { n: count });
  }
  document.title = count > 0 ? `(${count}) ${t("app.title")}` : t("app.title");
}

/** A bell drawn in SVG (no icon font needed), struck through when muted. */
function bell(muted) {
  const line = { fill: "none", stroke: "currentColor", "stroke-width": 2, "stroke-linecap": "round" };
  return s("svg", { viewBox: "0 0 24 24", class: "bell", "aria-hidden": "true" },
    s("path", { ...line, "stroke-linejoin": "round", d: "M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6z" }),
    s("path", { ...line, d: "M10 19a2 2 0 0 0 4 0" }),
    muted ? s("path", { ...line, d: "M4 3l16 18" }) : null);
}

/** The mute toggle for the top bar; it counts its chimes in data-chimes. */
function muteToggle() {
  const button = h("button", { type: "button", class: "button alert-sound", "data-action": "alert-sound" });
  button.dataset.chimes = "0";
  const show = () => {
    const muted = isMuted();
    button.setAttribute("aria-pressed", String(muted));
    button.replaceChildren(bell(muted));
    button.title = t(muted ? "alerts.soundOff" : "alerts.soundOn");
    button.setAttribute("aria-label", button.title);
  };
  button.addEventListener("click", () => {
    if (isMuted()) localStorage.removeItem(MUTED_KEY);
    else localStorage.setItem(MUTED_KEY, "1");
    show();
  });
  show();
  return button;
}

/** Start telling of alerts in this shell: returns the top bar's mute toggle and the cleanup. */
export function alertSignals(nav) {
  const toggle = muteToggle();
  showCount(nav);
  const unsubscribe = subscribe("alerts", (message) => {
    showCount(nav);
    const raised = message.changes.filter((change) => change.event === "raised");
    if (raised.length === 0) return;
    if (!isMuted()) {
      chime();
      toggle.dataset.chimes = String(Number(toggle.dataset.chimes) + 1);
    }
    for (const { alert } of raised) notifyDesktop(alert);
  });
  const cleanup = () => {
    unsubscribe();
    document.title = t("app.title");
  };
  return { toggle, cleanup };
}
