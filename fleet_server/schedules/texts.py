"""The schedules' and templates' refusals, as codes with parameters (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

SCHEDULE_NOT_FOUND = Phrase("schedule.not_found", "unknown schedule {schedule}")
# A rule that never runs: the setting to change ({field}) and why ({reason}, one of those below).
NO_RUNS = Phrase("schedule.no_runs", "recurrence.{field}: schedule has no runs: {reason}")
END_DATE_PAST = Phrase(
    "schedule.end_date_past", "end_date {end_date} is in the past ({today} in {timezone})"
)
ALL_BLACKED_OUT = Phrase(
    "schedule.all_blacked_out",
    "every run from {first} to {last_day} ({timezone}) is blacked out",
)
RUNS_ALL_PAST = Phrase(
    "schedule.runs_all_past", "every run up to end_date {end_date} is already past"
)
NO_DAYS = Phrase(
    "schedule.no_days", "none of the days ({days}) falls between {first_day} and {last_day}"
)

TEMPLATE_NOT_FOUND = Phrase("template.not_found", "unknown template {template!r}")
TEMPLATE_EXISTS = Phrase("template.exists", "template {template!r} already exists")
KIND_FIXED = Phrase(
    "template.kind_fixed", "overrides.kind: a template's mission kind cannot change"
)
