"""The live feed's hub without a server: nothing kept while nobody listens, coalescing, overflow,
publishers in other threads."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from fleet_server.alerts.models import Alert, AlertKind, AlertSeverity
from fleet_server.feed.hub import LiveFeed, Subscription
from fleet_server.fleet.models.robot import Robot, RobotPublic
from fleet_server.incidents.models.incident import Incident
from fleet_server.missions.models.mission import Mission, MissionStatus


class Robots:
    """A stand-in for the registry: robots by serial number."""

    def __init__(self, serials: list[str]) -> None:
        self.robots = {
            s: Robot(serial_number=s, manufacturer="Acme", online=True, x=0.0, y=0.0, map_id="m")
            for s in serials
        }

    def all(self) -> list[Robot]:
        return [self.robots[s] for s in sorted(self.robots)]

    def get(self, serial_number: str) -> Robot:
        return self.robots[serial_number]

    def public(self, robot: Robot) -> RobotPublic:
        return RobotPublic.of(robot)


def _feed(robots: Robots, queue_limit: int = 64) -> tuple[LiveFeed, list[Mission]]:
    missions: list[Mission] = []
    incidents: list[Incident] = []
    return LiveFeed(robots, lambda: missions, lambda: incidents, queue_limit=queue_limit), missions


def _taken(subscription: Subscription) -> list[dict[str, Any]]:
    return [json.loads(text) for text in subscription.pending()]


def _move(robots: Robots, feed: LiveFeed, serial: str, x: float) -> None:
    robots.get(serial).x = x
    feed.robot_changed(serial)


def test_nothing_is_kept_or_sent_while_nobody_listens() -> None:
    robots = Robots(["a", "b"])
    feed, _ = _feed(robots)
    _move(robots, feed, "a", 1.0)
    feed.on_mission(Mission(id=1, site_id="m", route=["A", "B"]))
    assert feed.publish() == 0
    subscription = feed.subscribe()
    (snapshot,) = _taken(subscription)
    assert snapshot["type"] == "snapshot"
    assert [(r["id"], r["position"]["x"]) for r in snapshot["robots"]] == [("a", 1.0), ("b", 0.0)]
    # The change made before anyone listened is in the snapshot, not in a batch after it.
    assert feed.publish() == 0
    assert _taken(subscription) == []


def test_changes_within_an_interval_arrive_as_one_batch_latest_per_robot() -> None:
    robots = Robots(["a", "b", "c"])
    feed, _ = _feed(robots)
    first, second = feed.subscribe(), feed.subscribe()
    _taken(first), _taken(second)
    for x in (1.0, 2.0, 3.0):
        _move(robots, feed, "b", x)
    _move(robots, feed, "a", 5.0)
    assert feed.publish() == 1
    for subscription in (first, second):
        (batch,) = _taken(subscription)
        assert batch["type"] == "robots"
        assert [(r["id"], r["position"]["x"]) for r in batch["robots"]] == [("a", 5.0), ("b", 3.0)]
        assert batch["robots"][0]["status"] == "idle"
    assert feed.publish() == 0
    assert _taken(first) == []


def test_mission_changes_coalesce_to_the_latest_and_come_before_the_robots() -> None:
    robots = Robots(["a"])
    feed, _ = _feed(robots)
    subscription = feed.subscribe()
    _taken(subscription)
    mission = Mission(id=7, site_id="m", route=["A", "B"], robot="a")
    mission.status = MissionStatus.ASSIGNED
    feed.on_mission(mission)
    robots.get("a").mission_id = 7
    feed.robot_changed("a")
    mission.status = MissionStatus.RUNNING
    feed.on_mission(mission)
    feed.on_mission(Mission(site_id="m", route=["A", "B"]))  # not saved yet: no id, not sent
    assert feed.publish() == 2
    update, batch = _taken(subscription)
    assert update["type"] == "mission"
    assert (update["mission"]["id"], update["mission"]["status"]) == (7, "running")
    assert batch["type"] == "robots" and batch["robots"][0]["status"] == "working"


def test_a_client_that_falls_behind_gets_a_fresh_snapshot_instead_of_a_longer_queue() -> None:
    robots = Robots(["a", "b"])
    feed, missions = _feed(robots, queue_limit=3)
    slow, keeping_up = feed.subscribe(), feed.subscribe()
    _taken(keeping_up)
    missions.append(Mission(id=3, site_id="m", route=["A", "B"]))
    for x in range(1, 6):
        _move(robots, feed, "a", float(x))
        assert feed.publish() == 1
        assert len(_taken(keeping_up)) == 1
    # The slow one held its snapshot and two batches; the third overflowed it.
    queued = _taken(slow)
    assert [m["type"] for m in queued] == ["snapshot", "robots", "robots"]
    assert queued[0]["robots"][0]["position"]["x"] == 3.0
    assert [m["id"] for m in queued[0]["missions"]] == [3]
    assert [r["position"]["x"] for r in queued[2]["robots"]] == [5.0]
    assert slow.resets == 1 and keeping_up.resets == 0
    # What /metrics shows: one reset, and the three queued messages and the batch's one lost.
    assert feed.resets == 1 and feed.dropped_messages == 4


def test_changes_from_worker_threads_all_arrive() -> None:
    serials = [f"r{i:04d}" for i in range(800)]
    robots = Robots(serials)
    feed, _ = _feed(robots)
    subscription = feed.subscribe()
    _taken(subscription)
    start = threading.Barrier(8)

    def report(part: list[str]) -> None:
        start.wait()
        for serial in part:
            feed.robot_changed(serial)

    threads = [threading.Thread(target=report, args=(serials[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    feed.publish()
    (batch,) = _taken(subscription)
    assert [r["id"] for r in batch["robots"]] == serials


async def test_a_listener_waits_in_the_loop_until_a_batch_is_published() -> None:
    robots = Robots(["a"])
    feed, _ = _feed(robots)
    subscription = feed.subscribe()
    assert json.loads(await subscription.next())["type"] == "snapshot"
    waiting = asyncio.create_task(subscription.next())
    await asyncio.sleep(0)
    assert not waiting.done()
    await asyncio.to_thread(_move, robots, feed, "a", 2.0)
    feed.publish()
    batch = json.loads(await asyncio.wait_for(waiting, 5))
    assert batch["robots"][0]["position"]["x"] == 2.0
    feed.unsubscribe(subscription)
    _move(robots, feed, "a", 3.0)
    assert feed.publish() == 0


def test_a_robot_passing_a_node_sends_its_missions_progress_once() -> None:
    robots = Robots(["a"])
    feed, missions = _feed(robots)
    patrol = Mission(id=7, site_id="m", route=["A", "B", "C"], robot="a")
    missions.append(patrol)
    subscription = feed.subscribe()
    _taken(subscription)
    robot = robots.get("a")
    robot.mission_id, robot.last_node_id = 7, "A"
    _move(robots, feed, "a", 1.0)
    feed.publish()
    assert [m["type"] for m in _taken(subscription)] == ["mission", "robots"]
    # Moving along the same edge: only the robot.
    _move(robots, feed, "a", 2.0)
    feed.publish()
    assert [m["type"] for m in _taken(subscription)] == ["robots"]
    robot.last_node_id = "B"
    _move(robots, feed, "a", 3.0)
    feed.publish()
    mission, batch = _taken(subscription)
    assert mission["type"] == "mission" and mission["mission"]["id"] == 7
    assert batch["robots"][0]["last_node_id"] == "B"


def test_alert_changes_within_an_interval_arrive_as_one_message_with_the_latest_count() -> None:
    robots = Robots(["a"])
    feed, _ = _feed(robots)
    subscription = feed.subscribe()
    _taken(subscription)
    low = Alert(
        id=1, kind=AlertKind.LOW_BATTERY, severity=AlertSeverity.MEDIUM, code="c", message="m"
    )
    held = Alert(
        id=2, kind=AlertKind.INCIDENT_HELD, severity=AlertSeverity.MEDIUM, code="c", message="m"
    )
    feed.on_alert(low, "raised", 1)
    feed.on_alert(low.model_copy(update={"count": 2}), "repeated", 1)
    feed.on_alert(held, "raised", 2)
    feed.on_alert(held.model_copy(update={"acknowledged_by": "op"}), "acknowledged", 1)
    assert feed.publish() == 1
    (message,) = _taken(subscription)
    assert message["type"] == "alerts" and message["unacknowledged"] == 1
    # Raised and repeated within one batch is still news; the latest of each alert is sent.
    assert [(c["alert"]["id"], c["event"]) for c in message["changes"]] == [
        (1, "raised"),
        (2, "acknowledged"),
    ]
    assert message["changes"][0]["alert"]["count"] == 2
    assert message["changes"][1]["alert"]["acknowledged_by"] == "op"
    assert feed.publish() == 0
