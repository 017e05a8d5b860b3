"""Thousands of hostile MQTT messages against a running fleet: the server stays up, loses no
batch, keeps the real robots' state right, and its refusal counters add up to what was sent."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import paho.mqtt.client as mqtt
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion
from sqlmodel import Session, col, func, select

from fleet_protocol.base import utc_now
from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic
from fleet_server.fleet.gateway import DEFAULT_MAX_PAYLOAD_BYTES
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.settings import FleetSettings
from simulation.fleet import DEFAULT_MANUFACTURER as MANUFACTURER
from tests import vehicles
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

SEED = 5050
# Per category; several thousand messages in all.
COUNTS = {"malformed": 900, "wrong_types": 900, "non_finite": 500, "forged": 500, "unknown": 500}
OVERSIZED = 12
INBOUND = (Subtopic.STATE, Subtopic.VISUALIZATION, Subtopic.CONNECTION, Subtopic.FACTSHEET)


def _state(serial: str, **changes: Any) -> dict[str, Any]:
    """A complete, valid state of a real robot (at a place and charge it is not at), to be
    broken one way or another."""
    state = vehicles.state(
        serial, x=500.0, y=500.0, battery=3.0, map_id="longgang-demo", manufacturer=MANUFACTURER
    )
    return dict(json.loads(state)) | changes


def _malformed(rng: random.Random, serial: str) -> bytes:
    choices: list[Callable[[], bytes]] = [
        # Never empty: an empty retained payload only clears the broker's retained message.
        lambda: rng.randbytes(rng.randint(1, 300)),
        lambda: json.dumps(_state(serial)).encode()[: rng.randint(1, 200)],
        lambda: b"[]",
        lambda: b"null",
        lambda: str(rng.random()).encode(),
        lambda: b'{"headerId": 1}',
        lambda: b"\xff\xfe" + json.dumps(_state(serial)).encode(),
    ]
    return rng.choice(choices)()


def _wrong_types(rng: random.Random, serial: str) -> bytes:
    changes: list[dict[str, Any]] = [
        {"headerId": "7"},
        {"headerId": -1},
        {"driving": "yes"},
        {"batteryState": {"batteryCharge": "full", "charging": False}},
        {"batteryState": {"batteryCharge": 250.0, "charging": False}},
        {"agvPosition": {"x": "east", "y": 0, "theta": 0, "mapId": "m", "positionInitialized": 1}},
        {"nodeStates": {"nodeId": "a"}},
        {"errors": [{"errorType": 5, "errorLevel": "WARNING"}]},
        {"timestamp": "yesterday"},
        {"operatingMode": "TELEPORT"},
    ]
    return json.dumps(_state(serial, **rng.choice(changes))).encode()


def _non_finite(rng: random.Random, serial: str) -> bytes:
    text = json.dumps(_state(serial))
    field = rng.choice(['"x": 500.0', '"y": 500.0', '"theta": 0.0', '"batteryCharge": 3.0'])
    name = field.split(":")[0]
    return text.replace(field, f"{name}: {rng.choice(['NaN', 'Infinity', '-Infinity'])}").encode()


class Fuzzer:
    """Publishes hostile messages on the broker and counts what it sent, by the server's reason."""

    def __init__(self, settings: FleetSettings, wire: WireRecorder, serials: list[str]) -> None:
        self.wire = wire
        self.serials = serials
        self.rng = random.Random(SEED)
        self.sent: Counter[str] = Counter()
        host, port = settings.mqtt_url.removeprefix("mqtt://").split(":")
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="fuzzer")
        self.client.connect(host, int(port))
        self.client.loop_start()

    def send(self, reason: str, serial: str, subtopic: Subtopic, payload: bytes, **kw: Any) -> None:
        name = topic(DEFAULT_INTERFACE, kw.get("manufacturer", MANUFACTURER), serial, subtopic)
        # Deliberately bad input: exempt from the wire's schema checks, that exact payload only.
        self.wire.allow_invalid(name, payload)
        # QoS 1: every message reaches the server, so the counts must match exactly.
        self.client.publish(name, payload, qos=1)
        self.sent[reason] += 1

    def run(self) -> None:
        rng = self.rng
        builders = {"malformed": _malformed, "wrong_types": _wrong_types, "non_finite": _non_finite}
        for category, build in builders.items():
            reason = "malformed" if category == "wrong_types" else category
            for _ in range(COUNTS[category]):
                serial = rng.choice(self.serials)
                self.send(reason, serial, Subtopic.STATE, build(rng, serial))
        for _ in range(COUNTS["forged"] // 2):
            # A real robot's topic carrying another real robot's header.
            serial, other = rng.sample(self.serials, 2)
            self.send("header_mismatch", serial, Subtopic.STATE, json.dumps(_state(other)).encode())
            # A real robot's serial number under another manufacturer.
            serial = rng.choice(self.serials)
            body = json.dumps(_state(serial, manufacturer="EvilCorp")).encode()
            self.send("manufacturer", serial, Subtopic.STATE, body, manufacturer="EvilCorp")
        for number in range(COUNTS["unknown"]):
            # Valid messages from serial numbers the fleet never registered.
            ghost = f"ghost-{number:04d}"
            self.send("unregistered", ghost, Subtopic.STATE, json.dumps(_state(ghost)).encode())
        padding = {"padding": "x" * (DEFAULT_MAX_PAYLOAD_BYTES + 10)}
        for _ in range(OVERSIZED):
            serial = rng.choice(self.serials)
            subtopic = rng.choice(INBOUND)
            self.send("oversized", serial, subtopic, json.dumps(_state(serial) | padding).encode())
        for _ in range(300):
            # Garbage on every inbound subtopic, not only state.
            serial = rng.choice(self.serials)
            subtopic = rng.choice(INBOUND[1:])
            self.send("malformed", serial, subtopic, _malformed(rng, serial))
        self.client.publish("uagv/v2/fuzz/done", b"", qos=1).wait_for_publish(timeout=30)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _robots(client: TestClient) -> dict[str, dict[str, Any]]:
    return {r["serial_number"]: r for r in client.get("/api/v1/robots").json()}


def test_thousands_of_hostile_messages_leave_the_fleet_right(
    settings: FleetSettings, wire: WireRecorder
) -> None:
    kinds = [RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE]
    closed = settings.model_copy(update={"auto_register": False})
    with running_server(closed) as client:
        # Only the real robots are registered: every other serial number is refused.
        for serial, kind in zip(("dog-01", "sweeper-01", "guide-01"), kinds, strict=True):
            body = {"serial_number": serial, "manufacturer": MANUFACTURER, "kind": kind.value}
            assert client.post("/api/v1/robots", json=body).status_code == 201
        with sim_fleet(settings.mqtt_url, 3, kinds, speed_factor=1) as fleet:
            _fuzz_the_running_fleet(client, closed, wire, fleet)


def _fuzz_the_running_fleet(
    client: TestClient, settings: FleetSettings, wire: WireRecorder, fleet: ThreadedFleet
) -> None:
    serials = [robot.serial_number for robot in fleet.fleet.robots]
    assert sorted(serials) == ["dog-01", "guide-01", "sweeper-01"]
    wait_until(
        lambda: all(_robots(client).get(s, {}).get("position") for s in serials),
        what="the real robots to report",
    )
    started = utc_now()
    before = client.get("/api/v1/health").json()
    flushes = before["ingest"]["flushes"]
    fuzzer = Fuzzer(settings, wire, serials)
    try:
        fuzzer.run()
    finally:
        fuzzer.stop()
    assert fuzzer.sent.total() > 3000
    # Retained messages an earlier test's robots left on the broker may have been refused too.
    expected = dict(Counter(before["rejections"]) + fuzzer.sent)
    health = wait_until(
        lambda: (h := client.get("/api/v1/health").json())["rejections"] == expected and h,
        timeout=60,
        what=f"every refusal to be counted: {expected}",
    )
    assert health["status"] == "ok" and health["mqtt_connected"]
    assert health["ingest"]["rejected_messages"] == sum(expected.values())
    assert health["ingest"]["backwards_header_ids"] == before["ingest"]["backwards_header_ids"]
    assert health["ingest"]["rows_set_aside"] == 0
    assert health["loop_failures"] == {}
    # The real robots are as they were: where their drivers are, online, nothing forged.
    after = _robots(client)
    assert sorted(after) == sorted(serials)
    for serial in serials:
        pose = fleet.fleet.robot(serial).driver.current_pose()
        robot = after[serial]
        assert robot["online"] and robot["unexpected_order"] is None, robot
        assert abs(robot["position"]["x"] - pose.x) < 1e-6
        assert abs(robot["position"]["y"] - pose.y) < 1e-6
        # The forged states' charge (3 %) was never taken.
        assert robot["battery"] > 50
        assert robot["manufacturer"] == MANUFACTURER
    # No batch was lost: the writer kept writing the real robots' rows and telemetry.
    wait_until(
        lambda: client.get("/api/v1/health").json()["ingest"]["flushes"] > flushes + 2,
        what="further batches",
    )
    fleet_app = client.app.state.fleet  # type: ignore[attr-defined]
    with Session(fleet_app.engine) as session:
        samples = session.exec(
            select(TelemetrySample.serial_number, func.count())
            .where(col(TelemetrySample.time) >= started - timedelta(seconds=1))
            .group_by(col(TelemetrySample.serial_number))
        ).all()
    assert {serial for serial, count in samples if count > 0} == set(serials)
    for row in fleet_app.robot_store.load_robots():
        assert row.last_seen is not None and row.last_seen >= started
