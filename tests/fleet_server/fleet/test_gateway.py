"""The gateway's inbound side over a real broker: tolerant of vendor fields, strict about meaning,
every refusal counted by reason in GET /health."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.connection import ConnectionState
from fleet_protocol.topics import Subtopic
from fleet_server.fleet.gateway import DEFAULT_MAX_PAYLOAD_BYTES
from tests import vehicles
from tests.waiting import wait_until
from tests.wire import WireRecorder


def _robot(client: TestClient, serial: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/robots/{serial}")
    return dict(response.json()) if response.status_code == 200 else {}


def _x(client: TestClient, serial: str) -> float | None:
    position = _robot(client, serial).get("position")
    return None if position is None else float(position["x"])


def _health(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/api/v1/health").json())


def _with(payload: bytes, **extra: Any) -> bytes:
    """A message with extra top-level keys."""
    return json.dumps(json.loads(payload) | extra).encode()


def test_a_vehicle_with_vendor_fields_joins_the_fleet(
    client: TestClient, wire: WireRecorder
) -> None:
    """Spec section 4: vendors may add fields; the official schemas allow them."""
    serial = "vendor-1"
    online = _with(
        vehicles.connection(serial, ConnectionState.ONLINE), vendorReason="power on", site=7
    )
    state = json.loads(vehicles.state(serial, x=4.0, y=3.0, battery=61.0))
    state["temperatureC"] = 41.5
    state["batteryState"]["cellVoltages"] = [3.61, 3.62]
    state["agvPosition"]["floor"] = "B1"
    wire.publish(vehicles.topic_of(serial, Subtopic.CONNECTION), online)
    wire.publish(vehicles.topic_of(serial, Subtopic.STATE), json.dumps(state))
    robot = wait_until(
        lambda: (r := _robot(client, serial)).get("position") and r, what="the vehicle to join"
    )
    assert robot["online"] is True
    assert robot["battery"] == 61.0
    assert robot["position"]["x"] == 4.0 and robot["position"]["y"] == 3.0
    assert _health(client)["rejections"] == {}


def test_refusals_are_counted_by_reason_and_add_up(client: TestClient, wire: WireRecorder) -> None:
    serial = "counted-1"
    vehicles.announce(wire, serial, x=1.0, y=1.0)
    wait_until(lambda: _robot(client, serial).get("position"), what="the robot to report")
    state_topic = vehicles.topic_of(serial, Subtopic.STATE)
    good = vehicles.state(serial, x=2.0, y=2.0)
    sent = {
        "malformed": [b"{not json", b"[]", _with(good, batteryState="full")],
        "non_finite": [
            good.replace(b'"y":2.0', b'"y":NaN'),
            good.replace(b'"x":2.0', b'"x":Infinity'),
            good.replace(b'"batteryCharge":80.0', b'"batteryCharge":-Infinity'),
        ],
        "oversized": [_with(good, padding="x" * (DEFAULT_MAX_PAYLOAD_BYTES + 1))],
        "header_mismatch": [vehicles.state("someone-else", x=9.0, y=9.0)],
    }
    for reason, payloads in sent.items():
        for payload in payloads:
            assert payload != good, reason
            wire.inject(state_topic, payload)
    expected = {reason: len(payloads) for reason, payloads in sent.items()}
    health = wait_until(
        lambda: (h := _health(client))["rejections"] == expected and h,
        what=f"the refusals to be counted as {expected}",
    )
    assert health["ingest"]["rejected_messages"] == sum(expected.values())
    # None of them moved the robot; a good state still does.
    assert _x(client, serial) == 1.0
    wire.publish(state_topic, good)
    wait_until(lambda: _x(client, serial) == 2.0, what="the good state")


def test_a_header_naming_another_robot_changes_neither(
    client: TestClient, wire: WireRecorder
) -> None:
    vehicles.announce(wire, "honest-1", x=1.0, y=1.0)
    vehicles.announce(wire, "honest-2", x=5.0, y=5.0)
    wait_until(lambda: _robot(client, "honest-2").get("position"), what="both robots")
    forged = vehicles.state("honest-2", x=50.0, y=50.0)
    wire.publish(vehicles.topic_of("honest-1", Subtopic.STATE), forged)
    wait_until(
        lambda: _health(client)["rejections"].get("header_mismatch") == 1,
        what="the forged state to be refused",
    )
    assert _x(client, "honest-1") == 1.0
    assert _x(client, "honest-2") == 5.0


def test_header_ids_going_backwards_are_counted_but_a_new_session_may_restart(
    client: TestClient, wire: WireRecorder
) -> None:
    serial = "ids-1"
    topic = vehicles.topic_of(serial, Subtopic.STATE)
    vehicles.announce(wire, serial)
    for header_id, x in ((5, 1.0), (6, 2.0), (3, 3.0)):
        wire.publish(topic, vehicles.state(serial, x=x, header_id=header_id))
    wait_until(lambda: _x(client, serial) == 3.0, what="all three states")
    assert _health(client)["ingest"]["backwards_header_ids"] == 1
    # The vehicle restarts: ONLINE, then its header ids start again at 0.
    online = vehicles.connection(serial, ConnectionState.ONLINE, header_id=0)
    wire.publish(vehicles.topic_of(serial, Subtopic.CONNECTION), online)
    wire.publish(topic, vehicles.state(serial, x=4.0, header_id=0))
    wait_until(lambda: _x(client, serial) == 4.0, what="the new session")
    assert _health(client)["ingest"]["backwards_header_ids"] == 1
