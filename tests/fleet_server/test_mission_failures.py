"""A failed step is data: the mission ends with the robot's error, and the server keeps running."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.conftest import wait_until
from tests.fleet_server.sim_fleet import sim_fleet
from tests.wire import WireRecorder

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]


def test_fatal_error_fails_the_mission_with_the_error_shown(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=40) as fleet:
        serial = fleet.fleet.robots[0].serial_number
        wait_until(
            lambda: client.get(f"/api/v1/robots/{serial}").json().get("position"),
            what="the robot to report",
        )
        fleet.on_driver(
            serial,
            lambda driver: driver.fail_next_navigation(
                "motorFault", "left drive motor over temperature", fatal=True, after_poses=2
            ),
        )
        body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 3}
        mission = client.post("/api/v1/missions", json=body).json()
        failed = wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission['id']}").json())["status"] == "failed"
                and m
            ),
            timeout=60,
            what="the mission to fail",
        )
        assert "FATAL" in failed["reason"]
        assert "left drive motor over temperature" in failed["reason"]
        assert any(e["level"] == "FATAL" for e in failed["errors"])
        robot = client.get(f"/api/v1/robots/{serial}").json()
        assert robot["mission_id"] is None
        assert any(e["level"] == "FATAL" for e in robot["errors"])
        # The server goes on serving and refuses to send work to the broken robot.
        again = client.post("/api/v1/missions", json=body | {"robot": serial}).json()
        assert again["status"] == "queued"


def test_navigation_failure_aborts_the_order_and_fails_the_mission(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=40) as fleet:
        serial = fleet.fleet.robots[0].serial_number
        wait_until(
            lambda: client.get(f"/api/v1/robots/{serial}").json().get("position"),
            what="the robot to report",
        )
        fleet.on_driver(
            serial,
            lambda driver: driver.fail_next_navigation(
                "pathBlocked", "a parked van blocks the aisle", after_poses=1
            ),
        )
        body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 1}
        mission = client.post("/api/v1/missions", json=body).json()
        failed = wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission['id']}").json())["status"] == "failed"
                and m
            ),
            timeout=60,
            what="the mission to fail",
        )
        assert (
            failed["reason"]
            == "robot aborted the order (pathBlocked: a parked van blocks the aisle)"
        )
        robot = client.get(f"/api/v1/robots/{serial}").json()
        assert robot["mission_id"] is None and not robot["driving"]
        # A WARNING leaves the robot usable: the next mission is assigned to it at once.
        again = client.post("/api/v1/missions", json=body).json()
        assert again["status"] == "assigned" and again["robot"] == serial
        wait_until(
            lambda: client.get(f"/api/v1/missions/{again['id']}").json()["status"] == "completed",
            timeout=60,
            what="the next mission to complete",
        )
