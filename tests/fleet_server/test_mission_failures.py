"""A failed step is data: the mission ends with the robot's error, and the server keeps running."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from simulation.sim_driver import SimDriver
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]


def _patrol(rounds: int, **more: Any) -> dict[str, Any]:
    return {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": rounds} | more


def _mission(client: TestClient, mission_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/missions/{mission_id}").json())


def _failed_patrol(
    client: TestClient, fleet: ThreadedFleet, inject: Callable[[SimDriver], object], rounds: int
) -> tuple[str, dict[str, Any]]:
    """Inject a failure into the robot, send it a patrol, and wait for the mission to fail."""
    serial = fleet.fleet.robots[0].serial_number
    wait_until(
        lambda: client.get(f"/api/v1/robots/{serial}").json().get("position"),
        what="the robot to report",
    )
    fleet.on_driver(serial, inject)
    mission = client.post("/api/v1/missions", json=_patrol(rounds)).json()
    failed = wait_until(
        lambda: (m := _mission(client, mission["id"]))["status"] == "failed" and m,
        timeout=60,
        what="the mission to fail",
    )
    return serial, failed


def test_fatal_error_fails_the_mission_with_the_error_shown(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=100) as fleet:
        serial, failed = _failed_patrol(
            client,
            fleet,
            lambda driver: driver.fail_next_navigation(
                "motorFault", "left drive motor over temperature", fatal=True, after_poses=2
            ),
            rounds=3,
        )
        assert "FATAL" in failed["reason"]
        assert "left drive motor over temperature" in failed["reason"]
        assert any(e["level"] == "FATAL" for e in failed["errors"])
        robot = client.get(f"/api/v1/robots/{serial}").json()
        assert robot["mission_id"] is None
        assert any(e["level"] == "FATAL" for e in robot["errors"])
        # The server goes on serving and sends no work to the broken robot.
        again = client.post("/api/v1/missions", json=_patrol(3, robot=serial)).json()
        assert again["status"] == "queued"


def test_navigation_failure_aborts_the_order_and_fails_the_mission(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=100) as fleet:
        serial, failed = _failed_patrol(
            client,
            fleet,
            lambda driver: driver.fail_next_navigation(
                "pathBlocked", "a parked van blocks the aisle", after_poses=1
            ),
            rounds=1,
        )
        assert failed["reason"] == (
            "robot aborted the order (pathBlocked: a parked van blocks the aisle)"
        )
        robot = client.get(f"/api/v1/robots/{serial}").json()
        assert robot["mission_id"] is None and not robot["driving"]
        # A WARNING leaves the robot usable: the next mission is assigned to it at once.
        again = client.post("/api/v1/missions", json=_patrol(1)).json()
        assert again["status"] == "assigned" and again["robot"] == serial
        wait_until(
            lambda: _mission(client, again["id"])["status"] == "completed",
            timeout=60,
            what="the next mission to complete",
        )
