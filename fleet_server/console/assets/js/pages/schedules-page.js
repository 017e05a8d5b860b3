// Schedules: the list (#/schedules), a new one (#/schedules/new) and one schedule with its next
// runs (#/schedules/{id}), its mission drawn on the map; admins and operators create, change
// and delete them, with the server's refusals shown at the fields they name.

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { formButtons, formError, inputField, onSubmit } from "../form.js";
import { dateTime, runTime } from "../format.js";
import { t } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { store } from "../store.js";
import { dataTable } from "../table.js";
import { actionButton, field, notify, statusBadge } from "../ui.js";
import { currentSite, drawRequest, mapLayout, placesBox, requestNodes, requestSummary } from "./common.js";
import { requestAliases, requestForm } from "./request-form.js";
import { enabledField, recurrenceFields, recurrenceText } from "./schedule-form.js";

function siteOf(schedule) {
  return store.sites.get(schedule?.site) || currentSite();
}

function lastRun(schedule) {
  if (!schedule.last_run_at) return h("span", { class: "muted" }, t("schedule.never"));
  return [dateTime(schedule.last_run_at), " ",
    schedule.last_mission_id !== null ? h("a", { href: link("missions", schedule.last_mission_id) }, `#${schedule.last_mission_id}`) : null];
}

function renderList(container) {
  const table = dataTable([
    { label: "schedule.name", cell: (s) => h("a", { href: link("schedules", s.id) }, s.name) },
    { label: "schedule.mission", cell: (s) => requestSummary(s.mission, siteOf(s)), class: "wrap" },
    { label: "schedule.recurrence", cell: (s) => recurrenceText(s.recurrence), class: "wrap" },
    { label: "schedule.state", cell: (s) => statusBadge("scheduleState", s.enabled ? "enabled" : "disabled") },
    { label: "schedule.nextRun", cell: (s) => runTime(s.next_runs[0]) },
    { label: "schedule.lastRun", cell: lastRun },
    { label: "schedule.lastError", cell: (s) => (s.last_error ? h("span", { class: "warn-text" }, s.last_error) : "—"), class: "wrap" },
  ], {
    className: "schedules-table",
    emptyKey: "schedule.none",
    rowAttrs: (s) => ({ "data-schedule": s.id }),
    open: (s) => {
      location.hash = link("schedules", s.id);
    },
  });
  const error = formError();
  container.append(h("section", { class: "page page-table" },
    h("div", { class: "panel" },
      h("h1", {}, t("nav.schedules")),
      h("div", { class: "toolbar" },
        h("p", { class: "muted" }, t("schedule.intro")),
        can("schedules.write")
          ? h("a", { class: "button primary push", href: link("schedules", "new"), "data-action": "new-schedule" },
            t("schedule.new"))
          : null),
      error, table.element)));
  api("/schedules").then((schedules) => table.update(schedules))
    .catch((failure) => {
      error.textContent = errorText(failure);
    });
  return null;
}

function nextRuns(schedule) {
  if (!schedule.enabled) return h("p", { class: "muted", "data-field": "next-runs" }, t("schedule.disabledRuns"));
  if (schedule.next_runs.length === 0) return h("p", { class: "muted", "data-field": "next-runs" }, t("schedule.noRuns"));
  return h("ol", { class: "next-runs", "data-field": "next-runs" },
    schedule.next_runs.map((run) => h("li", {}, h("time", { datetime: run }, runTime(run)))));
}

function facts(schedule, site) {
  return h("dl", { class: "facts" },
    field("schedule.mission", requestSummary(schedule.mission, site)),
    field("schedule.recurrence", recurrenceText(schedule.recurrence), { "data-field": "recurrence-text" }),
    field("schedule.timezone", schedule.recurrence.timezone),
    field("schedule.state", statusBadge("scheduleState", schedule.enabled ? "enabled" : "disabled")),
    field("schedule.lastRun", lastRun(schedule)),
    schedule.last_error ? field("schedule.lastError", schedule.last_error) : null,
    field("missions.created", dateTime(schedule.created_at)));
}

function scheduleForm(schedule, { site, map, templates, picks, onSaved }) {
  const recurrence = recurrenceFields(schedule?.recurrence || null);
  const editor = schedule ? null : requestForm({ map, site, templates });
  picks.node = editor?.nodeClicked || null;
  const form = h("form", { class: "schedule-form", novalidate: true },
    inputField("name", "schedule.name", { value: schedule?.name || "", maxlength: 200, required: true }),
    editor ? editor.element : h("div", { class: "field" },
      h("span", { class: "field-label" }, t("schedule.mission")), h("span", {}, requestSummary(schedule.mission, site)),
      h("span", { class: "field-hint" }, t("schedule.missionFixed"))),
    recurrence.element,
    enabledField(schedule ? schedule.enabled : true),
    formError(),
    formButtons(schedule ? "schedule.save" : "schedule.create"));
  onSubmit(form, async () => {
    const body = {
      name: form.elements.name.value.trim(),
      recurrence: recurrence.read(form),
      enabled: form.elements.enabled.checked,
    };
    if (editor) body.mission = editor.read(form);
    const saved = schedule
      ? await api(`/schedules/${schedule.id}`, { method: "PATCH", body })
      : await api("/schedules", { method: "POST", body });
    onSaved(saved);
  }, requestAliases());
  return form;
}

function renderSchedule(container, id) {
  const site = currentSite();
  const writer = can("schedules.write");
  if (id === null && !writer) {
    container.append(h("section", { class: "panel empty-role" }, h("p", {}, t("schedule.notAllowed"))));
    return null;
  }
  // A new schedule's map picks nodes for the form's patrol route (a schedule keeps its mission).
  const picks = { node: null };
  const { map, side } = mapLayout(container, site, {
    viewKey: `schedule:${id ?? "new"}`, picking: writer && id === null, onNodeClick: (node) => picks.node?.(node),
  }, "page-schedule");
  const panel = h("section", { class: "panel schedule-detail", "data-schedule": id ?? "new" });
  const runs = h("section", { class: "panel" });
  side.append(h("a", { class: "button", href: link("schedules"), "data-action": "back" }, t("schedule.back")), panel, runs);
  let templates = [];

  let focused = false;
  const show = (schedule) => {
    const buttons = writer && schedule
      ? h("div", { class: "controls" }, actionButton("schedule.delete", async () => {
        await api(`/schedules/${schedule.id}`, { method: "DELETE" });
        location.hash = link("schedules");
      }, { kind: "danger", done: "schedule.deleted", confirmKey: "schedule.deleteConfirm" }))
      : null;
    // Parts the role does not get are left out (null would show as text).
    panel.replaceChildren(...[
      h("h1", {}, schedule ? schedule.name : t("schedule.new")),
      schedule ? facts(schedule, site) : null,
      writer ? h("h2", {}, schedule ? t("schedule.edit") : t("schedule.define")) : null,
      writer ? scheduleForm(schedule, {
        picks,
        site, map, templates,
        onSaved: (saved) => {
          notify(t("schedule.saved"), "ok");
          if (schedule) show(saved);
          else location.hash = link("schedules", saved.id);
        },
      }) : null,
      buttons,
    ].filter(Boolean));
    runs.replaceChildren(h("h2", {}, t("schedule.nextRuns")),
      schedule ? nextRuns(schedule) : h("p", { class: "muted" }, t("schedule.runsAfterSave")));
    if (schedule && map) {
      drawRequest(map, schedule.mission, site);
      if (!focused) map.focusOn(placesBox(site, requestNodes(schedule.mission, site), schedule.mission.zone));
      focused = true;
    }
  };

  const load = async () => {
    try {
      if (writer && id === null) templates = await api("/templates");
      show(id === null ? null : await api(`/schedules/${id}`));
    } catch (failure) {
      panel.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
    }
  };
  load();
  return () => map?.destroy();
}

/** #/schedules, #/schedules/new and #/schedules/{id}. */
export function render(container, [sub]) {
  if (sub === "new") return renderSchedule(container, null);
  if (sub) return renderSchedule(container, Number(sub));
  return renderList(container);
}
