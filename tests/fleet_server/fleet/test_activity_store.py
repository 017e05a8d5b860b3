"""Robot days in the database (SQLite and PostgreSQL), and the registry feeding them."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.state import ActionState, ActionStatus, State
from fleet_protocol.topics import Subtopic, TopicAddress
from fleet_server.fleet.activity import ActivityTracker, DayActivity
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.store import RobotStore
from tests import vehicles
from tests.clock import ManualClock
from tests.databases import engine_at_head
from tests.fleet_server.small_site import small_site

MAY_1, MAY_2, MAY_3 = date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)


def _day(day: date, **figures: object) -> DayActivity:
    return DayActivity("dog-01", day, "square", **figures)  # type: ignore[arg-type]


def test_adding_twice_adds_up_and_survives_a_new_store(database_url: str) -> None:
    store = ActivityStore(engine_at_head(database_url))
    store.add(
        [
            _day(MAY_1, seconds_online=100.0, seconds_active=40.0, zone_seconds={"fence": 90.0}),
            _day(MAY_2, seconds_online=7.0, missions_completed=1, distance_m=12.5),
        ]
    )
    store.add(
        [
            _day(MAY_1, seconds_online=50.0, zone_seconds={"fence": 10.0, "other": 5.0}),
            _day(MAY_1, missions_completed=2, distance_m=3.0),
        ]
    )
    again = ActivityStore(engine_at_head(database_url))
    days = again.days("dog-01")
    assert [d.day for d in days] == [MAY_1, MAY_2]
    first = days[0]
    assert (first.seconds_online, first.seconds_active) == (150.0, 40.0)
    assert first.zone_seconds == {"fence": 100.0, "other": 5.0}
    assert (first.missions_completed, first.distance_m) == (2, 3.0)
    assert (days[1].missions_completed, days[1].distance_m) == (1, 12.5)
    assert days[1].site_id == "square"


def test_days_are_read_by_inclusive_range_and_robot(database_url: str) -> None:
    store = ActivityStore(engine_at_head(database_url))
    store.add([_day(d, seconds_online=1.0) for d in (MAY_1, MAY_2, MAY_3)])
    store.add([DayActivity("dog-02", MAY_2, seconds_online=9.0)])
    assert [d.day for d in store.days("dog-01", since=MAY_2)] == [MAY_2, MAY_3]
    assert [d.day for d in store.days("dog-01", until=MAY_2)] == [MAY_1, MAY_2]
    assert [d.day for d in store.days("dog-01", MAY_2, MAY_2)] == [MAY_2]
    assert [d.seconds_online for d in store.days("dog-02")] == [9.0]


def _state(serial: str, x: float, *, driving: bool = False, running: bool = False) -> State:
    state = State.model_validate_json(vehicles.state(serial, x=x, y=0.0, driving=driving))
    if running:
        action = ActionState(
            action_id="a1", action_type="clean", action_status=ActionStatus.RUNNING
        )
        state = state.model_copy(update={"action_states": [action]})
    return state


def test_the_registry_records_days_from_state_messages_on_its_clock(database_url: str) -> None:
    engine = engine_at_head(database_url)
    clock = ManualClock(datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc))  # 20:00 in Shanghai
    registry = FleetRegistry(
        RobotStore(engine),
        offline_timeout_s=60.0,
        telemetry_interval_s=1.0,
        clock=clock,
        activity=ActivityTracker(max_gap_s=60.0, sites=[small_site()]),
        activity_store=ActivityStore(engine),
        auto_register=True,
    )
    at = TopicAddress("uagv", vehicles.MANUFACTURER, "dog-01", Subtopic.CONNECTION)
    online = Connection.model_validate_json(vehicles.connection("dog-01", ConnectionState.ONLINE))
    registry.on_connection(at, online)
    address = TopicAddress("uagv", vehicles.MANUFACTURER, "dog-01", Subtopic.STATE)
    # Five hours: driving 1 m/s for 2 h, cleaning on the spot for 1 h, idle for 2 h; past midnight.
    for second in range(0, 5 * 3600, 30):
        clock.now += timedelta(seconds=30)
        if second < 2 * 3600:
            back_and_forth = 30.0 if (second // 30) % 2 else 0.0
            registry.on_state(address, _state("dog-01", back_and_forth, driving=True))
        else:
            registry.on_state(address, _state("dog-01", 0.0, running=second < 3 * 3600))
        if second % 600 == 0:
            asyncio.run(registry.flush())
    asyncio.run(registry.flush())
    days = {d.day: d for d in ActivityStore(engine).days("dog-01")}
    assert sorted(days) == [MAY_1, MAY_2]
    assert days[MAY_1].seconds_online == pytest.approx(4 * 3600)
    assert days[MAY_2].seconds_online == pytest.approx(1 * 3600)
    assert days[MAY_1].seconds_active == pytest.approx(3 * 3600)
    assert days[MAY_2].seconds_active == pytest.approx(0)
    # Its first 30 s it had not said where it was yet.
    assert days[MAY_1].zone_seconds == {"fence": pytest.approx(4 * 3600 - 30)}
    assert days[MAY_1].distance_m == pytest.approx(2 * 3600)
    assert days[MAY_2].distance_m == 0
    assert days[MAY_1].site_id == "square"


def test_overlapping_writes_of_a_new_day_add_up(database_url: str) -> None:
    # The server's last flush can start while the previous batch is still writing in its
    # thread: both may carry the first figures of a day that has no row yet.
    store = ActivityStore(engine_at_head(database_url))
    days = [date(2024, 6, 1) + timedelta(days=n) for n in range(20)]
    start = threading.Barrier(2)

    def write() -> None:
        start.wait()
        for day in days:
            store.add([_day(day, seconds_online=1.0)])

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    stored = store.days("dog-01", days[0], days[-1])
    assert [row.seconds_online for row in stored] == [2.0] * len(days)
