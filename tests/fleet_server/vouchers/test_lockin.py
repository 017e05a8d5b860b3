"""The lock-in decisions of rule 10 on plain data: out-of-service days and runs, the limit's
boundary, the watched window, and the pro-rata amounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from fleet_server.vouchers.lockin import (
    OFFLINE,
    OUTSIDE_GEOFENCE,
    LockIn,
    day_state,
    out_of_service_runs,
    overdue_runs,
    pro_rata_fen,
    unit_paid_fen,
)

PAID_ON = date(2026, 5, 10)
LOCK_IN = LockIn.after_payout(PAID_ON, 24)
GOOD = {"seconds_online": 36_000, "seconds_in_geofence": 36_000}
OUTSIDE = {"seconds_online": 36_000, "seconds_in_geofence": 3_600}  # 10% inside
SILENT = {"seconds_online": 0, "seconds_in_geofence": 0}
MIN_SHARE_BP = 9_000
LIMIT = 30


def _days(first: date, count: int, figures: Mapping[str, Any]) -> dict[date, Mapping[str, Any]]:
    return {first + timedelta(days=n): figures for n in range(count)}


def _good_except(bad: Mapping[date, Mapping[str, Any] | None]) -> dict[date, Mapping[str, Any]]:
    """Good days all through the lock-in, but for the days given (None: no report that day)."""
    days: dict[date, Mapping[str, Any] | None] = {**_days(LOCK_IN.start, LOCK_IN.days, GOOD)}
    days.update(bad)
    return {day: figures for day, figures in days.items() if figures is not None}


def _overdue(reported: Mapping[date, Mapping[str, Any]], today: date) -> list[tuple[date, int]]:
    runs = overdue_runs(reported, LOCK_IN, today, MIN_SHARE_BP, LIMIT)
    return [(run.first_day, run.length) for run in runs]


def test_a_day_is_out_of_service_when_silent_offline_or_mostly_outside() -> None:
    assert day_state(None, MIN_SHARE_BP) == OFFLINE
    assert day_state(SILENT, MIN_SHARE_BP) == OFFLINE
    assert day_state(OUTSIDE, MIN_SHARE_BP) == OUTSIDE_GEOFENCE
    just_enough = {"seconds_online": 10_000, "seconds_in_geofence": 9_000}
    just_short = {"seconds_online": 10_000, "seconds_in_geofence": 8_999}
    assert day_state(just_enough, MIN_SHARE_BP) is None
    assert day_state(just_short, MIN_SHARE_BP) == OUTSIDE_GEOFENCE
    assert day_state(GOOD, MIN_SHARE_BP) is None


def test_thirty_days_out_is_allowed_thirty_one_is_not() -> None:
    first = PAID_ON + timedelta(days=40)
    today = first + timedelta(days=60)
    thirty = _good_except(_days(first, 30, SILENT))  # reported, never online
    assert _overdue(thirty, today) == []
    thirty_one = _good_except(dict.fromkeys(_days(first, 31, SILENT)))  # no report
    assert _overdue(thirty_one, today) == [(first, 31)]


def test_offline_and_outside_days_make_one_run_with_each_days_figures() -> None:
    first = PAID_ON + timedelta(days=3)
    bad: dict[date, Mapping[str, Any] | None] = {
        **_days(first, 11, OUTSIDE),
        **_days(first + timedelta(days=11), 10, SILENT),
    }
    bad.update(dict.fromkeys(_days(first + timedelta(days=21), 10, GOOD)))  # unreported
    runs = overdue_runs(_good_except(bad), LOCK_IN, first + timedelta(days=90), MIN_SHARE_BP, LIMIT)
    assert len(runs) == 1
    run = runs[0]
    assert (run.first_day, run.last_day, run.length) == (first, first + timedelta(days=30), 31)
    assert (run.count(OUTSIDE_GEOFENCE), run.count(OFFLINE)) == (11, 20)
    assert run.days[0] == {
        "day": first.isoformat(),
        "state": OUTSIDE_GEOFENCE,
        "reported": True,
        "seconds_online": 36_000,
        "seconds_in_geofence": 3_600,
        "geofence_share_bp": 1_000,
    }
    assert run.days[11]["state"] == OFFLINE and run.days[11]["geofence_share_bp"] is None
    assert run.days[30] == {
        "day": (first + timedelta(days=30)).isoformat(),
        "state": OFFLINE,
        "reported": False,
        "seconds_online": 0,
    }


def test_one_good_day_breaks_a_run() -> None:
    first = PAID_ON + timedelta(days=100)
    bad: dict[date, Mapping[str, Any] | None] = dict.fromkeys(_days(first, 41, SILENT))
    bad[first + timedelta(days=20)] = GOOD
    reported = _good_except(bad)
    runs = out_of_service_runs(reported, LOCK_IN.start, LOCK_IN.until, MIN_SHARE_BP)
    assert [(run.first_day, run.length) for run in runs] == [
        (first, 20),
        (first + timedelta(days=21), 20),
    ]
    assert _overdue(reported, LOCK_IN.until) == []


def test_days_before_the_payout_do_not_count() -> None:
    # Offline from 10 days before the payout to 25 days after it: 26 days of lock-in.
    reported = _days(PAID_ON + timedelta(days=26), 60, GOOD)
    assert _overdue(reported, PAID_ON + timedelta(days=80)) == []
    # Five more offline days after the payout make 31.
    later = _days(PAID_ON + timedelta(days=31), 60, GOOD)
    assert _overdue(later, PAID_ON + timedelta(days=80)) == [(PAID_ON, 31)]


def test_days_after_the_lock_in_do_not_count() -> None:
    assert LOCK_IN.until == date(2028, 5, 10) and LOCK_IN.days == 731
    # Offline from 20 days before the lock-in ends to 40 days after it.
    reported = _days(LOCK_IN.start, LOCK_IN.days - 20, GOOD)
    assert _overdue(reported, LOCK_IN.until + timedelta(days=40)) == []
    reported = _days(LOCK_IN.start, LOCK_IN.days - 31, GOOD)
    assert _overdue(reported, LOCK_IN.until + timedelta(days=40)) == [
        (LOCK_IN.until - timedelta(days=31), 31)
    ]


def test_only_days_up_to_yesterday_are_judged() -> None:
    first = PAID_ON + timedelta(days=200)
    reported = _days(LOCK_IN.start, 200, GOOD)  # nothing reported from `first` on
    assert _overdue(reported, first + timedelta(days=30)) == []  # today itself is not judged
    assert _overdue(reported, first + timedelta(days=31)) == [(first, 31)]
    assert _overdue(reported, PAID_ON) == []  # on the payout day nothing is complete yet


def test_lock_in_runs_whole_months_from_the_payout_day() -> None:
    assert LockIn.after_payout(date(2026, 1, 31), 1).until == date(2026, 2, 28)
    assert LockIn.after_payout(date(2028, 2, 29), 24).until == date(2030, 2, 28)
    assert LockIn.after_payout(date(2026, 1, 1), 24).days == 365 + 365


def test_pro_rata_is_the_paid_share_for_the_days_not_served_rounded_down() -> None:
    paid = 20_000_001  # 200,000.01 yuan
    # 731 lock-in days; from 2027-05-10, 366 of them are not served.
    assert pro_rata_fen(paid, LOCK_IN, date(2027, 5, 10)) == 20_000_001 * 366 // 731
    assert pro_rata_fen(paid, LOCK_IN, date(2027, 5, 10)) == 10_013_680  # 10,013,680.8 rounded down
    assert pro_rata_fen(paid, LOCK_IN, PAID_ON) == paid
    assert pro_rata_fen(paid, LOCK_IN, PAID_ON - timedelta(days=9)) == paid
    last_day = LOCK_IN.until - timedelta(days=1)
    assert pro_rata_fen(paid, LOCK_IN, last_day) == 27_359  # 27,359.7 rounded down
    assert pro_rata_fen(paid, LOCK_IN, LOCK_IN.until) == 0


def test_a_units_paid_share_follows_its_line_item() -> None:
    # 600,000 yuan paid on a 1,200,000 yuan contract: a 200,000.01 yuan unit's share.
    assert unit_paid_fen(60_000_000, 20_000_001, 120_000_000) == 10_000_000
    assert unit_paid_fen(60_000_000, 19_999_999, 120_000_000) == 9_999_999
