"""End to end: server, Mosquitto and simulated agents as separate processes, driven over REST.

Every MQTT message on the wire is checked against the official VDA 5050 v2.1.0 schemas.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fleet_protocol.site import Site
from fleet_protocol.topics import Subtopic
from fleet_server.sites.routing import RouteGraph
from tests.broker import MosquittoBroker
from tests.databases import fresh_postgres_database, postgres_admin_url
from tests.system import DEMO_SITE_FILE, System
from tests.waiting import wait_until
from tests.wire import WireRecorder, match

SITE = Site.model_validate(yaml.safe_load(DEMO_SITE_FILE.read_text(encoding="utf-8")))
HALL_PATROL = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
SPEED_FACTOR = 100


@pytest.fixture(params=["sqlite", "postgresql"])
def system(
    request: pytest.FixtureRequest, broker: MosquittoBroker, tmp_path: Path
) -> Iterator[System]:
    """The server on SQLite or PostgreSQL, with its logs in the test's folder."""
    if request.param == "sqlite":
        running = System(broker.url, f"sqlite:///{tmp_path / 'fleet.db'}", tmp_path)
        yield running
        running.stop()
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL reachable (set FLEET_TEST_POSTGRES_URL)")
    with fresh_postgres_database(admin) as url:
        running = System(broker.url, url, tmp_path)
        yield running
        running.stop()


def _online_robots(system: System, count: int) -> list[dict]:
    def ready() -> list[dict]:
        robots = [r for r in system.api.get("/robots").json() if r["online"] and r["position"]]
        return robots if len(robots) >= count else []

    return wait_until(ready, what=f"{count} robots online with a position")


def _route_distance(robot: dict, goal: str) -> float:
    graph = RouteGraph(SITE)
    start = SITE.nearest_node(robot["position"]["x"], robot["position"]["y"])
    offset = math.hypot(start.x - robot["position"]["x"], start.y - robot["position"]["y"])
    return offset + graph.shortest_path(start.id, goal)[1]


def test_patrol_goes_to_the_nearest_robot_and_completes(system: System, wire: WireRecorder) -> None:
    system.start_fleet(robots=3, kinds="patrol_dog", speed_factor=SPEED_FACTOR)
    robots = _online_robots(system, 3)
    nearest = min(robots, key=lambda r: _route_distance(r, HALL_PATROL[0]))

    response = system.api.post(
        "/missions",
        json={"kind": "patrol", "site": SITE.id, "route": HALL_PATROL, "rounds": 2},
    )
    assert response.status_code == 201, response.text
    mission = response.json()
    assert mission["robot"] == nearest["serial_number"]

    done = system.wait_mission(mission["id"], "completed", timeout=120)
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    assert done["progress"]["current_round"] == 2
    assert done["started_at"] and done["finished_at"]
    assert done["order_update_id"] >= 1, "a two-round patrol is released in several parts"
    robot = system.robot(nearest["serial_number"])
    assert robot["mission_id"] is None and not robot["driving"]
    assert robot["last_node_id"] == HALL_PATROL[0]
    end = SITE.node(HALL_PATROL[0])
    assert math.hypot(robot["position"]["x"] - end.x, robot["position"]["y"] - end.y) < 0.5

    orders = [m.json() for m in wire.messages if m.subtopic == "order"]
    assert {o["orderId"] for o in orders} == {done["order_id"]}
    assert [o["orderUpdateId"] for o in orders] == list(range(len(orders)))
    for previous, update in itertools.pairwise(orders):
        last_base = [n for n in previous["nodes"] if n["released"]][-1]
        first = update["nodes"][0]
        assert (first["nodeId"], first["sequenceId"]) == (
            last_base["nodeId"],
            last_base["sequenceId"],
        )
    wire.assert_all_valid()


def _position(system: System, serial: str) -> tuple[float, float]:
    position = system.robot(serial)["position"]
    return (position["x"], position["y"])


def test_pause_resume_and_cancel_follow_the_robot(system: System, wire: WireRecorder) -> None:
    system.start_fleet(robots=1, kinds="patrol_dog", speed_factor=SPEED_FACTOR)
    serial = _online_robots(system, 1)[0]["serial_number"]
    mission = system.api.post(
        "/missions",
        json={"kind": "patrol", "site": SITE.id, "route": HALL_PATROL, "rounds": 20},
    ).json()
    system.wait_mission(mission["id"], "running")
    wait_until(lambda: system.robot(serial)["driving"], what="the robot to drive")

    assert system.api.post(f"/missions/{mission['id']}/pause").status_code == 200
    paused = system.wait_mission(mission["id"], "paused")
    assert paused["robot"] == serial
    wait_until(lambda: not system.robot(serial)["driving"], what="the robot to stop")
    still = _position(system, serial)
    wait_until(lambda: system.robot(serial)["paused"], what="the robot to report paused")
    assert _position(system, serial) == still, "a paused robot does not move"

    assert system.api.post(f"/missions/{mission['id']}/resume").status_code == 200
    system.wait_mission(mission["id"], "running")
    wait_until(lambda: _position(system, serial) != still, what="the robot to move again")

    assert system.api.post(f"/missions/{mission['id']}/cancel").status_code == 200
    cancelled = system.wait_mission(mission["id"], "cancelled")
    assert cancelled["reason"] == "cancelled by operator"
    assert cancelled["progress"]["nodes_passed"] < cancelled["progress"]["nodes_total"]
    wait_until(lambda: not system.robot(serial)["driving"], what="the robot to stop")
    stopped = _position(system, serial)
    robot = wait_until(
        lambda: (r := system.robot(serial))["mission_id"] is None and r, what="robot freed"
    )
    assert (robot["position"]["x"], robot["position"]["y"]) == stopped
    wire.assert_all_valid()


def test_killed_agent_goes_offline_and_its_patrol_resumes_when_it_is_back(
    system: System, wire: WireRecorder
) -> None:
    plaza = SITE.node("hall-plaza")
    agent = system.start_agent("dog-solo", {"x": plaza.x, "y": plaza.y}, SPEED_FACTOR)
    wait_until(
        lambda: (r := system.robot("dog-solo")).get("online") and r["position"],
        what="dog-solo online with a position",
    )
    mission = system.api.post(
        "/missions",
        json={
            "kind": "patrol",
            "site": SITE.id,
            "route": HALL_PATROL,
            "rounds": 50,
            "robot": "dog-solo",
        },
    ).json()
    running = system.wait_mission(mission["id"], "running")

    agent.kill()
    # A patrol whose robot is lost is re-queued (FLEET_LOST_ROBOT_POLICY), not failed.
    queued = system.wait_mission(mission["id"], "queued", timeout=60)
    assert "dog-solo went offline" in queued["reason"]
    assert "resumes where it stopped" in queued["reason"]
    robot = system.robot("dog-solo")
    assert robot["online"] is False
    assert robot["connection_state"] == "CONNECTIONBROKEN"

    system.start_agent("dog-solo", {"x": plaza.x, "y": plaza.y}, SPEED_FACTOR)
    back = wait_until(lambda: (r := system.robot("dog-solo"))["online"] and r, what="back online")
    assert back["connection_state"] == "ONLINE"
    resumed = wait_until(
        lambda: (m := system.mission(mission["id"]))["status"] == "running"
        and m["definition"].get("resumes")
        and m,
        what="the patrol to resume on the robot that came back",
    )
    assert resumed["robot"] == "dog-solo"
    assert resumed["order_id"] != running["order_id"]
    wire.assert_all_valid()


def test_mission_survives_a_server_restart(system: System, wire: WireRecorder) -> None:
    system.start_fleet(robots=1, kinds="patrol_dog", speed_factor=SPEED_FACTOR)
    serial = _online_robots(system, 1)[0]["serial_number"]
    mission = system.api.post(
        "/missions",
        json={"kind": "patrol", "site": SITE.id, "route": HALL_PATROL, "rounds": 3},
    ).json()
    system.wait_mission(mission["id"], "running")
    orders = match(Subtopic.ORDER, serial_number=serial)
    before = [m.json()["headerId"] for m in wire.matching(orders)]
    mark = wire.mark()
    system.restart_server()
    # The new server takes the mission over from the database and keeps releasing its parts.
    assert system.mission(mission["id"])["status"] in ("running", "completed")
    done = system.wait_mission(mission["id"], "completed", timeout=120)
    assert done["robot"] == serial
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    assert system.robot(serial)["online"] is True
    # The new server's orders carry header ids above every one the first server sent.
    system.api.post(
        "/missions",
        json={"kind": "patrol", "site": SITE.id, "route": HALL_PATROL, "rounds": 1},
    )
    wire.wait_for(orders, since=mark, what="an order from the restarted server")
    after = [m.json()["headerId"] for m in wire.matching(orders, since=mark)]
    assert before and min(after) > max(before)
    wire.assert_all_valid()


def test_a_broker_restart_neither_ends_missions_nor_leaves_robots_offline(
    system: System, broker: MosquittoBroker, wire: WireRecorder, request: pytest.FixtureRequest
) -> None:
    if "postgresql" in request.node.name:
        pytest.skip("the broker restart concerns only the MQTT side; it runs once, on SQLite")
    system.start_fleet(robots=3, kinds="patrol_dog", speed_factor=SPEED_FACTOR)
    serials = {r["serial_number"] for r in _online_robots(system, 3)}
    mission = system.api.post(
        "/missions",
        json={"kind": "patrol", "site": SITE.id, "route": HALL_PATROL, "rounds": 4},
    ).json()
    system.wait_mission(mission["id"], "running")
    broker.stop()
    wait_until(
        lambda: not system.api.get("/health").json()["mqtt_connected"],
        what="the server to notice the broker is gone",
    )
    # Mosquitto delivers the agents' Last Wills as it shuts down, so the robots show offline; but
    # longer than the 5 s state timeout and the 20 s mission grace, the mission is not ended:
    # time the server is cut off from the broker counts against no robot.
    time.sleep(12)
    assert system.mission(mission["id"])["status"] == "running"
    broker.start()
    wait_until(
        lambda: system.api.get("/health").json()["mqtt_connected"],
        timeout=30,
        what="the server to reconnect",
    )
    done = system.wait_mission(mission["id"], "completed", timeout=120)
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    wait_until(
        lambda: all(
            (r := system.robot(s))["online"] and r["connection_state"] == "ONLINE" for s in serials
        ),
        what="every robot online after the broker restart",
    )
