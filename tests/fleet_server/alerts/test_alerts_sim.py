"""Alerts from simulated robots (real agents over real Mosquitto): a battery run low, a robot that
drops offline during its patrol, and an incident the cool-down holds."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.alerts.inbox import alerts, wait_for_alert
from tests.fleet_server.sim_fleet import ready, robot_view, sim_fleet
from tests.waiting import wait_until

ROUTE = ["street-sw", "street-se", "street-ne", "street-nw"]
METRO_EXIT = {"x": 304.0, "y": 3.0}


def _report(client: TestClient) -> dict[str, Any]:
    body = {"type": "street_vending", "site": "longgang-demo", "source": "camera-0417"}
    response = client.post("/api/v1/incidents", json=body | {"location": METRO_EXIT})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_simulated_robot_run_low_raises_one_low_battery_alert(
    client: TestClient, settings: FleetSettings
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.SANITATION, speed_factor=1) as fleet:
        (serial,) = ready(client, fleet)
        fleet.on_driver(serial, lambda driver: driver.set_battery(9.0))
        alert = wait_for_alert(client, "low_battery", robot=serial)
        # More states below the line, still one alert, counted once.
        wait_until(lambda: robot_view(client, serial)["last_seen"] > alert["created_at"])
        time.sleep(1.5)
    (only,) = alerts(client, kind="low_battery")
    assert only["id"] == alert["id"] and only["count"] == 1
    assert only["params"]["robot"] == serial and only["params"]["battery"] <= 9
    assert only["site"] == "longgang-demo"


def test_a_robot_that_drops_offline_mid_patrol_raises_an_alert_naming_the_mission(
    client: TestClient, settings: FleetSettings
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=2) as fleet:
        (serial,) = ready(client, fleet)
        request = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "robot": serial}
        mission = client.post("/api/v1/missions", json=request | {"rounds": 5}).json()
        wait_until(
            lambda: client.get(f"/api/v1/missions/{mission['id']}").json()["status"] == "running",
            what="the patrol to run",
        )
        assert alerts(client, kind="robot_offline") == []
        # The robot falls silent (as a frozen process does) past the offline timeout.
        fleet.loop.call_soon_threadsafe(time.sleep, 4 * settings.offline_timeout_s)
        alert = wait_for_alert(client, "robot_offline", robot=serial)
        # Back in time, it carries on with its patrol.
        wait_until(lambda: robot_view(client, serial)["online"], what="the robot back")
    assert alert["mission_id"] == mission["id"] and alert["severity"] == "high"
    assert alert["params"]["mission"] == mission["id"]
    assert f"during mission {mission['id']}" in alert["message"]


def test_an_incident_held_by_the_cool_down_raises_a_held_alert(
    client: TestClient, settings: FleetSettings
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=100) as fleet:
        ready(client, fleet)
        first = _report(client)
        assert first["status"] == "dispatched"
        second = _report(client)
        assert second["status"] == "open" and second["mission_id"] is None
        held = wait_for_alert(client, "incident_held")
    assert held["incident_id"] == second["id"] and held["severity"] == "medium"
    assert held["params"]["earlier"] == first["id"]
    assert [a["incident_id"] for a in alerts(client, kind="incident_reported")] == [
        second["id"],
        first["id"],
    ]
    assert alerts(client, kind="incident_held", incident=first["id"]) == []
