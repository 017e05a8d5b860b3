"""Work longer than a charge, done in legs by simulated robots through the server: the mission
pauses at its floor or leg end, its robot charges at a free dock, and it resumes where it stopped
(or a charged idle robot takes the rest over) as one mission."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from simulation.energy import EnergyFigures
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import ready as _ready
from tests.fleet_server.sim_fleet import robot_view as _robot
from tests.waiting import wait_until
from tests.wire import WireRecorder

# An out-and-back street patrol of about 900 m a round, checkpoints at its turning points.
STREET = ["street-sw", "street-s1", "street-s2", "street-s3"]
PHOTO = {"type": "capturePhoto", "params": {"direction": "front"}}
SPEED = 50
# Docks charge 5 % a minute (sim time), so a charging leg takes seconds at the test's speed.
CHARGE_RATE = 300.0


@pytest.fixture
def legs_settings(settings: FleetSettings) -> FleetSettings:
    """The server's figures near the simulated robots' (until they are learned)."""
    return settings.model_copy(
        update={"battery_percent_per_km": 6.0, "energy_charge_percent_per_min": 5.0}
    )


@pytest.fixture
def legs_client(legs_settings: FleetSettings) -> Iterator[TestClient]:
    with running_server(legs_settings) as test_client:
        yield test_client


def _battery(client: TestClient, fleet: ThreadedFleet, serial: str, level: float) -> None:
    fleet.on_driver(serial, lambda d: d.set_battery(level))
    wait_until(
        lambda: abs((_robot(client, serial)["battery"] or -1.0) - level) < 0.6,
        what=f"{serial} at {level} %",
    )


def _follow(client: TestClient, mission_id: int, timeout: float = 90) -> list[dict[str, Any]]:
    """Every distinct view of the mission (status, reason, robot) until it ends."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mission = _mission(client, mission_id)
        view = (mission["status"], mission["reason"], mission["robot"])
        if not seen or (seen[-1]["status"], seen[-1]["reason"], seen[-1]["robot"]) != view:
            seen.append(mission)
        if mission["status"] in ("completed", "failed", "cancelled"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"mission {mission_id} did not end: {[m['reason'] for m in seen]}")


def _charging_views(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in views if v["status"] == "charging" and "charging at dock" in v["reason"]]


def test_a_two_round_patrol_longer_than_the_charge_completes_after_charging(
    legs_client: TestClient, legs_settings: FleetSettings, wire: WireRecorder
) -> None:
    client = legs_client
    with sim_fleet(legs_settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED, CHARGE_RATE) as fleet:
        dog = _ready(client, fleet)[0]
        _battery(client, fleet, dog, 28.0)
        body = {
            "kind": "patrol",
            "site": "longgang-demo",
            "route": STREET,
            "pattern": "out_and_back",
            "rounds": 2,
            "battery_floor": 20,
            "checkpoints": [
                {"node": "street-s1", "actions": [PHOTO]},
                {"node": "street-s3", "actions": [PHOTO]},
            ],
        }
        created = client.post("/api/v1/missions", json=body)
        assert created.status_code == 201, created.text
        mission = created.json()
        assert mission["robot"] == dog
        views = _follow(client, mission["id"])
    done = views[-1]
    assert done["status"] == "completed", done["reason"]
    assert done["id"] == mission["id"] and done["robot"] == dog
    charging = _charging_views(views)
    assert charging, [v["reason"] for v in views]
    assert "resumes about" in charging[0]["reason"]
    legs = done["results"]["charging_legs"]
    assert len(legs) >= 1 and legs[0]["robot"] == dog
    assert all(leg["charged_to_percent"] >= leg["target_percent"] - 1 for leg in legs)
    # Every checkpoint visited once a round, its photo taken: out and back passes street-s1
    # twice a round (out and on the way back), street-s3 once.
    visits = [(v["node"], v["round"]) for v in done["results"]["checkpoints"]]
    once_a_round = [(n, r) for r in (1, 2) for n in ("street-s1", "street-s1", "street-s3")]
    assert sorted(visits) == sorted(once_a_round)
    assert all(v["actions"][0]["status"] == "FINISHED" for v in done["results"]["checkpoints"])
    orders = {m.json()["orderId"] for m in wire.messages if m.subtopic == "order"}
    assert any("-charge1-" in o for o in orders)
    assert all(o.startswith(f"mission-{mission['id']}-") for o in orders)


def test_a_clean_bigger_than_the_charge_covers_its_zone_in_one_report(
    legs_settings: FleetSettings, wire: WireRecorder
) -> None:
    # A thirsty sweeper: about 41 % a km with its deck down (the server is told 40).
    sweeping = legs_settings.model_copy(update={"battery_percent_per_km": 40.0})
    with running_server(sweeping) as client:
        _clean_in_legs(client, sweeping)


def _clean_in_legs(client: TestClient, legs_settings: FleetSettings) -> None:
    thirsty = EnergyFigures(
        drive_per_km=10.0, idle_per_min=0.05, charge_per_min=5.0, work_per_min={"clean": 1.5}
    )
    with sim_fleet(
        legs_settings.mqtt_url, 1, RobotKind.SANITATION, 4 * SPEED, energy={"sweeper-01": thirsty}
    ) as fleet:
        sweeper = _ready(client, fleet)[0]
        _battery(client, fleet, sweeper, 60.0)
        body = {
            "kind": "clean",
            "site": "longgang-demo",
            "zone": "longcheng-square",
            # About 2.4 km of lanes: more than this sweeper's full charge.
            "width": 5,
            "battery_floor": 25,
        }
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["robot"] == sweeper
        views = _follow(client, mission["id"])
    done = views[-1]
    assert done["status"] == "completed", done["reason"]
    assert _charging_views(views), [v["reason"] for v in views]
    assert len(done["results"]["charging_legs"]) >= 1
    coverage = done["results"]["coverage"]
    assert coverage["zone"] == "longcheng-square"
    assert coverage["covered_percent"] > 90.0
    assert abs(coverage["covered_percent"] - coverage["planned_percent"]) <= 3.0


def test_a_service_run_reaching_its_floor_charges_instead_of_failing(
    legs_client: TestClient, legs_settings: FleetSettings, wire: WireRecorder
) -> None:
    client = legs_client
    with sim_fleet(legs_settings.mqtt_url, 1, RobotKind.SERVICE, SPEED, CHARGE_RATE) as fleet:
        guide = _ready(client, fleet)[0]
        _battery(client, fleet, guide, 20.5)
        body = {
            "kind": "service",
            "site": "longgang-demo",
            "mode": "deliver",
            "origin": "hall-reception",
            "destination": "hall-desk-5",
            "destination_actions": [{"type": "handover", "params": {"recipient": "窗口"}}],
            "battery_floor": 20,
        }
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["robot"] == guide
        views = _follow(client, mission["id"])
    done = views[-1]
    assert done["status"] == "completed", done["reason"]
    charging = _charging_views(views)
    assert charging, [v["reason"] for v in views]
    leg = done["results"]["charging_legs"][0]
    assert f"charging at dock {leg['dock']}" in charging[0]["reason"]
    destination = done["results"]["checkpoints"][0]
    assert destination["node"] == "hall-desk-5"
    assert destination["actions"][0]["status"] == "FINISHED"


def test_the_rest_is_handed_to_a_charged_idle_robot_that_finishes_sooner(
    legs_settings: FleetSettings, wire: WireRecorder
) -> None:
    # The server expects slow chargers (half a percent a minute, its prior before it has seen a
    # robot charge): charging is the slower way.
    slow = legs_settings.model_copy(update={"energy_charge_percent_per_min": 0.5})
    with running_server(slow) as client:
        _hand_over(client, slow)


def _hand_over(client: TestClient, legs_settings: FleetSettings) -> None:
    with sim_fleet(legs_settings.mqtt_url, 2, RobotKind.PATROL_DOG, SPEED, CHARGE_RATE) as fleet:
        first, second = _ready(client, fleet)
        _battery(client, fleet, second, 5.0)  # too low to be chosen first
        _battery(client, fleet, first, 28.0)
        body = {
            "kind": "patrol",
            "site": "longgang-demo",
            "route": STREET,
            "pattern": "out_and_back",
            "rounds": 2,
            "battery_floor": 20,
            "checkpoints": [{"node": "street-s3", "actions": [PHOTO]}],
        }
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["robot"] == first
        _battery(client, fleet, second, 100.0)
        views = _follow(client, mission["id"])
    done = views[-1]
    assert done["status"] == "completed", done["reason"]
    assert done["robot"] == second
    handed = [v for v in views if (v["reason"] or "").startswith(f"handed over to {second}")]
    assert handed, [v["reason"] for v in views]
    assert f"sooner than charging {first}" in handed[0]["reason"]
    (handover,) = done["results"]["handovers"]
    assert handover["from"] == first and handover["to"] == second and handover["sooner_min"] > 1
    rounds = sorted(v["round"] for v in done["results"]["checkpoints"])
    assert rounds == [1, 2]
    assert all(v["actions"][0]["status"] == "FINISHED" for v in done["results"]["checkpoints"])
    charging = client.get("/api/v1/missions", params={"robot": first}).json()
    docks = [m for m in charging if m["kind"] == "dock"]
    assert docks and docks[0]["definition"]["charging_for"] == mission["id"]


def test_a_response_reaching_its_floor_charges_and_still_answers_the_incident(
    legs_client: TestClient, legs_settings: FleetSettings, wire: WireRecorder
) -> None:
    client = legs_client
    with sim_fleet(legs_settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED, CHARGE_RATE) as fleet:
        dog = _ready(client, fleet)[0]
        # Just above the server's floor of 20 %: the way to the stall takes it below.
        _battery(client, fleet, dog, 20.6)
        report = {
            "type": "street_vending",
            "site": "longgang-demo",
            "source": "camera-0417",
            "node": "street-s2",
        }
        reported = client.post("/api/v1/incidents", json=report)
        assert reported.status_code == 201, reported.text
        incident = reported.json()
        assert incident["robot"] == dog
        views = _follow(client, incident["mission_id"])
        resolved = wait_until(
            lambda: (
                (i := client.get(f"/api/v1/incidents/{incident['id']}").json())["status"]
                in ("awaiting_confirmation", "resolved", "escalated")
                and i
            ),
            what="the robot to answer the incident",
        )
    done = views[-1]
    assert done["kind"] == "respond"
    assert done["status"] == "completed", done["reason"]
    assert _charging_views(views), [v["reason"] for v in views]
    # The leg planned for its charge ends (or the floor is reached) on the way: it charges.
    leg = done["results"]["charging_legs"][0]
    assert leg["robot"] == dog and leg["charged_to_percent"] > 20
    assert resolved["status"] == "awaiting_confirmation", resolved["reason"]
    actions = done["results"]["checkpoints"][0]["actions"]
    assert all(a["status"] == "FINISHED" for a in actions)
