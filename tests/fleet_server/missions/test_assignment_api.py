"""A mission's assignment through the API: the robot chosen, its predicted time and charge, and
the runners-up with why each lost; waiting missions matched together when robots free up."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.connection import ConnectionState
from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import Subtopic
from fleet_server.settings import FleetSettings
from tests import vehicles
from tests.waiting import wait_until
from tests.wire import WireRecorder

SITE = "longgang-demo"
# The demo site's nodes these tests place robots on (metres).
NODES = {
    "street-sw": (0.0, 0.0),
    "street-s1": (150.0, 0.0),
    "street-s2": (300.0, 0.0),
    "street-se": (600.0, 0.0),
    "uc-a2": (1025.0, 150.0),
}


@pytest.fixture
def settings(settings: FleetSettings) -> FleetSettings:
    """Robots stay online through the test; dispatch passes come seconds apart, so robots that
    report charge together are matched in one pass."""
    return settings.model_copy(update={"offline_timeout_s": 120.0, "offline_check_interval_s": 3.0})


def _online(
    client: TestClient,
    wire: WireRecorder,
    serial: str,
    node: str,
    *,
    kind: RobotKind = RobotKind.PATROL_DOG,
    battery: float = 80.0,
) -> None:
    x, y = NODES[node]
    vehicles.announce(wire, serial, kind=kind, x=x, y=y, map_id=SITE, battery=battery)
    wait_until(
        lambda: client.get(f"/api/v1/robots/{serial}").json().get("battery") == battery,
        what=f"{serial} to report its position and charge",
    )


def _patrol(route: list[str], **more: object) -> dict:
    return {"kind": "patrol", "site": SITE, "route": route, "rounds": 1} | more


def test_the_assignment_names_the_robot_its_prediction_and_why_the_others_lost(
    client: TestClient, wire: WireRecorder
) -> None:
    _online(client, wire, "dog-busy", "street-s1")
    busy = client.post("/api/v1/missions", json=_patrol(["street-n1", "street-n2"])).json()
    assert busy["robot"] == "dog-busy"
    _online(client, wire, "dog-near", "street-sw")
    _online(client, wire, "dog-far", "street-se")
    _online(client, wire, "dog-flat", "street-s1", battery=5.0)
    _online(client, wire, "sweeper", "street-s2", kind=RobotKind.SANITATION)
    _online(client, wire, "dog-gone", "street-s2")
    wire.publish(
        vehicles.topic_of("dog-gone", Subtopic.CONNECTION),
        vehicles.connection("dog-gone", ConnectionState.OFFLINE),
        qos=1,
        retain=True,
    )
    wait_until(lambda: not client.get("/api/v1/robots/dog-gone").json()["online"], what="offline")

    announce = [{"type": "announce", "params": {"text": "请勿占道经营", "language": "zh"}}]
    body = _patrol(
        ["street-s1", "street-s2"], checkpoints=[{"node": "street-s2", "actions": announce}]
    )
    created = client.post("/api/v1/missions", json=body).json()
    assert created["robot"] == "dog-near"

    shown = client.get(f"/api/v1/missions/{created['id']}").json()
    assignment = shown["assignment"]
    assert shown["assignments"] == [assignment]
    assert assignment["robot"] == "dog-near" and assignment["method"] == "nearest"
    assert assignment["distance_m"] == pytest.approx(150.0)
    # The test vehicles' factsheets say 1.5 m/s.
    assert assignment["predicted_s"] == pytest.approx(100.0)
    assert assignment["charge"] == 80.0
    assert 10.0 < assignment["charge_needed"] < 80.0
    reasons = {r["robot"]: r["reason"] for r in assignment["runners_up"]}
    assert reasons == {
        "dog-busy": f"busy on mission {busy['id']}",
        "dog-flat": reasons["dog-flat"],
        "sweeper": "incapable: lacks action announce",
        "dog-gone": "offline",
        "dog-far": "farther: 300 m / 200 s more",
    }
    assert reasons["dog-flat"].startswith("too little charge: has 5 %, needs ")
    codes = {r["robot"]: r["code"] for r in assignment["runners_up"]}
    assert codes == {
        "dog-busy": "busy",
        "dog-flat": "charge",
        "sweeper": "incapable",
        "dog-gone": "offline",
        "dog-far": "farther",
    }
    # Nearest first: the robots on the mission's first node, then the farther ones.
    assert [r["robot"] for r in assignment["runners_up"]][-1] == "dog-far"
    far = next(r for r in assignment["runners_up"] if r["robot"] == "dog-far")
    assert far["distance_m"] == pytest.approx(450.0) and far["predicted_s"] == pytest.approx(300)

    listed = client.get("/api/v1/missions").json()
    assert "assignment" not in listed[0], "the list stays one query"
    # Work longer than any battery is done in legs (missions.legs): the free robot with charge
    # for a first leg takes it, and dog-flat is still too low to start one.
    endless = client.post("/api/v1/missions", json=body | {"rounds": 300}).json()
    shown = client.get(f"/api/v1/missions/{endless['id']}").json()
    assert shown["robot"] == "dog-far"
    flat = {r["robot"]: r for r in shown["assignment"]["runners_up"]}["dog-flat"]
    assert flat["code"] == "charge"


def test_robots_freeing_up_together_are_matched_jointly_and_the_record_says_why(
    client: TestClient, wire: WireRecorder
) -> None:
    # dog-01 (uc-a2) is about 300 m from the forecourt patrol and 426 m from the street one;
    # dog-02 (street-s2) is 430 m from the street patrol but about 1.2 km from the forecourt.
    _online(client, wire, "dog-01", "uc-a2", battery=10.0)
    _online(client, wire, "dog-02", "street-s2", battery=10.0)
    street = client.post("/api/v1/missions", json=_patrol(["street-e1", "street-e2"])).json()
    forecourt = client.post("/api/v1/missions", json=_patrol(["uc-b5", "uc-b4"])).json()
    assert street["status"] == forecourt["status"] == "queued"
    assert "enough charge" in street["reason"]

    # Both robots charged while the fleet is held, so one dispatch pass sees them both free
    # (on a busy machine their two states may otherwise reach two passes).
    assert client.post("/api/v1/fleet/pause").status_code == 200
    for serial in ("dog-02", "dog-01"):
        x, y = NODES["uc-a2" if serial == "dog-01" else "street-s2"]
        wire.publish(
            vehicles.topic_of(serial, Subtopic.STATE),
            vehicles.state(serial, x=x, y=y, map_id=SITE, battery=90.0),
        )
    for serial in ("dog-02", "dog-01"):
        wait_until(
            lambda s=serial: client.get(f"/api/v1/robots/{s}").json()["battery"] == 90.0,
            what=f"{serial} charged",
        )
    assert client.post("/api/v1/fleet/resume").status_code == 200
    assigned = wait_until(
        lambda: all(
            client.get(f"/api/v1/missions/{m['id']}").json()["robot"] for m in (street, forecourt)
        ),
        what="both patrols to be assigned",
    )
    assert assigned
    street_shown = client.get(f"/api/v1/missions/{street['id']}").json()
    forecourt_shown = client.get(f"/api/v1/missions/{forecourt['id']}").json()
    assert forecourt_shown["robot"] == "dog-01", "the near robot, not the one 1.2 km away"
    assert street_shown["robot"] == "dog-02"
    near = forecourt_shown["assignment"]
    assert near["method"] == "joint" and 280 < near["distance_m"] < 320
    lost = {r["robot"]: r["reason"] for r in near["runners_up"]}
    assert lost["dog-02"].startswith("farther: 8")
    taken = {r["robot"]: r["reason"] for r in street_shown["assignment"]["runners_up"]}
    assert taken["dog-01"] == f"taken by mission {forecourt['id']} in the joint assignment"
