// A modal dialog asking for a few fields (a note, a reason, a reference) before an action; the
// server's refusal stays in the dialog beside the field it names.

import { h } from "./dom.js";
import { formButtons, formError, onSubmit } from "./form.js";
import { t } from "./i18n.js";
import { notify } from "./ui.js";

/**
 * Open a dialog: `fields` are form fields (form.js), `action(form)` runs on submit and closes
 * the dialog when it succeeds; `done` is the notice then shown. Returns the dialog element.
 */
export function openDialog({ titleKey, titleParams = {}, intro, fields, submitKey, action, done, name }) {
  const form = h("form", { class: "dialog-form", method: "dialog", novalidate: true },
    h("h2", {}, t(titleKey, titleParams)),
    intro ? h("p", { class: "muted" }, intro) : null,
    ...fields,
    formError(),
    formButtons(submitKey, [h("button", {
      type: "button", class: "button", "data-action": "cancel", on: { click: () => close() },
    }, t("dialog.cancel"))]));
  const dialog = h("dialog", { class: "dialog panel", "data-dialog": name || titleKey }, form);
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  dialog.addEventListener("cancel", () => dialog.remove());
  onSubmit(form, async () => {
    await action(form);
    close();
    if (done) notify(t(done), "ok");
  });
  document.body.append(dialog);
  dialog.showModal();
  form.querySelector("input, textarea, select")?.focus();
  return dialog;
}
