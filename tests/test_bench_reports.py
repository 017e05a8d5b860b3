"""bench/reports.py's synthetic year fills a database at head that the reports read: a small
fill, then the 30-day patrol report counts what the bench wrote (8 checkpoints a patrol)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.reports import CHECKPOINTS, ZONE, ZONE_NAME, fill
from fleet_protocol.base import utc_now
from fleet_server.reports.figures import FleetReports
from fleet_server.reports.models import PeriodPublic
from fleet_server.reports.periods import Span, period_of
from fleet_server.schema import open_database


def test_the_bench_fills_a_database_at_head_that_the_reports_count(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'bench.db'}", upgrade=True)
    try:
        args = argparse.Namespace(
            robots=4, days=3, incidents_per_day=5, telemetry_days=0.05, telemetry_interval=30.0
        )
        fill(engine, args)
        period = period_of(Span.DAYS_30, utc_now(), ZONE, ZONE_NAME)
        shown = PeriodPublic.of(Span.DAYS_30, period)
        report = FleetReports(engine).patrols(period, shown, None)
        incidents = FleetReports(engine).incidents(period, shown, None)
    finally:
        engine.dispose()
    assert report.missions > 0
    assert report.checkpoints_planned == CHECKPOINTS * report.missions
    assert 0 < report.checkpoints_visited <= report.checkpoints_planned
    assert incidents.reported > 0
