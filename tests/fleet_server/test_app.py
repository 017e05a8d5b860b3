"""The app's background work: telemetry past its retention is pruned as soon as the server starts
(and hourly after), so a server that was down for days does not keep what it should not."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from fleet_protocol.base import utc_now
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.fleet.store import RobotStore
from fleet_server.settings import FleetSettings
from tests.databases import engine_at_head
from tests.fleet_server.servers import running_server
from tests.waiting import wait_until


def _sample(serial: str, days_ago: float) -> dict[str, object]:
    return {
        "serial_number": serial,
        "time": utc_now() - timedelta(days=days_ago),
        "x": 1.0,
        "y": 2.0,
        "theta": 0.0,
        "map_id": "square",
        "battery": 70.0,
        "driving": False,
    }


def _kept(settings: FleetSettings) -> list[str]:
    engine = engine_at_head(settings.database_url)
    try:
        with Session(engine) as session:
            return sorted(s.serial_number for s in session.exec(select(TelemetrySample)))
    finally:
        engine.dispose()


def test_telemetry_past_its_retention_is_pruned_at_start(settings: FleetSettings) -> None:
    engine = engine_at_head(settings.database_url)
    RobotStore(engine).add_samples([_sample("old-1", 8), _sample("old-2", 30), _sample("new-1", 6)])
    engine.dispose()
    assert settings.telemetry_retention_days == 7
    with running_server(settings):
        wait_until(lambda: _kept(settings) == ["new-1"], what="the old samples to be pruned")
