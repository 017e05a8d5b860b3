// The admin's page of accounts: users (add, change role, disable or enable, set or reset the
// password, remove) and API keys for integrations (create, shown once; revoke).

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { dateTime } from "../format.js";
import { formButtons, formError, inputField, onSubmit, selectField } from "../form.js";
import { t, tValue } from "../i18n.js";
import { session } from "../session.js";
import { dataTable } from "../table.js";
import { actionButton, notify } from "../ui.js";

const ROLES = ["admin", "operator", "viewer", "subsidy_officer", "auditor"];

function roleOptions() {
  return ROLES.map((role) => [role, tValue("role", role)]);
}

function panel(titleKey, ...content) {
  return h("section", { class: "panel" }, h("h2", {}, t(titleKey)), ...content);
}

/** A secret the server shows once (a password, a key), with what to do with it. */
function secretBox(field, label, value, noteKey) {
  return h("div", { class: "secret", role: "status", "data-field": field },
    h("p", {}, label),
    h("code", { class: "secret-value" }, value),
    h("p", { class: "muted" }, t(noteKey)));
}

function stateBadge(disabled) {
  const state = disabled ? "disabled" : "enabled";
  return h("span", { class: `badge status-${state}`, "data-status": state }, t(`users.${state}`));
}

function roleSelect(user, reload) {
  const select = h("select", { name: "role", "aria-label": t("users.role") },
    roleOptions().map(([value, label]) => h("option", { value }, label)));
  select.value = user.role;
  select.addEventListener("change", async () => {
    try {
      await api(`/users/${encodeURIComponent(user.name)}`, { method: "PATCH", body: { role: select.value } });
      notify(t("users.roleChanged", { name: user.name, role: tValue("role", select.value) }), "ok");
    } catch (failure) {
      notify(t("error.failedBecause", { reason: errorText(failure) }), "error");
    }
    reload();
  });
  return select;
}

function userActions(user, reload, showSecret) {
  const path = `/users/${encodeURIComponent(user.name)}`;
  const self = user.name === session.user?.name;
  return h("div", { class: "inline row-actions" },
    actionButton("users.resetPassword", async () => {
      const reset = await api(`${path}/password`, { method: "POST", body: {} });
      showSecret(secretBox("new-password", t("users.newPasswordFor", { name: user.name }), reset.password,
        "users.newPasswordNote"), { name: user.name });
    }, { kind: "small", confirmKey: "users.resetConfirm" }),
    actionButton(user.disabled ? "users.enable" : "users.disable", async () => {
      await api(path, { method: "PATCH", body: { disabled: !user.disabled } });
      reload();
    }, { kind: user.disabled ? "small" : "small danger", confirmKey: self ? "users.selfConfirm" : undefined }),
    actionButton("users.remove", async () => {
      await api(path, { method: "DELETE" });
      reload();
    }, { kind: "small danger", confirmKey: "users.removeConfirm", done: "users.removed" }));
}

function newUserForm(reload) {
  const form = h("form", { class: "record-form", "data-form": "user", novalidate: true },
    inputField("name", "users.name", { required: true, maxlength: 64, autocomplete: "off" },
      { hintKey: "users.nameHint" }),
    selectField("role", "users.role", roleOptions(), { value: "operator" }),
    inputField("password", "users.password", { type: "password", required: true, autocomplete: "new-password" },
      { hintKey: "users.passwordHint" }),
    formError(), formButtons("users.add"));
  return onSubmit(form, async () => {
    const body = { name: form.elements.name.value.trim(), role: form.elements.role.value,
      password: form.elements.password.value };
    await api("/users", { method: "POST", body });
    notify(t("users.added", { name: body.name }), "ok");
    form.reset();
    form.elements.role.value = "operator";
    reload();
  });
}

function setPasswordForm(users, reload) {
  const form = h("form", { class: "record-form", "data-form": "password", novalidate: true },
    selectField("name", "users.name", users.map((u) => [u.name, u.name])),
    inputField("password", "users.newPassword", { type: "password", required: true, autocomplete: "new-password" },
      { hintKey: "users.passwordHint" }),
    formError(), formButtons("users.setPassword"));
  return onSubmit(form, async () => {
    const name = form.elements.name.value;
    await api(`/users/${encodeURIComponent(name)}/password`,
      { method: "POST", body: { password: form.elements.password.value } });
    notify(t("users.passwordSet", { name }), "ok");
    form.reset();
    reload();
  });
}

function newKeyForm(reload, showSecret) {
  const form = h("form", { class: "record-form", "data-form": "apikey", novalidate: true },
    inputField("name", "keys.name", { required: true, maxlength: 64, autocomplete: "off" },
      { hintKey: "keys.nameHint" }),
    selectField("role", "users.role", roleOptions(), { value: "operator" }),
    formError(), formButtons("keys.create"));
  return onSubmit(form, async () => {
    const body = { name: form.elements.name.value.trim(), role: form.elements.role.value };
    const created = await api("/apikeys", { method: "POST", body });
    showSecret(secretBox("new-key", t("keys.newKey", { name: created.name }), created.key, "keys.newKeyNote"),
      { name: created.name });
    form.reset();
    form.elements.role.value = "operator";
    reload();
  });
}

/** #/users */
export function render(container) {
  const error = formError();
  const secret = h("div", { class: "secret-slot" });
  const passwordSlot = h("div");
  const showSecret = (box, { name }) => {
    box.dataset.for = name;
    secret.replaceChildren(box);
    secret.scrollIntoView({ block: "nearest" });
  };
  let load = async () => {};
  const reload = () => load();
  const users = dataTable([
    { label: "users.name", cell: (u) => h("strong", {}, u.name), class: "name" },
    { label: "users.role", cell: (u) => roleSelect(u, reload) },
    { label: "users.state", cell: (u) => stateBadge(u.disabled) },
    { label: "users.created", cell: (u) => dateTime(u.created_at) },
    { label: "table.actions", cell: (u) => userActions(u, reload, showSecret) },
  ], { className: "users-table", emptyKey: "users.none", rowAttrs: (u) => ({ "data-user": u.name }) });
  const keys = dataTable([
    { label: "keys.id", cell: (k) => `#${k.id}` },
    { label: "keys.name", cell: (k) => h("strong", {}, k.name), class: "name" },
    { label: "keys.prefix", cell: (k) => h("code", {}, `${k.prefix}…`) },
    { label: "users.role", cell: (k) => tValue("role", k.role) },
    { label: "users.created", cell: (k) => dateTime(k.created_at) },
    { label: "users.state", cell: (k) => (k.revoked_at
      ? h("span", { class: "badge status-revoked", "data-status": "revoked" },
        t("keys.revokedAt", { time: dateTime(k.revoked_at) }))
      : h("span", { class: "badge status-enabled", "data-status": "active" }, t("keys.active"))) },
    { label: "table.actions", cell: (k) => (k.revoked_at ? "" : actionButton("keys.revoke", async () => {
      await api(`/apikeys/${k.id}`, { method: "DELETE" });
      reload();
    }, { kind: "small danger", confirmKey: "keys.revokeConfirm", done: "keys.revoked" })) },
  ], { className: "apikeys-table", emptyKey: "keys.none", rowAttrs: (k) => ({ "data-key": k.id }) });

  container.append(h("section", { class: "page page-users" },
    h("h1", {}, t("nav.users")),
    error, secret,
    h("div", { class: "records with-forms" },
      h("div", { class: "records-main" },
        panel("users.title", users.element),
        panel("keys.title", h("p", { class: "muted" }, t("keys.intro")), keys.element)),
      h("aside", { class: "records-forms" },
        panel("users.new", newUserForm(reload)),
        panel("users.setPasswordTitle", passwordSlot),
        panel("keys.new", newKeyForm(reload, showSecret))))));

  let gone = false;
  load = async () => {
    try {
      const [userRows, keyRows] = await Promise.all([api("/users"), api("/apikeys")]);
      if (gone) return;
      error.textContent = "";
      users.update(userRows);
      keys.update(keyRows);
      const chosen = passwordSlot.querySelector("select")?.value;
      passwordSlot.replaceChildren(setPasswordForm(userRows, reload));
      if (chosen) passwordSlot.querySelector("select").value = chosen;
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  };
  load();
  return () => {
    gone = true;
  };
}
