"""With FLEET_AUTO_REGISTER off (the default), only registered robots are heard: others are
counted, logged once and never stored; a robot registered by another process is picked up."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import State
from fleet_protocol.topics import Subtopic, TopicAddress
from fleet_server.broker.accounts import MqttAccounts
from fleet_server.fleet import unknown_robots
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot, RobotCreate
from fleet_server.fleet.rejections import Rejections
from fleet_server.fleet.store import RobotStore
from fleet_server.fleet.unknown_robots import UnknownRobots
from fleet_server.settings import FleetSettings
from tests import vehicles
from tests.databases import engine_at_head
from tests.fleet_server.servers import running_server
from tests.waiting import wait_until
from tests.wire import WireRecorder


class CountingStore(RobotStore):
    """The real store, counting how often a robot is looked up by serial number."""

    lookups = 0

    def get(self, model: Any, key: object) -> Any:
        if model is Robot:
            self.lookups += 1
        return super().get(model, key)


class Clock:
    """A monotonic clock the test moves."""

    now = 1000.0

    def __call__(self) -> float:
        return self.now


def _registry(engine: Engine, clock: Clock) -> tuple[FleetRegistry, CountingStore]:
    store = CountingStore(engine)
    registry = FleetRegistry(store, offline_timeout_s=60.0, telemetry_interval_s=1.0)
    registry.unknown = UnknownRobots(monotonic=clock)
    return registry, store


def _state(registry: FleetRegistry, serial: str, x: float = 1.0) -> None:
    address = TopicAddress("uagv", vehicles.MANUFACTURER, serial, Subtopic.STATE)
    registry.on_state(address, State.model_validate_json(vehicles.state(serial, x=x)))


def _online(registry: FleetRegistry, serial: str) -> None:
    address = TopicAddress("uagv", vehicles.MANUFACTURER, serial, Subtopic.CONNECTION)
    message = vehicles.connection(serial, ConnectionState.ONLINE)
    registry.on_connection(address, Connection.model_validate_json(message))


def _rows(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(robot.serial_number for robot in session.exec(select(Robot)))


def test_an_unregistered_robot_is_counted_logged_once_and_not_stored(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    registry, _ = _registry(engine, Clock())
    with caplog.at_level(logging.WARNING, logger="fleet_server.fleet.rejections"):
        for x in range(5):
            _state(registry, "evil-01", x=float(x))
        _online(registry, "evil-01")
    assert registry.rejections.by_reason["unregistered"] == 6
    assert registry.stats.state_messages == 5  # received, then dropped
    assert not registry.knows("evil-01") and registry.all() == []
    assert _rows(engine) == []
    warnings = [r.getMessage() for r in caplog.records if "evil-01" in r.getMessage()]
    assert warnings == [
        "refused a message from evil-01 (unregistered): robot TestWorks/evil-01 is not "
        "registered (register it: fleet robot add, or POST /api/v1/robots)"
    ]


def test_a_robot_registered_by_another_process_is_heard_once_the_miss_expires(
    engine: Engine,
) -> None:
    clock = Clock()
    registry, store = _registry(engine, clock)
    _state(registry, "dog-08")
    assert store.lookups == 1
    # Another process (`fleet robot add`) registers it on the same database.
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    accounts.add_robots(
        [RobotCreate(serial_number="dog-08", manufacturer=vehicles.MANUFACTURER, kind="service")]
    )
    _state(registry, "dog-08")  # the miss is still believed: no lookup
    assert store.lookups == 1 and not registry.knows("dog-08")
    clock.now += unknown_robots.MISS_TTL_S
    _state(registry, "dog-08", x=4.0)
    robot = registry.get("dog-08")
    assert robot.x == 4.0 and robot.online and robot.kind is RobotKind.SERVICE
    assert registry.rejections.by_reason["unregistered"] == 2
    _state(registry, "dog-08", x=5.0)
    assert store.lookups == 2  # known now: no more lookups


def test_a_flood_of_unknown_serials_costs_few_lookups_and_bounded_memory(
    engine: Engine, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unknown_robots, "REMEMBERED", 50)
    clock = Clock()
    registry, store = _registry(engine, clock)
    registry.rejections = Rejections(log_limit=30)
    with caplog.at_level(logging.WARNING, logger="fleet_server.fleet.rejections"):
        for second in range(3):
            for index in range(100):
                _state(registry, f"flood-{second}-{index}")
            clock.now += 1.0
    assert registry.rejections.by_reason["unregistered"] == 300
    assert store.lookups == 3 * unknown_robots.LOOKUPS_PER_SECOND
    assert len(registry.unknown._misses) <= 50
    named = [r for r in caplog.records if "is not registered" in r.getMessage()]
    assert len(named) == 30
    assert sum("now only counted" in r.getMessage() for r in caplog.records) == 1
    assert _rows(engine) == []


def test_a_robot_registered_through_the_api_is_heard_at_once(engine: Engine) -> None:
    registry, _ = _registry(engine, Clock())
    _state(registry, "hall-3")
    registry.register(RobotCreate(serial_number="hall-3", manufacturer=vehicles.MANUFACTURER))
    _state(registry, "hall-3", x=9.0)
    assert registry.get("hall-3").x == 9.0


def test_the_server_shows_unregistered_messages_in_health_and_never_lists_them(
    settings: FleetSettings, wire: WireRecorder
) -> None:
    closed = settings.model_copy(update={"auto_register": False})
    with running_server(closed) as client:
        _registered(client, "dog-01")
        for serial in ("evil-01", "dog-01"):
            vehicles.announce(wire, serial, x=3.0, y=4.0)
        wait_until(lambda: _robot(client, "dog-01").get("online"), what="dog-01 online")
        health = wait_until(
            lambda: (
                (h := client.get("/api/v1/health").json())["rejections"].get("unregistered", 0) >= 3
                and h
            ),
            what="evil-01's messages to be counted",
        )
        assert health["robots"] == 1
        assert [r["id"] for r in client.get("/api/v1/robots").json()] == ["dog-01"]
        assert client.get("/api/v1/robots/evil-01").status_code == 404
    engine = engine_at_head(settings.database_url)
    try:
        assert _rows(engine) == ["dog-01"]
    finally:
        engine.dispose()


def _registered(client: TestClient, serial: str) -> None:
    body = {"serial_number": serial, "manufacturer": vehicles.MANUFACTURER, "kind": "patrol_dog"}
    assert client.post("/api/v1/robots", json=body).status_code == 201


def _robot(client: TestClient, serial: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/robots/{serial}")
    return dict(response.json()) if response.status_code == 200 else {}


def test_registering_through_the_api_gives_a_login_once(client: TestClient) -> None:
    body = {"serial_number": "hall-7", "manufacturer": "Acme", "kind": "service"}
    created = client.post("/api/v1/robots", json=body)
    assert created.status_code == 201, created.text
    credentials = created.json()["credentials"]
    assert credentials["mqtt_username"] == "hall-7" and len(credentials["mqtt_password"]) >= 43
    assert created.headers["cache-control"] == "no-store"
    # No broker configuration on this server: the answer says the files were not written.
    assert credentials["broker"]["files_written"] is False
    assert "FLEET_BROKER_CONFIG_DIR is not set" in credentials["broker"]["note"]
    shown = client.get("/api/v1/robots/hall-7").text
    assert credentials["mqtt_password"] not in shown and "credentials" not in shown

    renewed = client.post("/api/v1/robots/hall-7/credentials")
    assert renewed.status_code == 201
    assert renewed.json()["mqtt_password"] != credentials["mqtt_password"]
    assert renewed.headers["cache-control"] == "no-store"
    revoked = client.delete("/api/v1/robots/hall-7/credentials")
    assert revoked.status_code == 200 and revoked.json()["mqtt_username"] == "hall-7"
    again = client.delete("/api/v1/robots/hall-7/credentials")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert client.delete("/api/v1/robots/ghost/credentials").status_code == 404
    assert client.post("/api/v1/robots/ghost/credentials").status_code == 404

    colon = client.post("/api/v1/robots", json={**body, "serial_number": "hall:8"})
    assert colon.status_code == 422 and colon.json()["field"] == "serial_number"
    assert client.get("/api/v1/robots/hall:8").status_code == 404
