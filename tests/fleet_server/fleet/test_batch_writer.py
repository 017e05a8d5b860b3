"""The batch writer on SQLite and PostgreSQL: bad rows are set aside, the rest of the batch is
written, and a database that cannot be reached keeps the batch for the next flush."""

from __future__ import annotations

import asyncio
import math
from datetime import date, datetime, timezone
from typing import Any

from sqlmodel import Session, create_engine, select

from fleet_protocol.state import State
from fleet_protocol.topics import Subtopic, TopicAddress
from fleet_server.fleet.activity import DayActivity
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.batch_writer import BatchWriter
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.fleet.store import RobotStore
from tests import vehicles
from tests.broker import free_port
from tests.databases import engine_at_head

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
DAY = date(2026, 12, 1)


def _robot_row(serial: str, **changes: Any) -> dict[str, Any]:
    return {"serial_number": serial, "x": 1.0, "y": 2.0, "theta": 0.0, "battery": 80.0} | changes


def _sample(serial: str, **changes: Any) -> dict[str, Any]:
    base = {"serial_number": serial, "time": NOW, "x": 1.0, "y": 2.0, "theta": 0.0}
    return base | {"map_id": "square", "battery": 80.0, "driving": False} | changes


def _stores(database_url: str) -> tuple[RobotStore, ActivityStore]:
    engine = engine_at_head(database_url)
    store = RobotStore(engine)
    for serial in ("dog-1", "dog-2"):
        store.insert_robot(Robot(serial_number=serial, manufacturer="TestWorks"))
    return store, ActivityStore(engine)


def _robots(store: RobotStore) -> dict[str, Robot]:
    return {robot.serial_number: robot for robot in store.load_robots()}


def _samples(store: RobotStore) -> list[TelemetrySample]:
    with Session(store.engine) as session:
        return list(session.exec(select(TelemetrySample)))


def test_non_finite_values_are_set_aside_and_the_rest_is_written(database_url: str) -> None:
    store, days = _stores(database_url)
    writer = BatchWriter(store, days)
    outcome = writer.write(
        [_robot_row("dog-1", y=math.nan), _robot_row("dog-2", x=7.5)],
        [_sample("dog-1", y=math.nan), _sample("dog-2", battery=math.inf), _sample("dog-2")],
        [
            DayActivity("dog-1", DAY, "square", seconds_online=60.0, distance_m=math.inf),
            DayActivity("dog-2", DAY, "square", seconds_online=60.0, distance_m=12.0),
        ],
    )
    assert (outcome.written, outcome.set_aside) == (1, 4)
    robots = _robots(store)
    assert robots["dog-2"].x == 7.5
    assert robots["dog-1"].x is None and robots["dog-1"].y is None
    assert [(s.serial_number, s.battery) for s in _samples(store)] == [("dog-2", 80.0)]
    assert days.days("dog-1") == []
    assert [d.distance_m for d in days.days("dog-2")] == [12.0]
    assert not (outcome.retry_rows or outcome.retry_samples or outcome.retry_days)


def test_a_row_the_database_refuses_costs_only_itself(database_url: str) -> None:
    store, days = _stores(database_url)
    # Passes the checks, but no database column holds a mission id this large.
    outcome = BatchWriter(store, days).write(
        [_robot_row("dog-1"), _robot_row("dog-2", mission_id=2**70)],
        [_sample("dog-1", mission_id=2**70), _sample("dog-2"), _sample("dog-1", x=3.0)],
        [DayActivity("dog-1", DAY, "square", seconds_online=60.0)],
    )
    assert (outcome.written, outcome.set_aside) == (1, 2)
    assert _robots(store)["dog-1"].x == 1.0
    assert sorted((s.serial_number, s.x) for s in _samples(store)) == [
        ("dog-1", 3.0),
        ("dog-2", 1.0),
    ]
    assert [d.seconds_online for d in days.days("dog-1")] == [60.0]


def test_a_database_that_cannot_be_reached_keeps_the_batch() -> None:
    # Nothing listens on this port: every write fails to connect (create_engine connects only
    # when used, where open_database would upgrade the schema at once).
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"
    unreachable = RobotStore(create_engine(url))
    rows, samples = [_robot_row("dog-1")], [_sample("dog-1")]
    day = [DayActivity("dog-1", DAY, "square", seconds_online=5.0)]
    outcome = BatchWriter(unreachable, ActivityStore(unreachable.engine)).write(rows, samples, day)
    assert outcome.written == 0 and outcome.set_aside == 0
    assert (outcome.retry_rows, outcome.retry_samples, outcome.retry_days) == (rows, samples, day)


def test_the_registry_writes_the_rest_of_a_batch_and_retries_what_waited(
    database_url: str,
) -> None:
    store, days = _stores(database_url)
    registry = FleetRegistry(
        store, offline_timeout_s=60, telemetry_interval_s=1, activity_store=days
    )
    registry.load()
    for serial, y in (("dog-1", 5.0), ("dog-2", 6.0)):
        address = TopicAddress("uagv", vehicles.MANUFACTURER, serial, Subtopic.STATE)
        registry.on_state(address, State.model_validate_json(vehicles.state(serial, y=y)))
    # A value no parser lets in, as a bug might set it: only that robot's row is set aside.
    registry.get("dog-1").y = math.nan
    written = asyncio.run(registry.flush())
    assert (written, registry.stats.rows_set_aside) == (1, 1)
    robots = _robots(store)
    assert robots["dog-2"].y == 6.0 and robots["dog-1"].y is None
    # Its telemetry, taken before the value broke, and the other robot's are written.
    assert sorted((s.serial_number, s.y) for s in _samples(store)) == [
        ("dog-1", 5.0),
        ("dog-2", 6.0),
    ]
