// Mission templates: the list (#/templates), a new one (#/templates/new), and one template with
// its mission drawn on the map (#/templates/{id}); admins and operators start a mission from
// it, change it and delete it.

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { formButtons, formError, inputField, localError, onSubmit, textField } from "../form.js";
import { dateTime } from "../format.js";
import { LANGUAGES, t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { localDescription, localName } from "../names.js";
import { can } from "../session.js";
import { robotStatus } from "../status.js";
import { putMissions, store } from "../store.js";
import { dataTable } from "../table.js";
import { actionButton, field, notify } from "../ui.js";
import { currentSite, drawRequest, mapLayout, placesBox, requestNodes, requestSummary } from "./common.js";
import { requestAliases, requestForm } from "./request-form.js";

function renderList(container) {
  const table = dataTable([
    { label: "template.name", cell: (tpl) => h("a", { href: link("templates", tpl.id) }, localName(tpl)) },
    { label: "template.id", cell: (tpl) => h("code", {}, tpl.id) },
    { label: "template.kind", cell: (tpl) => tValue("missionKind", tpl.kind) },
    { label: "template.source", cell: (tpl) => tValue("templateSource", tpl.source) },
    { label: "template.description", cell: (tpl) => localDescription(tpl) || "—", class: "wrap" },
  ], {
    className: "templates-table",
    emptyKey: "template.none",
    rowAttrs: (tpl) => ({ "data-template": tpl.id }),
    open: (tpl) => {
      location.hash = link("templates", tpl.id);
    },
  });
  const error = formError();
  container.append(h("section", { class: "page page-table" },
    h("div", { class: "panel" },
      h("h1", {}, t("nav.templates")),
      h("div", { class: "toolbar" },
        h("p", { class: "muted" }, t("template.intro")),
        can("templates.write")
          ? h("a", { class: "button primary push", href: link("templates", "new"), "data-action": "new-template" },
            t("template.new"))
          : null),
      error, table.element)));
  api("/templates").then((templates) => table.update(templates)).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return null;
}

function startForm(template, site) {
  const robots = [...store.robots.values()]
    .filter((robot) => robot.position?.map_id === site.id)
    .sort((a, b) => a.id.localeCompare(b.id));
  const form = h("form", { class: "start-form" },
    h("h2", {}, t("template.start")),
    h("label", { class: "field", "data-field": "robot" }, h("span", { class: "field-label" }, t("newMission.robot")),
      h("select", { name: "robot" }, h("option", { value: "" }, t("newMission.nearest")),
        robots.map((robot) => h("option", { value: robot.id },
          `${robot.id} · ${tValue("kind", robot.kind)} · ${tValue("state", robotStatus(robot))}`))),
      h("span", { class: "field-error", role: "alert" })),
    formError(),
    formButtons("template.startSubmit"));
  onSubmit(form, async () => {
    const robot = form.elements.robot.value;
    const mission = await api("/missions", {
      method: "POST", body: { template: template.id, overrides: robot ? { robot } : {} },
    });
    putMissions([mission]);
    location.hash = link("missions", mission.id);
  }, { overrides: "robot" });
  return form;
}

// A template's name and description in each language; `name` and `description` (the site's own
// language, Chinese) are the Chinese ones, else the English.
function nameFields(template) {
  const names = template?.names || {};
  const descriptions = template?.descriptions || {};
  return [
    inputField("name_zh", "template.nameZh", { value: names.zh ?? template?.name ?? "", maxlength: 200 },
      { field: "names.zh" }),
    inputField("name_en", "template.nameEn", { value: names.en || "", maxlength: 200 }, { field: "names.en" }),
    textField("description_zh", "template.descriptionZh",
      { value: descriptions.zh ?? template?.description ?? "", maxlength: 2000 }, { field: "descriptions.zh" }),
    textField("description_en", "template.descriptionEn", { value: descriptions.en || "", maxlength: 2000 },
      { field: "descriptions.en" }),
  ];
}

function readNames(form) {
  const inEach = (prefix) => Object.fromEntries(LANGUAGES
    .map((language) => [language, form.elements[`${prefix}_${language}`].value.trim()])
    .filter(([, text]) => text));
  const names = inEach("name");
  const descriptions = inEach("description");
  if (!names.zh && !names.en) throw localError("names.zh", t("template.nameNeeded"));
  return { name: names.zh || names.en, names, description: descriptions.zh || descriptions.en || "", descriptions };
}

function templateForm(template, { map, site, templates, picks, onSaved }) {
  const editor = requestForm({ map, site, templates: template ? [] : templates, initial: template?.mission });
  picks.node = editor.nodeClicked;
  const form = h("form", { class: "template-form", novalidate: true },
    template ? null : inputField("id", "template.id", { required: true, pattern: "[a-z0-9][a-z0-9_-]*", maxlength: 64 },
      { hintKey: "template.idHint" }),
    ...nameFields(template),
    editor.element,
    formError(),
    formButtons(template ? "template.save" : "template.create"));
  onSubmit(form, async () => {
    const body = { ...readNames(form), mission: editor.read(form) };
    const saved = template
      ? await api(`/templates/${encodeURIComponent(template.id)}`, { method: "PATCH", body })
      : await api("/templates", { method: "POST", body: { id: form.elements.id.value.trim(), ...body } });
    onSaved(saved);
  }, requestAliases());
  return form;
}

function facts(template, site) {
  return h("dl", { class: "facts" },
    field("template.id", h("code", {}, template.id)),
    field("template.kind", tValue("missionKind", template.kind)),
    field("template.mission", requestSummary(template.mission, site), { "data-field": "mission-summary" }),
    field("template.checkpoints", String(template.mission.checkpoints?.length || 0)),
    field("template.source", tValue("templateSource", template.source)),
    field("template.description", localDescription(template) || "—"),
    field("template.updated", dateTime(template.updated_at)));
}

function renderTemplate(container, id) {
  const site = currentSite();
  const writer = can("templates.write");
  if (id === null && !writer) {
    container.append(h("section", { class: "panel empty-role" }, h("p", {}, t("template.notAllowed"))));
    return null;
  }
  // A writer's map picks nodes for the form's patrol route.
  const picks = { node: null };
  const { map, side } = mapLayout(container, site, {
    viewKey: `template:${id ?? "new"}`, picking: writer, onNodeClick: (node) => picks.node?.(node),
  }, "page-template");
  const panel = h("section", { class: "panel template-detail", "data-template": id ?? "new" });
  side.append(h("a", { class: "button", href: link("templates"), "data-action": "back" }, t("template.back")), panel);

  let focused = false;
  const show = (template, templates) => {
    const editTitle = template ? t("template.edit") : t("template.define");
    // Parts the role does not get are left out (null would show as text).
    panel.replaceChildren(...[
      h("h1", {}, template ? localName(template) : t("template.new")),
      template ? facts(template, site) : null,
      template && writer ? startForm(template, site) : null,
      writer ? h("h2", {}, editTitle) : null,
      writer ? templateForm(template, {
        map, site, templates, picks,
        onSaved: (saved) => {
          notify(t("template.saved"), "ok");
          if (template) show(saved, templates);
          else location.hash = link("templates", saved.id);
        },
      }) : null,
      template && writer ? h("div", { class: "controls" }, actionButton("template.delete", async () => {
        await api(`/templates/${encodeURIComponent(template.id)}`, { method: "DELETE" });
        location.hash = link("templates");
      }, { kind: "danger", done: "template.deleted", confirmKey: "template.deleteConfirm" })) : null,
    ].filter(Boolean));
    if (template && map) {
      drawRequest(map, template.mission, site);
      if (!focused) map.focusOn(placesBox(site, requestNodes(template.mission, site), template.mission.zone));
      focused = true;
    }
  };

  (async () => {
    try {
      if (id === null) show(null, await api("/templates"));
      else show(await api(`/templates/${encodeURIComponent(id)}`), []);
    } catch (failure) {
      panel.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
    }
  })();
  return () => map?.destroy();
}

/** #/templates, #/templates/new and #/templates/{id}. */
export function render(container, [sub]) {
  if (sub === "new") return renderTemplate(container, null);
  if (sub) return renderTemplate(container, sub);
  return renderList(container);
}
