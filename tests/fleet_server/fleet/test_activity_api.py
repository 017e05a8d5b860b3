"""A simulated robot's day through the real server: online, active, distance, missions."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.missions.models.requests import patrol_route
from fleet_server.missions.planning import plan_patrol
from fleet_server.settings import DEFAULT_SITES_DIR, FleetSettings
from fleet_server.sites.routing import RouteGraph
from fleet_server.sites.sites import load_site_file
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
# Fast enough for a short test, slow enough to stay a plausible speed (dog: 1.5 m/s x 20).
SPEED = 20


def _planned_length(start_node: str) -> float:
    """The length of the patrol's plan: from the robot's node along the route, one loop."""
    graph = RouteGraph(load_site_file(DEFAULT_SITES_DIR / "longgang-demo.yaml"))
    return plan_patrol(graph, start_node, patrol_route(ROUTE, "loop"), 1).length_m


def _activity(client: TestClient, serial: str, since: date, until: date) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/v1/robots/{serial}/activity", params={"since": str(since), "until": str(until)}
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def test_a_patrol_shows_in_the_robots_activity_for_the_day(
    client: TestClient, settings: FleetSettings
) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    # A day either side, in case the test runs across local midnight.
    since, until = today - timedelta(days=1), today + timedelta(days=1)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        serial, start_node = fleet.fleet.robots[0].serial_number, fleet.fleet.robots[0].start_node
        wait_until(
            lambda: client.get(f"/api/v1/robots/{serial}").json().get("position"),
            what="the dog's position",
        )
        body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 1}
        mission = client.post("/api/v1/missions", json=body).json()
        done = wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission['id']}").json())["status"]
                in ("completed", "failed", "cancelled")
                and m
            ),
            timeout=90,
            what="the patrol to end",
        )
        assert isinstance(done, dict) and done["status"] == "completed", done
        days = wait_until(
            lambda: (
                (d := _activity(client, serial, since, until))
                and sum(day["missions_completed"] for day in d) == 1
                and d
            ),
            what="the completed patrol in the activity",
        )
    assert [day["day"] for day in days] == sorted(day["day"] for day in days)
    # Every day is the site's, also the seconds between a robot coming online and saying where
    # it is (these once made a row of their own dated by UTC, with no site).
    assert days and all(day["site_id"] == "longgang-demo" for day in days), json.dumps(days)
    online = sum(day["seconds_online"] for day in days)
    active = sum(day["seconds_active"] for day in days)
    distance = sum(day["distance_m"] for day in days)
    inside = sum(day["zone_seconds"].get("longgang-geofence", 0) for day in days)
    assert 0 < active <= online
    assert 0 < inside <= online
    assert distance == pytest.approx(_planned_length(start_node), rel=0.1)


def test_activity_of_an_unknown_robot_or_backwards_range_is_refused(client: TestClient) -> None:
    missing = client.get("/api/v1/robots/nobody/activity")
    assert missing.status_code == 404
    client.post("/api/v1/robots", json={"serial_number": "dog-99", "manufacturer": "acme"})
    backwards = client.get(
        "/api/v1/robots/dog-99/activity", params={"since": "2024-05-02", "until": "2024-05-01"}
    )
    assert backwards.status_code == 422
    assert "since" in backwards.text
    assert client.get("/api/v1/robots/dog-99/activity").json() == []
