// The console's entry: login, the shell (header, navigation), the live feed, and the router.

import { alertSignals, loadAlerts } from "./alert-signals.js";
import { api, errorText, getToken, logIn, onUnauthorized, setToken } from "./api.js";
import { h } from "./dom.js";
import { closeFeed, openFeed } from "./feed.js";
import { fleetControl, loadFleetControl } from "./fleet-control.js";
import { setTimezone } from "./format.js";
import { getLanguage, onLanguageChange, setLanguage, t, tValue } from "./i18n.js";
import { allowedPages, parseHash } from "./nav.js";
import { passwordButton } from "./password-change.js";
import { can, session } from "./session.js";
import { putIncidents, putMissions, resetStore, store, subscribe } from "./store.js";

const root = document.getElementById("app");
let cleanupPage = null;
let loginNote = null;

function languageToggle() {
  const next = getLanguage() === "zh" ? "en" : "zh";
  return h("button", {
    type: "button", class: "button language-toggle", "data-action": "language",
    lang: next === "zh" ? "zh-CN" : "en", title: t("lang.switch"),
    on: { click: () => setLanguage(next) },
  }, t("lang.other"));
}

// ---- login

function renderLogin() {
  leavePage();
  const previous = root.querySelector("form.login");
  const name = previous?.elements.username.value || "";
  const error = h("p", { class: "login-error", role: "alert" }, loginNote ? t(loginNote) : "");
  const form = h("form", { class: "login panel", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, t("app.title")),
    h("p", { class: "muted" }, t("login.prompt")),
    h("label", {}, h("span", {}, t("login.username")),
      h("input", { name: "username", autocomplete: "username", required: true, value: name })),
    h("label", {}, h("span", {}, t("login.password")),
      h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    error,
    h("button", { type: "submit", class: "button primary" }, t("login.submit")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await logIn(form.elements.username.value, form.elements.password.value);
      loginNote = null;
      await start();
    } catch (failure) {
      // The server's refusal in the user's language; a 401 without a code says the usual.
      error.textContent = failure.status === 401 && !failure.code ? t("login.failed") : errorText(failure);
    }
  });
  root.replaceChildren(
    h("div", { class: "login-screen" },
      h("div", { class: "login-bar" }, languageToggle()), form));
  if (!name) form.elements.username.focus();
}

function logOut(note = null) {
  closeFeed();
  leaveShell();
  setToken(null);
  session.user = null;
  resetStore();
  loginNote = note;
  renderLogin();
}

// ---- after login

async function loadSites() {
  const sites = await api("/sites");
  const full = await Promise.all(sites.map((site) => api(`/sites/${encodeURIComponent(site.id)}`)));
  for (const site of full) store.sites.set(site.id, site);
  const first = full[0];
  if (first) setTimezone(first.timezone);
}

async function start() {
  session.user = await api("/auth/me");
  if (allowedPages().length > 0) await loadSites();
  if (can("fleet.read")) {
    putMissions(await api("/missions?limit=200"));
    await loadFleetControl();
    await loadAlerts();
    refreshOnSnapshot();
    openFeed(getToken(), () => logOut("login.expired"));
  }
  renderShell();
}

let snapshotRefresh = null;

function readIncidents() {
  const readAt = Date.now();
  api("/incidents?limit=200")
    .then((incidents) => putIncidents(incidents, readAt))
    .catch((failure) => console.warn(failure));
}

function refreshOnSnapshot() {
  // A snapshot lists unfinished missions and open incidents only: missions that ended while the
  // feed was away are read again so that none stays shown as running, and the incidents list
  // (the snapshot replaces the open ones) gets its closed incidents back.
  snapshotRefresh?.();
  let first = true;
  snapshotRefresh = subscribe("snapshot", () => {
    readIncidents();
    // The fleet may have been paused or resumed, and alerts raised, while the feed was away.
    loadFleetControl().catch((failure) => console.warn(failure));
    loadAlerts().catch((failure) => console.warn(failure));
    if (first) {
      first = false;
      return;
    }
    api("/missions?limit=200").then(putMissions).catch((failure) => console.warn(failure));
  });
}

function connectionBadge() {
  const badge = h("span", { class: "connection", "data-connection": store.connection });
  const show = (state) => {
    badge.dataset.connection = state;
    badge.textContent = tValue("connection", state);
  };
  show(store.connection);
  const unsubscribe = subscribe("connection", show);
  return { badge, unsubscribe };
}

let shellCleanup = [];

function leaveShell() {
  for (const cleanup of shellCleanup) cleanup();
  shellCleanup = [];
}

function renderShell() {
  leaveShell();
  const pages = allowedPages();
  const { id } = parseHash(location.hash);
  const nav = h("nav", { class: "main-nav", "aria-label": t("nav.label") },
    pages.filter((page) => !page.hidden).map((page) => h("a", {
      href: `#/${page.id}`, "data-page": page.id,
      "aria-current": page.id === id ? "page" : false,
    }, t(page.label))));
  const connection = connectionBadge();
  shellCleanup.push(connection.unsubscribe);
  const control = can("fleet.read") ? fleetControl() : null;
  if (control) shellCleanup.push(control.unsubscribe);
  const alerts = can("fleet.read") ? alertSignals(nav) : null;
  if (alerts) shellCleanup.push(alerts.cleanup);
  const user = session.user;
  const header = h("header", { class: "top-bar" },
    h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), t("app.title")),
    nav,
    h("div", { class: "top-tools" },
      control ? control.element : null,
      can("fleet.read") ? connection.badge : null,
      alerts ? alerts.toggle : null,
      h("span", { class: "user", "data-role": user.role },
        h("span", { class: "user-name" }, user.name),
        h("span", { class: "user-line" },
          h("span", { class: "user-role" }, tValue("role", user.role)),
          user.kind === "user" ? passwordButton(() => {
            if (can("fleet.read")) openFeed(getToken(), () => logOut("login.expired"));
          }) : null)),
      languageToggle(),
      h("button", { type: "button", class: "button", "data-action": "logout", on: { click: () => logOut() } },
        t("nav.logout"))),
  );
  const main = h("main", { id: "page", tabindex: -1 });
  root.replaceChildren(header, main);
  route();
}

function leavePage() {
  if (cleanupPage) cleanupPage();
  cleanupPage = null;
}

function route() {
  const main = document.getElementById("page");
  if (!main || !session.user) return;
  leavePage();
  const pages = allowedPages();
  if (pages.length === 0) {
    main.replaceChildren(h("section", { class: "panel empty-role" },
      h("h1", {}, t("role.noPagesTitle")), h("p", {}, t("role.noPages"))));
    return;
  }
  const { id, rest } = parseHash(location.hash);
  const page = pages.find((p) => p.id === id);
  if (!page) {
    location.replace(`#/${pages[0].id}`);
    return;
  }
  for (const link of document.querySelectorAll(".main-nav a")) {
    if (link.dataset.page === page.id) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.replaceChildren();
  cleanupPage = page.page.render(main, rest) || null;
}

window.addEventListener("hashchange", route);
onLanguageChange(() => (session.user ? renderShell() : renderLogin()));
onUnauthorized(() => {
  if (session.user) logOut("login.expired");
});

async function boot() {
  if (!getToken()) {
    renderLogin();
    return;
  }
  try {
    await start();
  } catch (failure) {
    console.warn("stored login not accepted", failure);
    logOut();
  }
}

boot();
