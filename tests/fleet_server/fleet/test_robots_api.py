"""A robot's current mission paused, resumed and cancelled through the robot, by its serial;
its recent track."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
# Slow enough that 20 rounds outlast the test, fast enough to set off at once.
SPEED = 20
VERBS = ("pause", "resume", "cancel")


def _robot(client: TestClient, serial: str) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/robots/{serial}").json())


def _becomes(client: TestClient, mission_id: int, status: str) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission_id}").json())["status"] == status and m
            ),
            what=f"mission {mission_id} to be {status}",
        )
    )


def _track(client: TestClient, serial: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/robots/{serial}/track", params={"minutes": 10})
    assert response.status_code == 200, response.text
    return list(response.json())


def _places(client: TestClient, serial: str, places: int) -> list[dict[str, Any]] | None:
    """The robot's track once it holds this many different places."""
    track = _track(client, serial)
    return track if len({(p["x"], p["y"]) for p in track}) >= places else None


def _no_current_mission(client: TestClient, serial: str) -> None:
    for verb in VERBS:
        refused = client.post(f"/api/v1/robots/{serial}/{verb}")
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"] == f"robot {serial} has no current mission to {verb}"


def test_pause_resume_and_cancel_act_on_the_robots_current_mission(
    client: TestClient, settings: FleetSettings
) -> None:
    assert client.post("/api/v1/robots/ghost/pause").status_code == 404
    assert client.get("/api/v1/robots/ghost/track").status_code == 404
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        serial = fleet.fleet.robots[0].serial_number
        wait_until(lambda: _robot(client, serial).get("position"), what="the dog's position")
        _no_current_mission(client, serial)

        body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 20}
        created = client.post("/api/v1/missions", json=body | {"robot": serial}).json()
        _becomes(client, created["id"], "running")
        # Its recent path, from the telemetry history, as the console draws it.
        track = wait_until(lambda: _places(client, serial, 3), what="three places on its track")
        assert [p["time"] for p in track] == sorted(p["time"] for p in track)
        assert {p["map_id"] for p in track} == {_robot(client, serial)["position"]["map_id"]}
        refused = client.get(f"/api/v1/robots/{serial}/track", params={"minutes": 0})
        assert refused.status_code == 422 and "minutes" in refused.text

        paused = client.post(f"/api/v1/robots/{serial}/pause")
        assert paused.status_code == 200, paused.text
        assert paused.json()["id"] == created["id"] and paused.json()["robot"] == serial
        _becomes(client, created["id"], "paused")
        wait_until(lambda: _robot(client, serial)["paused"], what="the dog to report paused")

        assert client.post(f"/api/v1/robots/{serial}/resume").status_code == 200
        _becomes(client, created["id"], "running")

        assert client.post(f"/api/v1/robots/{serial}/cancel").json()["id"] == created["id"]
        cancelled = _becomes(client, created["id"], "cancelled")
        assert cancelled["reason"] == "cancelled by operator"
        wait_until(lambda: _robot(client, serial)["mission_id"] is None, what="the dog freed")
        _no_current_mission(client, serial)
