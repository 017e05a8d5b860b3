"""A checkpoint's arrival time is when the robot got there, not when its order was sent."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.sim_fleet import mission_view, ready, robot_view, sim_fleet
from tests.waiting import wait_until

SPEED = 20
# Where the first patrol ends; the second goes on from there to street-se, 300 m east.
FIRST = ["street-s2", "street-s3", "street-se", "street-e1"]
SECOND = ["street-s3", "street-se"]
SE = (600.0, 0.0)
ANNOUNCE = {"type": "announce", "params": {"text": "请勿占道经营", "language": "zh"}}


def _patrol(client: TestClient, route: list[str], **more: Any) -> int:
    body = {"kind": "patrol", "site": "longgang-demo", "route": route, "rounds": 1} | more
    created = client.post("/api/v1/missions", json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _completed(client: TestClient, mission_id: int) -> dict[str, Any]:
    return wait_until(
        lambda: (m := mission_view(client, mission_id))["status"] == "completed" and m,
        timeout=90,
        what=f"mission {mission_id} to complete",
    )


def test_a_checkpoint_is_reached_when_the_robot_gets_there(
    client: TestClient, settings: FleetSettings
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        [dog] = ready(client, fleet)
        _completed(client, _patrol(client, FIRST))
        # The dog's last node is the 9th of its first order; its next order has 4 nodes.
        second = _patrol(client, SECOND, checkpoints=[{"node": "street-se", "actions": [ANNOUNCE]}])
        far_at = None
        while True:
            asked_at = datetime.now(timezone.utc)
            robot = robot_view(client, dog)
            visit = mission_view(client, second)["results"]["checkpoints"][0]
            if visit["reached_at"] is not None:
                break
            position = robot["position"]
            if math.dist((position["x"], position["y"]), SE) > 5.0:
                far_at = asked_at
        done = _completed(client, second)
    assert far_at is not None, "the checkpoint counted as reached before the dog set off"
    [visit] = done["results"]["checkpoints"]
    reached = datetime.fromisoformat(visit["reached_at"])
    assert reached > far_at, (visit, far_at)
    assert reached > datetime.fromisoformat(done["started_at"])
    logbook = client.get("/api/v1/logbook", params={"kind": "checkpoint"}).json()
    [entry] = [e for e in logbook if e["mission_id"] == second]
    assert entry["details"]["reached_at"] == visit["reached_at"]
    assert datetime.fromisoformat(entry["time"]) >= reached
