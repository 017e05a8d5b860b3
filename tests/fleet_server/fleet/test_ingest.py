"""Ingest through the real gateway: robots appear, go offline, survive bad input and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.connection import ConnectionState
from fleet_protocol.state import State
from fleet_protocol.topics import Subtopic, TopicAddress
from fleet_server.fleet.gateway import Gateway
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.store import RobotStore
from fleet_server.settings import FleetSettings
from tests import vehicles
from tests.databases import engine_at_head
from tests.fleet_server.servers import running_server
from tests.waiting import wait_until
from tests.wire import WireRecorder


def _robot(client: TestClient, serial: str) -> dict:
    response = client.get(f"/api/v1/robots/{serial}")
    return response.json() if response.status_code == 200 else {}


def _rejected(client: TestClient) -> int:
    return int(client.get("/api/v1/health").json()["ingest"]["rejected_messages"])


def _announce(wire: WireRecorder, serial: str, x: float = 1.0, y: float = 2.0) -> None:
    vehicles.announce(wire, serial, x=x, y=y)


def test_robot_appears_with_its_state_and_kind(client: TestClient, wire: WireRecorder) -> None:
    _announce(wire, "dog-1", x=3.5, y=-1.25)
    robot = wait_until(
        lambda: _robot(client, "dog-1").get("position") and _robot(client, "dog-1"),
        what="dog-1 to appear",
    )
    assert robot["online"] is True
    assert robot["manufacturer"] == vehicles.MANUFACTURER
    assert robot["kind"] == "patrol_dog"
    assert robot["battery"] == 80.0
    assert robot["position"] == {"x": 3.5, "y": -1.25, "theta": 0.0, "map_id": "square"}
    assert "announce" in robot["actions"]
    assert robot["last_seen"] is not None


def test_last_will_takes_the_robot_offline(client: TestClient, wire: WireRecorder) -> None:
    _announce(wire, "dog-2")
    wait_until(lambda: _robot(client, "dog-2").get("online"), what="dog-2 online")
    wire.publish(
        vehicles.topic_of("dog-2", Subtopic.CONNECTION),
        vehicles.connection("dog-2", ConnectionState.CONNECTIONBROKEN),
        qos=1,
        retain=True,
    )
    robot = wait_until(
        lambda: (r := _robot(client, "dog-2")) and not r["online"] and r, what="dog-2 offline"
    )
    assert robot["connection_state"] == "CONNECTIONBROKEN"


def test_silent_robot_goes_offline_after_the_timeout(
    client: TestClient, wire: WireRecorder
) -> None:
    _announce(wire, "dog-3")
    wait_until(lambda: _robot(client, "dog-3").get("online"), what="dog-3 online")
    # No more state: the 2 s timeout of the test settings takes it offline.
    robot = wait_until(
        lambda: (r := _robot(client, "dog-3")) and not r["online"] and r,
        timeout=6,
        what="dog-3 offline by timeout",
    )
    assert robot["connection_state"] == "ONLINE"


def test_malformed_messages_are_rejected_and_nothing_is_lost(
    client: TestClient, wire: WireRecorder
) -> None:
    _announce(wire, "dog-4", x=5.0, y=5.0)
    wait_until(lambda: _robot(client, "dog-4").get("position"), what="dog-4 position")
    before = _rejected(client)
    bad = [
        (Subtopic.STATE, b"{not json"),
        (Subtopic.STATE, b'{"headerId": -1}'),
        (Subtopic.CONNECTION, b'{"connectionState": "MAYBE"}'),
        (Subtopic.FACTSHEET, b"[]"),
        (Subtopic.VISUALIZATION, b"\xff\xfe"),
    ]
    for subtopic, payload in bad:
        wire.inject(vehicles.topic_of("dog-4", subtopic), payload)
    wait_until(
        lambda: _rejected(client) >= before + len(bad),
        what="all bad messages to be counted as rejected",
    )
    robot = _robot(client, "dog-4")
    assert robot["online"] is True
    assert robot["position"]["x"] == 5.0
    assert robot["kind"] == "patrol_dog"
    # The server still ingests good messages afterwards.
    wire.publish(vehicles.topic_of("dog-4", Subtopic.STATE), vehicles.state("dog-4", x=6.0, y=5.0))
    wait_until(lambda: _robot(client, "dog-4")["position"]["x"] == 6.0, what="next good state")


def test_pre_registered_robot_and_duplicate(client: TestClient) -> None:
    body = {"serial_number": "hall-9", "manufacturer": "Acme", "kind": "service"}
    created = client.post("/api/v1/robots", json=body)
    assert created.status_code == 201
    assert created.json()["registered"] is True and created.json()["online"] is False
    again = client.post("/api/v1/robots", json=body)
    assert again.status_code == 409
    assert "hall-9" in again.json()["detail"]
    bad = client.post("/api/v1/robots", json={**body, "serial_number": "a/b"})
    assert bad.status_code == 422
    assert "serial_number" in bad.json()["detail"]
    assert client.get("/api/v1/robots/nope").status_code == 404


def test_robots_survive_a_server_restart(settings: FleetSettings, wire: WireRecorder) -> None:
    with running_server(settings) as first:
        _announce(wire, "dog-5", x=7.0, y=8.0)
        wait_until(lambda: _robot(first, "dog-5").get("position"), what="dog-5 position")
        wire.publish(
            vehicles.topic_of("dog-5", Subtopic.STATE), vehicles.state("dog-5", x=7.0, y=9.0)
        )
        wait_until(lambda: _robot(first, "dog-5")["position"]["y"] == 9.0, what="second state")
    with running_server(settings) as second:
        # The retained ONLINE connection brings the robot back online after the restart.
        robot = wait_until(
            lambda: _robot(second, "dog-5").get("online") and _robot(second, "dog-5"),
            what="dog-5 online after restart",
        )
        assert robot["kind"] == "patrol_dog"
        assert robot["position"]["y"] == 9.0


def test_sites_are_served(client: TestClient) -> None:
    sites = {s["id"]: s for s in client.get("/api/v1/sites").json()}
    assert sites["square"]["nodes"] == 6
    square = client.get("/api/v1/sites/square").json()
    assert {n["id"] for n in square["nodes"]} == {"A", "B", "C", "D", "E", "F"}
    assert square["docks"][0]["node"] == "E"
    assert square["timezone"] == "Asia/Shanghai"
    missing = client.get("/api/v1/sites/atlantis")
    assert missing.status_code == 404 and "atlantis" in missing.json()["detail"]


class _Recorder:
    """A robot listener that remembers the states it was told about."""

    def __init__(self) -> None:
        self.serials: list[str] = []

    def on_robot_state(self, robot: Robot, state: State) -> None:
        self.serials.append(robot.serial_number)

    def on_robot_offline(self, robot: Robot, reason: str) -> None:
        """Not needed here."""

    def on_robot_online(self, robot: Robot) -> None:
        """Not needed here."""


class _Broken(_Recorder):
    def on_robot_state(self, robot: Robot, state: State) -> None:
        raise RuntimeError("listener bug")


def test_a_failing_listener_does_not_keep_the_others_from_hearing(tmp_path: Path) -> None:
    registry = FleetRegistry(
        RobotStore(engine_at_head(f"sqlite:///{tmp_path / 'fleet.db'}")),
        offline_timeout_s=60,
        telemetry_interval_s=1,
        auto_register=True,
    )
    recorder = _Recorder()
    registry.listeners += [_Broken(), recorder]
    gateway = Gateway(registry, mqtt_url="mqtt://127.0.0.1:1", interface="uagv")
    for serial in ("dog-1", "dog-2"):
        gateway.handle(vehicles.topic_of(serial, Subtopic.STATE), vehicles.state(serial))
    assert recorder.serials == ["dog-1", "dog-2"]
    assert dict(registry.failures.by_loop) == {"robot listener _Broken": 2}
    assert registry.rejections.total == 0


def test_a_message_whose_handling_fails_is_counted_and_ingest_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = FleetRegistry(
        RobotStore(engine_at_head(f"sqlite:///{tmp_path / 'fleet.db'}")),
        offline_timeout_s=60,
        telemetry_interval_s=1,
        auto_register=True,
    )
    on_state = registry.on_state

    def failing(address: TopicAddress, message: State) -> None:
        if address.serial_number == "dog-1":
            raise RuntimeError("bug for this robot")
        on_state(address, message)

    monkeypatch.setattr(registry, "on_state", failing)
    gateway = Gateway(registry, mqtt_url="mqtt://127.0.0.1:1", interface="uagv")
    for serial in ("dog-1", "dog-2"):
        gateway.handle(vehicles.topic_of(serial, Subtopic.STATE), vehicles.state(serial, x=3.0))
    assert dict(registry.rejections.by_reason) == {"internal": 1}
    assert registry.get("dog-2").x == 3.0
