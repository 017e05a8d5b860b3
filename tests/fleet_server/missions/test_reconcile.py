"""The fleet reconciles itself: orders the server did not give are cancelled and shown, a forged
OFFLINE does not silence a reporting robot, and a robot back from a freeze drops its dead order."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.base import utc_now
from fleet_protocol.connection import ConnectionState
from fleet_protocol.kinds import CANCEL_ORDER, RobotKind
from fleet_protocol.order import Edge, Node, NodePosition, Order
from fleet_protocol.state import ActionStatus, State
from fleet_protocol.topics import Subtopic, topic
from fleet_server.accounts.models import Role
from fleet_server.missions.reconcile import unexpected_order
from fleet_server.settings import FleetSettings
from simulation.fleet import DEFAULT_MANUFACTURER
from tests import vehicles
from tests.fleet_protocol import samples
from tests.fleet_server.callers import api_key
from tests.fleet_server.feed_reader import FeedReader
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.waiting import wait_until
from tests.wire import Predicate, WireRecorder, match

ROUTE = ["street-sw", "street-se", "street-ne", "street-nw"]


def _robot(client: TestClient, serial: str) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/robots/{serial}").json())


def _mission(client: TestClient, mission_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/missions/{mission_id}").json())


def _patrol(serial: str, rounds: int = 5) -> dict[str, Any]:
    return {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": rounds} | {
        "robot": serial
    }


def _forged_order(serial: str, x: float, y: float, map_id: str) -> Order:
    """A valid order from where the robot stands to 150 m east, as a rogue master would send."""
    here = NodePosition(x=x, y=y, map_id=map_id, allowed_deviation_x_y=2.0)
    there = NodePosition(x=x + 150.0, y=y, map_id=map_id)
    return Order(
        header_id=0,
        timestamp=utc_now(),
        manufacturer=DEFAULT_MANUFACTURER,
        serial_number=serial,
        order_id="not-from-the-server",
        order_update_id=0,
        nodes=[
            Node(node_id="here", sequence_id=0, released=True, node_position=here),
            Node(node_id="there", sequence_id=2, released=True, node_position=there),
        ],
        edges=[
            Edge(
                edge_id="here-there",
                sequence_id=1,
                released=True,
                start_node_id="here",
                end_node_id="there",
            )
        ],
    )


def _cancel_for(serial: str) -> Predicate:
    return match(
        Subtopic.INSTANT_ACTIONS,
        serial_number=serial,
        where=lambda m: any(a["actionType"] == CANCEL_ORDER for a in m["actions"]),
    )


def _freeze(fleet: ThreadedFleet, seconds: float) -> None:
    """Stop every simulated robot dead for a while, as SIGSTOP stops fleet-sim: no state, no
    ping, and then they carry on with whatever they were doing."""
    fleet.loop.call_soon_threadsafe(time.sleep, seconds)


@pytest.fixture
def fleet(client: TestClient, settings: FleetSettings) -> Iterator[ThreadedFleet]:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=2) as running:
        serial = running.fleet.robots[0].serial_number
        wait_until(lambda: _robot(client, serial).get("position"), what="the robot to report")
        yield running


def test_a_state_shows_an_unexpected_order_only_while_it_runs() -> None:
    running = State.model_validate(samples.state().to_wire())
    assert running.node_states, "the sample state is under way"
    assert unexpected_order(running, running.order_id) is None
    assert unexpected_order(running, None) == running.order_id
    assert unexpected_order(running, "another-order") == running.order_id
    passed = running.model_copy(update={"node_states": [], "edge_states": []})
    acting = [
        a.model_copy(update={"action_status": ActionStatus.RUNNING}) for a in running.action_states
    ]
    assert acting, "the sample state has actions"
    # Every node passed, an action still running (a charge at the last node): still under way,
    # as the vehicle sees it (it refuses a new order until the action ends).
    busy = passed.model_copy(update={"action_states": acting})
    assert unexpected_order(busy, None) == running.order_id
    finished = [a.model_copy(update={"action_status": ActionStatus.FINISHED}) for a in acting]
    done = passed.model_copy(update={"action_states": finished})
    assert unexpected_order(done, None) is None


def test_an_order_the_server_did_not_give_is_cancelled_and_shown(
    client: TestClient, fleet: ThreadedFleet, wire: WireRecorder
) -> None:
    serial = fleet.fleet.robots[0].serial_number
    robot = _robot(client, serial)
    position = robot["position"]
    forged = _forged_order(serial, position["x"], position["y"], position["map_id"])
    since = wire.mark()
    wire.publish(topic("uagv", DEFAULT_MANUFACTURER, serial, Subtopic.ORDER), forged)
    shown = wait_until(
        lambda: (r := _robot(client, serial))["unexpected_order"] and r,
        what="the robot to show the order it should not run",
    )
    assert shown["unexpected_order"]["order_id"] == "not-from-the-server"
    assert "did not give" in shown["unexpected_order"]["detail"]
    assert shown["status"] == "error"
    wire.wait_for(
        _cancel_for(serial),
        since=since,
        what="the server to send cancelOrder",
    )
    entries = client.get("/api/v1/logbook", params={"kind": "unexpected_order"}).json()
    assert [e["robot"] for e in entries] == [serial]
    assert "not-from-the-server" in entries[0]["summary"]
    # The robot obeys the cancel: the alert clears, it is idle, and it takes real work.
    idle = wait_until(
        lambda: (r := _robot(client, serial))["status"] == "idle" and r,
        what="the robot to stop the forged order",
    )
    assert idle["unexpected_order"] is None
    mission = client.post("/api/v1/missions", json=_patrol(serial, rounds=1)).json()
    running = wait_until(
        lambda: (m := _mission(client, mission["id"]))["status"] == "running" and m,
        what="the robot to take a real mission",
    )
    assert running["robot"] == serial


def test_a_robot_that_ignores_the_cancel_is_told_again_and_stays_flagged(
    client: TestClient, wire: WireRecorder
) -> None:
    serial = "rogue-1"
    vehicles.announce(wire, serial)
    state = json.loads(vehicles.state(serial, order_id="rogue-order", driving=True))
    state["nodeStates"] = [{"nodeId": "far", "sequenceId": 2, "released": True}]
    key = api_key(client, "live-operator", Role.OPERATOR)["X-API-Key"]
    since = wire.mark()
    with client.websocket_connect(f"/api/v1/live?key={key}") as session:
        feed = FeedReader(session)
        started = time.monotonic()
        while time.monotonic() - started < 7.0:
            # It keeps driving the order whatever it is told, reporting every half second.
            wire.publish(vehicles.topic_of(serial, Subtopic.STATE), json.dumps(state))
            time.sleep(0.5)
        batch = feed.wait_for(
            lambda m: (
                m["type"] == "robots"
                and any(r["id"] == serial and r["unexpected_order"] for r in m["robots"])
            ),
            "a robots batch showing the unexpected order",
        )
    (shown,) = [r for r in batch["robots"] if r["id"] == serial]
    assert shown["status"] == "error"
    assert shown["unexpected_order"]["order_id"] == "rogue-order"
    robot = _robot(client, serial)
    assert robot["unexpected_order"]["order_id"] == "rogue-order" and robot["status"] == "error"
    # Told at once, and again after 5 s; one logbook entry, not one per state.
    assert len(wire.matching(_cancel_for(serial), since=since)) == 2
    entries = client.get("/api/v1/logbook", params={"kind": "unexpected_order"}).json()
    assert [e["robot"] for e in entries] == [serial]


def test_a_forged_offline_does_not_keep_a_reporting_robot_offline(
    client: TestClient, fleet: ThreadedFleet, wire: WireRecorder
) -> None:
    serial = fleet.fleet.robots[0].serial_number
    offline = samples.connection(ConnectionState.OFFLINE).model_copy(
        update={"manufacturer": DEFAULT_MANUFACTURER, "serial_number": serial}
    )
    wire.publish(topic("uagv", DEFAULT_MANUFACTURER, serial, Subtopic.CONNECTION), offline)
    wait_until(lambda: not _robot(client, serial)["online"], what="the forged OFFLINE to land")
    forged_at = time.monotonic()
    wait_until(
        lambda: _robot(client, serial)["online"],
        timeout=15,
        what="the robot's own states to bring it back",
    )
    # Back after the few seconds a state in flight is allowed, well before 45 s.
    assert time.monotonic() - forged_at < 12


@pytest.fixture
def freeze_settings(settings: FleetSettings) -> FleetSettings:
    """A robot is offline after 2 s of silence, and lost 1 s later."""
    return settings.model_copy(update={"offline_timeout_s": 2.0, "mission_offline_grace_s": 1.0})


def _running_patrol(client: TestClient, serial: str) -> dict[str, Any]:
    mission = client.post("/api/v1/missions", json=_patrol(serial)).json()
    return dict(
        wait_until(
            lambda: (
                (m := _mission(client, mission["id"]))["status"] == "running"
                and m["progress"]["nodes_passed"] >= 2
                and m
            ),
            timeout=60,
            what="the patrol to be under way",
        )
    )


@contextmanager
def _frozen_during_a_patrol(
    settings: FleetSettings,
) -> Iterator[tuple[TestClient, str, dict[str, Any]]]:
    """A server and one simulated dog whose patrol is under way when the dog freezes for 6 s:
    the client, the dog's serial and the patrol as it was before."""
    with (
        running_server(settings) as client,
        sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=2) as fleet,
    ):
        serial = fleet.fleet.robots[0].serial_number
        wait_until(lambda: _robot(client, serial).get("position"), what="the robot to report")
        patrol = _running_patrol(client, serial)
        _freeze(fleet, 6.0)
        yield client, serial, patrol


def test_a_robot_back_from_a_freeze_drops_the_order_of_its_failed_mission(
    freeze_settings: FleetSettings, wire: WireRecorder
) -> None:
    settings = freeze_settings.model_copy(update={"lost_robot_policy": {"patrol": "fail"}})
    with _frozen_during_a_patrol(settings) as (client, serial, patrol):
        failed = wait_until(
            lambda: (m := _mission(client, patrol["id"]))["status"] == "failed" and m,
            what="the mission to fail while its robot is gone",
        )
        assert "went offline" in failed["reason"]
        # Back, the robot still drives the dead order: it is cancelled, and said so. (The
        # robot's own flag may clear before a poll sees it, it obeys so fast: the logbook keeps
        # the record.)
        entries = wait_until(
            lambda: client.get("/api/v1/logbook", params={"kind": "unexpected_order"}).json(),
            what="the stale order to be recorded",
        )
        assert [(e["robot"], e["mission_id"]) for e in entries] == [(serial, patrol["id"])]
        assert patrol["order_id"] in entries[0]["summary"]
        assert f"of mission {patrol['id']}, which failed" in entries[0]["summary"]
        wait_until(
            lambda: _robot(client, serial)["status"] == "idle",
            what="the robot to drop the stale order",
        )
        again = client.post("/api/v1/missions", json=_patrol(serial, rounds=1))
        assert again.status_code == 201
        wait_until(
            lambda: _mission(client, again.json()["id"])["status"] == "running",
            what="the new mission to run on the robot that came back",
        )


def test_a_lost_patrol_is_requeued_and_resumes_where_it_stopped(
    freeze_settings: FleetSettings, wire: WireRecorder
) -> None:
    with _frozen_during_a_patrol(freeze_settings) as (client, serial, patrol):
        queued = wait_until(
            lambda: (m := _mission(client, patrol["id"]))["status"] == "queued" and m,
            what="the patrol to be re-queued while its robot is gone",
        )
        assert f"robot {serial} went offline" in queued["reason"]
        assert "resumes where it stopped" in queued["reason"]
        resumed = wait_until(
            lambda: (
                (m := _mission(client, patrol["id"]))["status"] == "running"
                and m["definition"].get("resumes")
                and m
            ),
            timeout=60,
            what="the patrol to resume with the robot that came back",
        )
        assert resumed["robot"] == serial
        assert resumed["order_id"] != patrol["order_id"]
        # Assigned twice: first, and again to resume; the latest is shown on its own too.
        assert [a["robot"] for a in resumed["assignments"]] == [serial, serial]
        assert resumed["assignment"] == resumed["assignments"][-1]
        resume = resumed["definition"]["resumes"][0]
        assert resume["target"] >= patrol["progress"]["nodes_passed"] - 1
        # The stale order was cancelled before the resumed one was sent.
        cancels = wire.matching(_cancel_for(serial))
        resumed_orders = wire.matching(
            match(
                Subtopic.ORDER,
                serial_number=serial,
                where=lambda m: m["orderId"] == resumed["order_id"],
            )
        )
        assert cancels and resumed_orders
        assert cancels[0].index < resumed_orders[0].index
