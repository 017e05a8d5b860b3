"""A failed step is data: the mission ends with the robot's error, and the server keeps running."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.store import MissionStore
from fleet_server.settings import FleetSettings
from simulation.sim_driver import SimDriver
from tests.databases import engine_at_head
from tests.fleet_server.servers import running_server
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


def _stored_queued_patrol(database_url: str, route: list[str]) -> int:
    """A queued patrol written straight to the database, as an older server (or a site file
    edited since) may have left it: it is not checked against today's site."""
    engine = engine_at_head(database_url)
    try:
        mission = MissionStore(engine).save_mission(
            Mission(kind="patrol", site_id="longgang-demo", route=route, rounds=1, priority=30)
        )
    finally:
        engine.dispose()
    assert mission.id is not None
    return mission.id


def test_a_mission_that_cannot_be_planned_fails_alone_and_dispatch_goes_on(
    settings: FleetSettings, wire: WireRecorder
) -> None:
    broken = _stored_queued_patrol(settings.database_url, ["hall-queue", "no-such-node"])
    with (
        running_server(settings) as client,
        sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=100) as fleet,
    ):
        serial = fleet.fleet.robots[0].serial_number
        failed = wait_until(
            lambda: (m := _mission(client, broken))["status"] == "failed" and m,
            what="the broken mission to be set aside",
        )
        assert failed["reason"].startswith("failed in dispatch:")
        assert "no-such-node" in failed["reason"]
        # The queue is still served: a good mission goes to the robot and completes.
        good = client.post("/api/v1/missions", json=_patrol(1)).json()
        done = wait_until(
            lambda: (m := _mission(client, good["id"]))["status"] == "completed" and m,
            timeout=60,
            what="the good mission to complete",
        )
        assert done["robot"] == serial
        assert client.get("/api/v1/health").json()["loop_failures"] == {"dispatch": 1}
    # After a restart the broken mission stays failed and nothing breaks again.
    with running_server(settings) as client:
        assert _mission(client, broken)["status"] == "failed"
        assert client.get("/api/v1/health").json()["loop_failures"] == {}


def test_a_mission_whose_state_cannot_be_followed_fails_alone(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 2, RobotKind.PATROL_DOG, speed_factor=20) as fleet:
        first, second = (robot.serial_number for robot in fleet.fleet.robots)
        for serial in (first, second):
            wait_until(
                lambda s=serial: client.get(f"/api/v1/robots/{s}").json().get("position"),
                what=f"{serial} to report",
            )
        street = {"route": ["street-sw", "street-se", "street-ne", "street-nw"], "robot": first}
        doomed = client.post("/api/v1/missions", json=_patrol(3) | street).json()
        healthy = client.post("/api/v1/missions", json=_patrol(1, robot=second)).json()
        wait_until(
            lambda: _mission(client, doomed["id"])["status"] == "running",
            what="the first patrol to run",
        )
        # The in-memory record of the first mission's visits is broken (as a bug might leave
        # it): following its robot's next state raises.
        missions = client.app.state.fleet.missions  # type: ignore[attr-defined]
        missions._unfinished[doomed["id"]].results = {"checkpoints": "not a list of visits"}
        failed = wait_until(
            lambda: (m := _mission(client, doomed["id"]))["status"] == "failed" and m,
            what="the broken mission to be set aside",
        )
        assert failed["reason"].startswith("failed in mission tracking:")
        stopped = wait_until(
            lambda: (r := client.get(f"/api/v1/robots/{first}").json())["status"] == "idle" and r,
            what="its robot to be stopped and freed",
        )
        assert stopped["mission_id"] is None
        # The other robot's patrol is followed to its end.
        wait_until(
            lambda: _mission(client, healthy["id"])["status"] == "completed",
            timeout=60,
            what="the other patrol to complete",
        )
        assert client.get("/api/v1/health").json()["loop_failures"] == {"mission tracking": 1}
