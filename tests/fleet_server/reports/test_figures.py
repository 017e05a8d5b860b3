"""The reports' figures over known history, on SQLite and PostgreSQL: each figure exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from fleet_protocol.base import utc_now
from fleet_server.reports.figures import FleetReports
from fleet_server.reports.models import PeriodPublic
from fleet_server.reports.periods import Period, Span, period_of
from tests.fleet_server.reports.history import (
    SITE,
    ZONE,
    fill_incidents,
    fill_missions,
    fill_robot_days,
)


def _period(span: Span, now: datetime | None = None) -> tuple[Period, PeriodPublic]:
    period = period_of(span, now or utc_now(), ZONE, "Asia/Shanghai")
    return period, PeriodPublic.of(span, period)


def test_a_period_is_its_local_days_with_their_utc_midnights() -> None:
    # 01:30 on 5 May in Shanghai is still 4 May in UTC.
    now = datetime(2024, 5, 4, 17, 30, tzinfo=timezone.utc)
    period = period_of(Span.DAYS_7, now, ZONE, "Asia/Shanghai")
    assert [d.isoformat() for d in (period.first_day, period.last_day)] == [
        "2024-04-29",
        "2024-05-05",
    ]
    assert period.start.isoformat() == "2024-04-28T16:00:00+00:00"
    assert period.end.isoformat() == "2024-05-05T16:00:00+00:00"
    assert len(period.starts) == 7


def test_missions_done_failed_and_cancelled_per_day_and_kind(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_7)
    today = period.last_day
    fill_missions(engine, today)
    report = FleetReports(engine).missions(period, shown, None)
    # Two patrols done, one failed, a respond cancelled; a cleaning run and a shared cleaning
    # (its parts not counted again) done.
    assert report.total.model_dump() == {"completed": 4, "failed": 1, "cancelled": 1}
    by_day = {d.day: (d.completed, d.failed, d.cancelled) for d in report.days}
    assert by_day[today - timedelta(days=2)] == (2, 1, 1)
    assert by_day[today - timedelta(days=1)] == (2, 0, 0)
    assert by_day[today] == (0, 0, 0)
    assert len(report.days) == 7
    kinds = {k.kind: (k.completed, k.failed, k.cancelled) for k in report.kinds}
    assert kinds == {"patrol": (2, 1, 0), "respond": (0, 0, 1), "clean": (2, 0, 0)}
    both = {(r.day, r.kind): r.completed for r in report.days_by_kind}
    assert both[(today - timedelta(days=1), "clean")] == 2
    assert both[(today - timedelta(days=2), "patrol")] == 2


def test_the_30_day_report_reaches_eight_days_back_and_today_only_today(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_30)
    fill_missions(engine, period.last_day)
    reports = FleetReports(engine)
    assert reports.missions(period, shown, None).total.completed == 5
    today, today_shown = _period(Span.TODAY)
    assert reports.missions(today, today_shown, None).total.model_dump() == {
        "completed": 0,
        "failed": 0,
        "cancelled": 0,
    }
    assert reports.missions(period, shown, "elsewhere").total.completed == 0


def test_incident_response_times_p50_and_p90_from_report_to_on_scene(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_7)
    today = period.last_day
    fill_incidents(engine, today)
    report = FleetReports(engine).incidents(period, shown, None)
    assert (report.reported, report.reached) == (4, 3)
    # 30.5 s, 60 s and 120 s: the median is 60 s; p90 lies 80 % of the way from 60 to 120.
    assert report.response_p50_s == 60.0
    assert report.response_p90_s == 108.0
    by_day = {d.day: (d.reported, d.reached) for d in report.days}
    assert by_day[today - timedelta(days=1)] == (3, 2)
    assert by_day[today - timedelta(days=3)] == (1, 1)


def test_two_response_times_of_60_and_120_s_give_p50_90_and_p90_114(engine: Engine) -> None:
    period, shown = _period(Span.TODAY)
    today = period.last_day
    fill_incidents(engine, today + timedelta(days=1))  # its "yesterday" is today
    report = FleetReports(engine).incidents(period, shown, SITE)
    assert (report.reported, report.reached) == (3, 2)
    assert (report.response_p50_s, report.response_p90_s) == (90.0, 114.0)


def test_no_incident_reached_gives_no_percentiles(engine: Engine) -> None:
    period, shown = _period(Span.TODAY)
    report = FleetReports(engine).incidents(period, shown, None)
    assert (report.reported, report.response_p50_s, report.response_p90_s) == (0, None, None)


def test_patrol_coverage_counts_checkpoint_visits_and_route_nodes(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_7)
    today = period.last_day
    fill_missions(engine, today)
    report = FleetReports(engine).patrols(period, shown, None)
    assert report.missions == 3
    assert (report.checkpoints_visited, report.checkpoints_planned) == (5, 6)
    assert report.checkpoint_percent == 83.3
    assert (report.nodes_passed, report.nodes_planned) == (11, 18)
    assert report.node_percent == 61.1
    two_ago = next(d for d in report.days if d.day == today - timedelta(days=2))
    assert (two_ago.missions, two_ago.checkpoints_visited, two_ago.checkpoints_planned) == (3, 5, 6)


def test_area_cleaned_counts_each_robots_run_once(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_7)
    today = period.last_day
    fill_missions(engine, today)
    report = FleetReports(engine).cleaning(period, shown, None)
    # 120.5 m² alone, and the shared zone's two parts (100 + 80), not its own 200 m² again.
    assert (report.missions, report.area_m2) == (3, 300.5)
    yesterday = next(d for d in report.days if d.day == today - timedelta(days=1))
    assert (yesterday.missions, yesterday.area_m2) == (3, 300.5)


def test_utilisation_and_battery_used_per_robot_and_day(engine: Engine) -> None:
    period, shown = _period(Span.DAYS_7)
    today = period.last_day
    fill_robot_days(engine, today)
    report = FleetReports(engine).robot_use(period, shown, None)
    robots = {r.serial_number: r for r in report.robots}
    assert sorted(robots) == ["dog-01", "dog-02"]
    dog1, dog2 = robots["dog-01"], robots["dog-02"]
    assert (dog1.days_online, dog1.seconds_online, dog1.seconds_working) == (2, 10800.0, 3600.0)
    assert dog1.seconds_charging == 600.0
    assert dog1.utilisation == pytest.approx(0.3333)
    assert (dog1.battery_used_percent, dog1.battery_used_percent_per_day) == (32.0, 16.0)
    assert (dog2.utilisation, dog2.battery_used_percent) == (1.0, 30.0)
    assert report.utilisation == 0.5
    assert report.battery_used_percent == 62.0
    # 12 + 20 + 30 over three robot-days online.
    assert report.battery_used_percent_per_robot_day == 20.7
    yesterday = next(d for d in report.days if d.day == today - timedelta(days=1))
    assert (yesterday.robots, yesterday.utilisation, yesterday.battery_used_percent) == (
        2,
        0.5,
        50.0,
    )
    assert next(d for d in report.days if d.day == today).robots == 0
