// A signed-in user changes their own password (say, the one an admin reset and handed over):
// a button in the top bar and its dialog; the new login token replaces the old one.

import { api, setToken } from "./api.js";
import { openDialog } from "./dialog.js";
import { h } from "./dom.js";
import { inputField } from "./form.js";
import { t } from "./i18n.js";

/** The top bar's button; `onNewToken()` runs once the new token is in use (the live feed). */
export function passwordButton(onNewToken) {
  return h("button", {
    type: "button", class: "link-button", "data-action": "change-password", title: t("password.title"),
    on: { click: () => openDialog({
      titleKey: "password.title",
      intro: t("password.intro"),
      name: "password",
      fields: [
        inputField("current_password", "password.current",
          { type: "password", required: true, autocomplete: "current-password" }),
        inputField("new_password", "password.new",
          { type: "password", required: true, autocomplete: "new-password" }, { hintKey: "users.passwordHint" }),
      ],
      submitKey: "password.submit",
      done: "password.done",
      action: async (form) => {
        const body = { current_password: form.elements.current_password.value,
          new_password: form.elements.new_password.value };
        const fresh = await api("/auth/password", { method: "POST", body });
        setToken(fresh.access_token);
        onNewToken();
      },
    }) },
  }, t("password.button"));
}
