"""Recurring schedules on fixed clocks: weekly times, windows, blackouts, missed runs, DST."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from fleet_server.schedules.recurrence import (
    NoRuns,
    due_runs,
    local_instant,
    next_runs,
    validate_has_runs,
)
from fleet_server.schedules.recurrence_rules import (
    IntervalRecurrence,
    Recurrence,
    WeeklyRecurrence,
    parse_recurrence,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def weekly(days: list[str], times: list[str], **extra: Any) -> WeeklyRecurrence:
    """A weekly rule, in Shanghai unless `timezone` is given."""
    data = {"kind": "weekly", "timezone": "Asia/Shanghai", "days": days, "times": times}
    rule = parse_recurrence({**data, **extra})
    assert isinstance(rule, WeeklyRecurrence)
    return rule


def interval(every: int, start: str, end: str, **extra: Any) -> IntervalRecurrence:
    """An interval rule in a daily window, in Shanghai unless `timezone` is given."""
    data = {
        "kind": "interval",
        "timezone": "Asia/Shanghai",
        "every_minutes": every,
        "window": {"start": start, "end": end},
    }
    rule = parse_recurrence({**data, **extra})
    assert isinstance(rule, IntervalRecurrence)
    return rule


def problems(data: dict[str, Any]) -> dict[str, str]:
    """Each validation error of `data` as a dotted field location and its message."""
    with pytest.raises(ValidationError) as caught:
        parse_recurrence(data)
    return {".".join(str(p) for p in e["loc"]): e["msg"] for e in caught.value.errors()}


# 2025-06-02 is a Monday. Shanghai is UTC+8 all year, so 09:00 there is 01:00Z.
MONDAY_MORNING = utc(2025, 6, 1, 16, 0)  # Monday 00:00 in Shanghai


def test_weekly_runs_across_a_week_in_utc() -> None:
    rule = weekly(["fri", "mon", "wed"], ["18:30", "09:00"])
    assert next_runs(rule, MONDAY_MORNING, count=6) == [
        utc(2025, 6, 2, 1, 0),
        utc(2025, 6, 2, 10, 30),
        utc(2025, 6, 4, 1, 0),
        utc(2025, 6, 4, 10, 30),
        utc(2025, 6, 6, 1, 0),
        utc(2025, 6, 6, 10, 30),
    ]


def test_weekly_runs_wrap_into_the_next_week() -> None:
    friday_evening = datetime(2025, 6, 6, 19, 0, tzinfo=SHANGHAI)
    rule = weekly(["mon", "fri"], ["09:00", "18:30"])
    assert next_runs(rule, friday_evening, count=3) == [
        utc(2025, 6, 9, 1, 0),
        utc(2025, 6, 9, 10, 30),
        utc(2025, 6, 13, 1, 0),
    ]


def test_runs_are_strictly_after_the_given_instant_and_ten_by_default() -> None:
    rule = weekly(["mon", "wed", "fri"], ["09:00", "18:30"])
    runs = next_runs(rule, utc(2025, 6, 2, 1, 0))
    assert runs[0] == utc(2025, 6, 2, 10, 30)
    assert len(runs) == 10 and runs == sorted(runs)
    assert all(run.tzinfo is timezone.utc for run in runs)
    assert next_runs(rule, utc(2025, 6, 2, 1, 0), count=0) == []


def test_shanghai_early_run_is_the_previous_day_in_utc() -> None:
    rule = weekly(["mon"], ["07:00"])
    [run] = next_runs(rule, utc(2025, 6, 1, 0, 0), count=1)
    assert run == utc(2025, 6, 1, 23, 0)  # Sunday in UTC, Monday 07:00 on the site
    assert run.astimezone(SHANGHAI) == datetime(2025, 6, 2, 7, 0, tzinfo=SHANGHAI)


def test_interval_runs_from_window_start_to_end_inclusive() -> None:
    rule = interval(30, "08:00", "10:00")
    assert next_runs(rule, MONDAY_MORNING, count=6) == [
        utc(2025, 6, 2, 0, 0),
        utc(2025, 6, 2, 0, 30),
        utc(2025, 6, 2, 1, 0),
        utc(2025, 6, 2, 1, 30),
        utc(2025, 6, 2, 2, 0),  # 10:00, the window's end, is a run
        utc(2025, 6, 3, 0, 0),  # every day by default; the series restarts at 08:00
    ]


def test_interval_last_run_is_the_last_step_before_the_end() -> None:
    rule = interval(45, "08:00", "10:00", days=["mon", "tue"])
    assert next_runs(rule, MONDAY_MORNING, count=5) == [
        utc(2025, 6, 2, 0, 0),
        utc(2025, 6, 2, 0, 45),
        utc(2025, 6, 2, 1, 30),
        utc(2025, 6, 3, 0, 0),
        utc(2025, 6, 3, 0, 45),
    ]


def test_overnight_window_runs_past_midnight_of_the_day_it_opens() -> None:
    rule = interval(60, "22:00", "02:00", days=["fri"])
    assert next_runs(rule, MONDAY_MORNING, count=6) == [
        utc(2025, 6, 6, 14, 0),  # Friday 22:00
        utc(2025, 6, 6, 15, 0),
        utc(2025, 6, 6, 16, 0),  # Saturday 00:00, still Friday's window
        utc(2025, 6, 6, 17, 0),
        utc(2025, 6, 6, 18, 0),  # Saturday 02:00, the end
        utc(2025, 6, 13, 14, 0),
    ]


def test_overnight_window_already_open_at_the_search_start() -> None:
    rule = interval(60, "22:00", "02:00", days=["fri"])
    saturday_0030 = datetime(2025, 6, 7, 0, 30, tzinfo=SHANGHAI)
    assert next_runs(rule, saturday_0030, count=2) == [
        utc(2025, 6, 6, 17, 0),
        utc(2025, 6, 6, 18, 0),
    ]


def test_daily_blackout_removes_runs_its_end_excluded() -> None:
    lunch = {"kind": "daily", "start": "12:00", "end": "13:30"}
    rule = interval(30, "11:00", "14:00", blackouts=[lunch])
    assert next_runs(rule, MONDAY_MORNING, count=5) == [
        utc(2025, 6, 2, 3, 0),  # 11:00
        utc(2025, 6, 2, 3, 30),  # 11:30; 12:00, 12:30 and 13:00 are blacked out
        utc(2025, 6, 2, 5, 30),  # 13:30, the blackout's end
        utc(2025, 6, 2, 6, 0),
        utc(2025, 6, 3, 3, 0),
    ]


def test_overnight_daily_blackout_covers_both_sides_of_midnight() -> None:
    night = {"kind": "daily", "start": "22:00", "end": "06:00"}
    rule = weekly(["mon", "tue"], ["05:00", "07:00", "23:00"], blackouts=[night])
    assert next_runs(rule, MONDAY_MORNING, count=3) == [
        utc(2025, 6, 1, 23, 0),  # Monday 07:00; 05:00 and 23:00 are in the night blackout
        utc(2025, 6, 2, 23, 0),  # Tuesday 07:00
        utc(2025, 6, 8, 23, 0),  # next Monday 07:00
    ]


def test_daily_blackout_on_some_days_only() -> None:
    sunday_market = {"kind": "daily", "start": "08:00", "end": "12:00", "days": ["sun"]}
    rule = weekly(["sat", "sun"], ["09:00", "15:00"], blackouts=[sunday_market])
    assert next_runs(rule, MONDAY_MORNING, count=3) == [
        utc(2025, 6, 7, 1, 0),
        utc(2025, 6, 7, 7, 0),
        utc(2025, 6, 8, 7, 0),  # Sunday 09:00 is blacked out, 15:00 runs
    ]


def test_period_blackout_in_local_time_skips_a_holiday_week() -> None:
    golden_week = {"kind": "period", "start": "2025-10-01T00:00", "end": "2025-10-08T09:00"}
    rule = weekly(["mon", "wed", "fri"], ["09:00"], blackouts=[golden_week])
    after = datetime(2025, 9, 29, 10, 0, tzinfo=SHANGHAI)
    assert next_runs(rule, after, count=2) == [
        utc(2025, 10, 8, 1, 0),  # Wednesday 09:00: the blackout's end is not in it
        utc(2025, 10, 10, 1, 0),
    ]


def test_period_blackout_with_utc_offsets() -> None:
    outage = {"kind": "period", "start": "2025-06-02T00:30Z", "end": "2025-06-02T01:30+00:00"}
    rule = weekly(["mon"], ["09:00", "18:30"], blackouts=[outage])
    assert next_runs(rule, MONDAY_MORNING, count=2) == [
        utc(2025, 6, 2, 10, 30),
        utc(2025, 6, 9, 1, 0),
    ]


def test_start_date_delays_the_first_run() -> None:
    rule = weekly(["mon", "wed"], ["09:00"], start_date="2025-06-10")
    assert next_runs(rule, MONDAY_MORNING, count=2) == [
        utc(2025, 6, 11, 1, 0),
        utc(2025, 6, 16, 1, 0),
    ]


def test_end_date_stops_the_runs_early() -> None:
    rule = weekly(["mon", "wed", "fri"], ["09:00", "18:30"], end_date="2025-06-04")
    assert next_runs(rule, MONDAY_MORNING) == [
        utc(2025, 6, 2, 1, 0),
        utc(2025, 6, 2, 10, 30),
        utc(2025, 6, 4, 1, 0),
        utc(2025, 6, 4, 10, 30),
    ]


def test_a_window_opening_on_the_end_date_runs_to_its_end() -> None:
    rule = interval(120, "22:00", "02:00", end_date="2025-06-02")
    assert next_runs(rule, MONDAY_MORNING) == [
        utc(2025, 6, 1, 18, 0),  # Monday 02:00, the end of Sunday's window
        utc(2025, 6, 2, 14, 0),  # Monday 22:00, the last window
        utc(2025, 6, 2, 16, 0),
        utc(2025, 6, 2, 18, 0),  # Tuesday 02:00
    ]


# Missed runs: hourly 08:00-18:00 in Shanghai; the server is down from Monday to Thursday.
MONDAY_1000 = utc(2025, 6, 2, 2, 0, 5)  # Monday 10:00:05, the last check before the outage
THURSDAY_1000 = utc(2025, 6, 5, 2, 0)  # Thursday 10:00, a run


@pytest.mark.parametrize("policy", ["skip", "run_once"])
def test_after_an_outage_a_run_due_right_now_starts_once(policy: str) -> None:
    rule = interval(60, "08:00", "18:00", missed_runs=policy)
    now = THURSDAY_1000 + timedelta(seconds=20)
    assert due_runs(rule, MONDAY_1000, now) == [THURSDAY_1000]


def test_after_an_outage_skip_drops_the_missed_runs() -> None:
    rule = interval(60, "08:00", "18:00", missed_runs="skip")
    assert due_runs(rule, MONDAY_1000, THURSDAY_1000 + timedelta(minutes=20)) == []


def test_after_an_outage_run_once_starts_one_run_for_all_missed() -> None:
    rule = interval(60, "08:00", "18:00", missed_runs="run_once")
    assert due_runs(rule, MONDAY_1000, THURSDAY_1000 + timedelta(minutes=20)) == [THURSDAY_1000]


def test_run_once_without_missed_runs_starts_nothing() -> None:
    rule = interval(60, "08:00", "18:00", missed_runs="run_once")
    monday_evening = utc(2025, 6, 2, 10, 0, 5)  # 18:00:05, after the day's last run
    tuesday_dawn = utc(2025, 6, 2, 23, 59)  # 07:59
    assert due_runs(rule, monday_evening, tuesday_dawn) == []


def test_run_once_waits_out_a_blackout_and_never_counts_blacked_out_runs() -> None:
    lunch = {"kind": "daily", "start": "12:00", "end": "13:30"}
    rule = interval(60, "08:00", "18:00", missed_runs="run_once", blackouts=[lunch])
    thursday_1210 = utc(2025, 6, 5, 4, 10)
    assert due_runs(rule, MONDAY_1000, thursday_1210) == []  # no catch-up inside a blackout
    thursday_1340 = utc(2025, 6, 5, 5, 40)
    assert due_runs(rule, MONDAY_1000, thursday_1340) == [utc(2025, 6, 5, 3, 0)]  # 11:00


@pytest.mark.parametrize("policy", ["skip", "run_once"])
def test_in_normal_operation_each_run_is_due_once(policy: str) -> None:
    rule = interval(60, "08:00", "18:00", missed_runs=policy)
    before, at, after = (THURSDAY_1000 + timedelta(seconds=s) for s in (-2, 3, 8))
    assert due_runs(rule, before, at) == [THURSDAY_1000]
    assert due_runs(rule, at, after) == []


def test_tolerance_sets_how_late_a_run_is_still_on_time() -> None:
    rule = interval(60, "08:00", "18:00")
    four_late = THURSDAY_1000 + timedelta(minutes=4)
    assert due_runs(rule, MONDAY_1000, four_late) == []
    assert due_runs(rule, MONDAY_1000, four_late, tolerance=timedelta(minutes=5)) == [THURSDAY_1000]


def test_a_never_checked_schedule_starts_only_a_run_due_right_now() -> None:
    rule = interval(60, "08:00", "18:00", missed_runs="run_once")
    assert due_runs(rule, None, THURSDAY_1000 + timedelta(seconds=30)) == [THURSDAY_1000]
    assert due_runs(rule, None, THURSDAY_1000 + timedelta(minutes=5)) == []


def test_naive_datetimes_are_refused() -> None:
    rule = weekly(["mon"], ["09:00"])
    with pytest.raises(ValueError, match="after must be timezone-aware"):
        next_runs(rule, datetime(2025, 6, 2, 9, 0))
    with pytest.raises(ValueError, match="last_checked must be timezone-aware"):
        due_runs(rule, datetime(2025, 6, 2, 9, 0), THURSDAY_1000)


# DST: Berlin springs forward on Sunday 2025-03-30 (02:00 -> 03:00) and falls back on Sunday
# 2025-10-26 (03:00 -> 02:00); New York on 2025-03-09 (02:00 -> 03:00) and 2025-11-02
# (02:00 -> 01:00).


def test_a_time_in_the_spring_gap_runs_once_at_the_end_of_the_gap() -> None:
    rule = weekly(["sun"], ["02:30"], timezone="Europe/Berlin")
    assert next_runs(rule, utc(2025, 3, 20, 0, 0), count=3) == [
        utc(2025, 3, 23, 1, 30),  # 02:30 CET
        utc(2025, 3, 30, 1, 0),  # 03:00 CEST, the first instant after the gap
        utc(2025, 4, 6, 0, 30),  # 02:30 CEST
    ]


def test_times_in_the_same_gap_collapse_to_one_run() -> None:
    rule = weekly(["sun"], ["02:00", "02:30", "03:00"], timezone="Europe/Berlin")
    assert next_runs(rule, utc(2025, 3, 29, 0, 0), count=2) == [
        utc(2025, 3, 30, 1, 0),
        utc(2025, 4, 6, 0, 0),
    ]


def test_an_ambiguous_fall_back_time_runs_once_at_its_first_occurrence() -> None:
    rule = weekly(["sun"], ["02:30"], timezone="Europe/Berlin")
    assert next_runs(rule, utc(2025, 10, 20, 0, 0), count=2) == [
        utc(2025, 10, 26, 0, 30),  # 02:30 CEST; 02:30 CET an hour later is not a run
        utc(2025, 11, 2, 1, 30),
    ]


def test_new_york_gap_and_repeated_hour() -> None:
    rule = weekly(["sun"], ["01:30", "02:30"], timezone="America/New_York")
    spring = next_runs(rule, utc(2025, 3, 9, 0, 0), count=2)
    assert spring == [utc(2025, 3, 9, 6, 30), utc(2025, 3, 9, 7, 0)]  # 01:30 EST, 03:00 EDT
    autumn = next_runs(rule, utc(2025, 11, 2, 0, 0), count=2)
    assert autumn == [utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 7, 30)]  # 01:30 EDT, 02:30 EST


def test_interval_on_the_spring_forward_day_keeps_wall_clock_steps() -> None:
    rule = interval(30, "00:00", "04:00", timezone="Europe/Berlin")
    runs = next_runs(rule, utc(2025, 3, 29, 22, 0), count=7)
    assert runs == [
        utc(2025, 3, 29, 23, 0),  # 00:00 CET
        utc(2025, 3, 29, 23, 30),
        utc(2025, 3, 30, 0, 0),
        utc(2025, 3, 30, 0, 30),  # 01:30 CET; 02:00 and 02:30 do not exist
        utc(2025, 3, 30, 1, 0),  # 03:00 CEST, once
        utc(2025, 3, 30, 1, 30),
        utc(2025, 3, 30, 2, 0),  # 04:00 CEST
    ]
    assert [run.astimezone(BERLIN).hour for run in runs] == [0, 0, 1, 1, 3, 3, 4]


def test_interval_on_the_fall_back_day_does_not_repeat_the_hour() -> None:
    rule = interval(30, "00:00", "04:00", timezone="Europe/Berlin")
    assert next_runs(rule, utc(2025, 10, 25, 21, 0), count=10) == [
        utc(2025, 10, 25, 22, 0),  # 00:00 CEST
        utc(2025, 10, 25, 22, 30),
        utc(2025, 10, 25, 23, 0),
        utc(2025, 10, 25, 23, 30),
        utc(2025, 10, 26, 0, 0),  # 02:00 CEST
        utc(2025, 10, 26, 0, 30),  # 02:30 CEST; no 02:00 or 02:30 CET
        utc(2025, 10, 26, 2, 0),  # 03:00 CET, 90 minutes later
        utc(2025, 10, 26, 2, 30),
        utc(2025, 10, 26, 3, 0),  # 04:00 CET
        utc(2025, 10, 26, 23, 0),  # Monday 00:00 CET
    ]


def test_a_half_hour_gap_ends_at_the_transition_itself() -> None:
    lord_howe = ZoneInfo("Australia/Lord_Howe")  # 02:00 -> 02:30 on 2025-10-05
    run = local_instant(datetime(2025, 10, 5, 2, 10), lord_howe)
    assert run == utc(2025, 10, 4, 15, 30)
    assert run.astimezone(lord_howe).strftime("%H:%M %z") == "02:30 +1100"


# Validation: each error names its field.


def test_bad_timezone_is_named() -> None:
    for name in ("Mars/Base", "asia/shanghai", "localtime", ""):
        found = problems({"kind": "weekly", "timezone": name, "days": ["mon"], "times": ["09:00"]})
        assert list(found) == ["weekly.timezone"]
        assert "is not an IANA timezone name" in found["weekly.timezone"]


def test_a_time_that_is_not_hh_mm_is_named() -> None:
    found = problems(
        {"kind": "weekly", "timezone": "UTC", "days": ["mon"], "times": ["09:00", "25:00"]}
    )
    assert found == {
        "weekly.times.1": "'25:00' is not a local time HH:MM from 00:00 to 23:59"
    }


def test_empty_days_and_repeated_times_are_named() -> None:
    found = problems({"kind": "weekly", "timezone": "UTC", "days": [], "times": ["09:00", "09:00"]})
    assert found == {
        "weekly.days": "at least one day of the week is needed (mon, tue, ... sun)",
        "weekly.times": "09:00 listed more than once",
    }


def test_window_and_interval_errors_are_named() -> None:
    found = problems(
        {
            "kind": "interval",
            "timezone": "UTC",
            "every_minutes": 0,
            "window": {"start": "08:00", "end": "08:00"},
            "days": ["mon", "funday"],
            "blackouts": [{"kind": "daily", "start": "12:00", "end": "12:00"}],
        }
    )
    assert set(found) == {
        "interval.every_minutes",
        "interval.window.end",
        "interval.days.1",
        "interval.blackouts.0.daily.end",
    }
    assert "greater than or equal to 1" in found["interval.every_minutes"]
    assert "end must differ from start" in found["interval.window.end"]
    assert "end must differ from start" in found["interval.blackouts.0.daily.end"]


def test_end_before_start_is_named() -> None:
    found = problems(
        {
            "kind": "weekly",
            "timezone": "UTC",
            "days": ["mon"],
            "times": ["09:00"],
            "start_date": "2025-06-10",
            "end_date": "2025-06-01",
            "blackouts": [
                {"kind": "period", "start": "2025-06-03T12:00", "end": "2025-06-03T08:00"}
            ],
        }
    )
    assert found == {
        "weekly.end_date": "end_date 2025-06-01 is before start_date 2025-06-10",
        "weekly.blackouts.0.period.end": (
            "end 2025-06-03T08:00:00 must be after start 2025-06-03T12:00:00"
        ),
    }


def test_unknown_fields_and_kinds_are_refused() -> None:
    found = problems(
        {"kind": "weekly", "timezone": "UTC", "days": ["mon"], "times": ["09:00"], "time": "x"}
    )
    assert found == {"weekly.time": "Extra inputs are not permitted"}
    assert "'weekly', 'interval'" in problems({"kind": "daily", "timezone": "UTC"})[""]


def test_a_rule_round_trips_through_json_with_hh_mm_times() -> None:
    rule = interval(
        30, "22:00", "06:00", blackouts=[{"kind": "daily", "start": "00:00", "end": "01:00"}]
    )
    data = rule.model_dump(mode="json")
    assert data["window"] == {"start": "22:00", "end": "06:00"}
    assert data["blackouts"][0]["start"] == "00:00"
    assert parse_recurrence(data) == rule


def test_the_json_schema_shows_local_times_as_hh_mm() -> None:
    schema = TypeAdapter(Recurrence).json_schema()
    times = schema["$defs"]["WeeklyRecurrence"]["properties"]["times"]["items"]
    assert times == {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "examples": ["09:30"],
    }


# A schedule with no runs: the reason names the setting to change.
NOW = utc(2025, 6, 2, 11, 0)  # Monday 19:00 in Shanghai


def test_a_schedule_with_runs_gives_its_first_run() -> None:
    assert validate_has_runs(weekly(["tue"], ["09:00"]), NOW) == utc(2025, 6, 3, 1, 0)


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        (
            {"end_date": "2025-05-31"},
            "end_date",
            "end_date 2025-05-31 is in the past (2025-06-02 in Asia/Shanghai)",
        ),
        (
            {"end_date": "2025-06-02"},
            "end_date",
            "every run up to end_date 2025-06-02 is already past",
        ),
        (
            {"start_date": "2025-06-03", "end_date": "2025-06-05", "days": ["mon"]},
            "days",
            "none of the days (mon) falls between 2025-06-03 and 2025-06-05",
        ),
        (
            {
                "end_date": "2025-06-09",
                "blackouts": [
                    {"kind": "period", "start": "2025-06-01T00:00", "end": "2025-06-09T09:00"},
                    {"kind": "daily", "start": "09:00", "end": "10:00", "days": ["mon"]},
                ],
            },
            "blackouts",
            "every run from 2025-06-09 09:00 to 2025-06-09 (Asia/Shanghai) is blacked out",
        ),
    ],
)
def test_a_schedule_with_no_runs_says_why(extra: dict[str, Any], field: str, reason: str) -> None:
    rule = parse_recurrence(
        {
            "kind": "weekly",
            "timezone": "Asia/Shanghai",
            "days": ["mon"],
            "times": ["09:00"],
            **extra,
        }
    )
    with pytest.raises(NoRuns) as caught:
        validate_has_runs(rule, NOW)
    assert caught.value.field == field
    assert str(caught.value) == f"schedule has no runs: {reason}"
    assert isinstance(caught.value, ValueError)


def test_blackouts_tiling_the_whole_day_leave_no_run() -> None:
    halves = [
        {"kind": "daily", "start": "00:00", "end": "12:00"},
        {"kind": "daily", "start": "12:00", "end": "00:00"},
    ]
    rule = interval(1, "00:00", "23:59", blackouts=halves)
    with pytest.raises(NoRuns, match="is blacked out"):
        validate_has_runs(rule, NOW)
