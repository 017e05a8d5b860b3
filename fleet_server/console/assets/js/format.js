// Numbers, times and durations in the chosen language and the site's timezone.

import { getLanguage, t } from "./i18n.js";

const DEFAULT_TIMEZONE = "Asia/Shanghai";
let timezone = DEFAULT_TIMEZONE;

/** Times are shown in this timezone (the site's). */
export function setTimezone(name) {
  timezone = name || DEFAULT_TIMEZONE;
}

function locale() {
  return getLanguage() === "zh" ? "zh-CN" : "en-GB";
}

/** A date and time like 11-22 14:05:09, in the site's timezone; "—" when absent. */
export function dateTime(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), {
    timeZone: timezone, month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  }).format(new Date(iso));
}

/** How long ago, in words: "5 s ago", "3 min ago". */
export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return t("time.secondsAgo", { n: seconds });
  if (seconds < 3600) return t("time.minutesAgo", { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t("time.hoursAgo", { n: Math.floor(seconds / 3600) });
  return t("time.daysAgo", { n: Math.floor(seconds / 86400) });
}

/** A number with the language's grouping. */
export function number(value, digits = 0) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

/** A date and time with the year, to the minute: 2026-11-23 08:00 (records that last years). */
export function dateTimeLong(iso) {
  if (!iso) return "—";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`;
}

/** A run of a schedule: its date, weekday and time in the site's timezone. */
export function runTime(iso) {
  if (!iso) return "—";
  const weekday = new Intl.DateTimeFormat(locale(), { timeZone: timezone, weekday: "short" }).format(new Date(iso));
  const [day, time] = dateTimeLong(iso).split(" ");
  return `${day} ${weekday} ${time}`;
}

/** A time of day like 14:05 in the site's timezone (a chart's time axis). */
export function clockTime(ms) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone, hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(ms));
}
