// A schedule's recurrence: in words for the lists, and as form fields (weekly days and times, or
// every N minutes in a daily window; daily blackouts, missed runs, first and last day). Times
// are typed as HH:MM so that the server, not the browser, says what is wrong with one.

import { h } from "../dom.js";
import { checkField, checkGroup, checkedValues, inputField, rowsEditor, selectField } from "../form.js";
import { t, tValue } from "../i18n.js";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WORKDAYS = ["mon", "tue", "wed", "thu", "fri"];

function dayList(days) {
  if (days.length === 7) return t("recurrence.everyDay");
  return days.map((day) => tValue("weekday", day)).join(t("list.separator"));
}

/** The rule in words: "Mon, Wed 08:00, 20:00" or "every 30 min, 09:00–17:00". */
export function recurrenceText(rule) {
  const parts = rule.kind === "interval"
    ? [t("recurrence.everyMinutes", { n: rule.every_minutes }),
      rule.window ? t("recurrence.window", { start: rule.window.start, end: rule.window.end }) : null]
    : [t("recurrence.weeklyText", { days: dayList(rule.days || []), times: (rule.times || []).join(", ") })];
  if (rule.blackouts?.length) parts.push(t("recurrence.blackouts", { n: rule.blackouts.length }));
  if (rule.start_date || rule.end_date) {
    parts.push(t("recurrence.dates", { from: rule.start_date || "…", until: rule.end_date || "…" }));
  }
  return parts.filter(Boolean).join(" · ");
}

function timeInput(name, value, placeholder = "08:00") {
  return h("input", { name, value: value || "", placeholder, size: 6, inputmode: "numeric", autocomplete: "off" });
}

/**
 * The recurrence fields for `rule` (a schedule's, or null for a new one). Returns
 * {element, read()}: read() gives the recurrence the API takes, its timezone and period
 * blackouts kept as they were.
 */
export function recurrenceFields(rule) {
  const current = rule || { kind: "weekly", days: WORKDAYS, times: ["08:00"], missed_runs: "skip" };
  const kind = selectField("kind", "recurrence.kind",
    ["weekly", "interval"].map((value) => [value, t(`recurrence.kind.${value}`)]),
    { value: current.kind, field: "recurrence.kind" });
  const weekly = h("div", { class: "rule-part", "data-part": "weekly" },
    checkGroup("days", "recurrence.days", WEEKDAYS.map((day) => [day, tValue("weekday", day)]),
      current.days || WORKDAYS, { field: "recurrence.days" }),
    inputField("times", "recurrence.times", { value: (current.times || []).join(", "), placeholder: "08:00, 20:00" },
      { field: "recurrence.times", hintKey: "recurrence.timesHint" }));
  const hours = current.window || { start: "08:00", end: "18:00" };
  const interval = h("div", { class: "rule-part", "data-part": "interval" },
    inputField("every_minutes", "recurrence.every", { type: "number", min: 1, value: current.every_minutes || 30 },
      { field: "recurrence.every_minutes" }),
    h("div", { class: "field", "data-field": "recurrence.window" },
      h("span", { class: "field-label" }, t("recurrence.windowLabel")),
      h("div", { class: "inline" }, timeInput("window_start", hours.start), "–", timeInput("window_end", hours.end, "18:00")),
      h("span", { class: "field-error", role: "alert" })));
  const daily = (current.blackouts || []).filter((b) => b.kind === "daily");
  const periods = (current.blackouts || []).filter((b) => b.kind !== "daily");
  const blackouts = rowsEditor("recurrence.blackouts", "recurrence.blackoutsLabel", (values) => [
    timeInput("start", values.start, "12:00"), "–", timeInput("end", values.end, "13:00"),
    h("input", { type: "hidden", name: "days", value: (values.days || WEEKDAYS).join(",") }),
  ], daily);
  const element = h("fieldset", { class: "recurrence", "data-field": "recurrence" },
    h("legend", {}, t("recurrence.title")),
    kind, weekly, interval,
    h("div", { class: "inline dates" },
      inputField("start_date", "recurrence.startDate", { type: "date", value: current.start_date || "" },
        { field: "recurrence.start_date" }),
      inputField("end_date", "recurrence.endDate", { type: "date", value: current.end_date || "" },
        { field: "recurrence.end_date" })),
    selectField("missed_runs", "recurrence.missed", ["skip", "run_once"].map((v) => [v, t(`recurrence.missed.${v}`)]),
      { value: current.missed_runs || "skip", field: "recurrence.missed_runs" }),
    blackouts.element,
    periods.length ? h("p", { class: "muted" }, t("recurrence.periodsKept", { n: periods.length })) : null,
    h("span", { class: "field-error", role: "alert" }));
  const select = kind.querySelector("select");
  const showPart = () => {
    weekly.hidden = select.value !== "weekly";
    interval.hidden = select.value !== "interval";
  };
  select.addEventListener("input", showPart);
  showPart();

  const read = (form) => {
    const base = {
      kind: select.value,
      missed_runs: form.elements.missed_runs.value,
      start_date: form.elements.start_date.value || null,
      end_date: form.elements.end_date.value || null,
      blackouts: [
        ...blackouts.read().filter((row) => row.start || row.end)
          .map((row) => ({ kind: "daily", start: row.start, end: row.end, days: row.days.split(",").filter(Boolean) })),
        ...periods,
      ],
    };
    if (current.timezone) base.timezone = current.timezone;
    if (select.value === "interval") {
      return {
        ...base,
        every_minutes: Number(form.elements.every_minutes.value),
        window: { start: form.elements.window_start.value.trim(), end: form.elements.window_end.value.trim() },
      };
    }
    return {
      ...base,
      days: checkedValues(form, "days"),
      times: form.elements.times.value.split(/[,，\s]+/).filter(Boolean),
    };
  };
  return { element, read };
}

/** The enabled switch. */
export function enabledField(enabled) {
  return checkField("enabled", "schedule.enabled", enabled);
}
