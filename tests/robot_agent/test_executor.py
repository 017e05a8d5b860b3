"""The executor's instant actions (cancelOrder, requests, unknown ones) and its state report."""

from __future__ import annotations

import asyncio

from fleet_protocol.state import ErrorLevel, OperatingMode
from tests.robot_agent.conftest import Robot, errors, idle, references, status
from tests.robot_agent.messages import MAP, action, instant, order
from tests.vda_schemas import validate_message

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0)]
LONG = [("A", 0.0, 0.0), ("B", 40.0, 0.0), ("C", 80.0, 0.0)]


async def test_cancel_order_stops_the_robot_and_fails_pending_actions(robot: Robot) -> None:
    robot.send_order(order("o1", LONG, node_actions={"C": [action("capturePhoto", "p1")]}))
    await robot.until(lambda s: s.driving and s.agv_position is not None and s.agv_position.x > 1)
    robot.send_instant(instant(action("cancelOrder", "c1")))
    assert status(robot.state(), "c1") == "RUNNING"
    done = await robot.until(lambda s: status(s, "c1") == "FINISHED")
    assert status(done, "p1") == "FAILED"
    assert (done.node_states, done.edge_states, done.driving) == ([], [], False)
    assert (done.order_id, done.order_update_id, done.last_node_id) == ("o1", 0, "A")
    assert done.errors == []
    stopped_at = robot.driver.current_pose()
    assert 1 < stopped_at.x < 40
    await asyncio.sleep(0.2)
    assert robot.driver.current_pose() == stopped_at


async def test_after_cancel_updates_are_refused_and_a_new_order_from_here_accepted(
    robot: Robot,
) -> None:
    robot.send_order(order("o1", LONG, released=2))
    await robot.until(lambda s: s.driving)
    robot.send_instant(instant(action("cancelOrder", "c1")))
    await robot.until(lambda s: status(s, "c1") == "FINISHED")
    robot.send_order(order("o1", LONG[1:], update_id=1, first_sequence_id=2))
    assert errors(robot.state(), "orderUpdateError")
    here = robot.driver.current_pose()
    robot.send_order(order("o2", [("here", here.x, here.y), ("C", 80.0, 0.0)]))
    accepted = robot.state()
    assert (accepted.order_id, accepted.errors) == ("o2", [])
    assert (await robot.until(idle, timeout=15)).last_node_id == "C"


async def test_cancel_without_an_order_fails_with_no_order_to_cancel(robot: Robot) -> None:
    robot.send_instant(instant(action("cancelOrder", "c1")))
    state = robot.state()
    assert status(state, "c1") == "FAILED"
    [error] = errors(state, "noOrderToCancel")
    assert error.error_level is ErrorLevel.WARNING
    assert references(error)["actionId"] == "c1"


async def test_cancel_of_a_cancelled_order_fails(robot: Robot) -> None:
    robot.send_order(order("o1", LONG))
    robot.send_instant(instant(action("cancelOrder", "c1"), action("cancelOrder", "c2")))
    done = await robot.until(lambda s: status(s, "c1") == "FINISHED")
    assert status(done, "c2") == "FAILED"
    assert [references(e)["actionId"] for e in errors(done, "noOrderToCancel")] == ["c2"]


async def test_cancel_of_a_finished_order_fails(robot: Robot) -> None:
    robot.send_order(order("o1", LINE))
    await robot.until(idle)
    robot.send_instant(instant(action("cancelOrder", "c1")))
    assert status(robot.state(), "c1") == "FAILED"


async def test_unknown_instant_action_fails_with_a_warning(robot: Robot) -> None:
    # dwell exists, but only on nodes; teleport does not exist at all.
    robot.send_instant(instant(action("teleport", "t1"), action("dwell", "t2", seconds=1)))
    state = robot.state()
    assert (status(state, "t1"), status(state, "t2")) == ("FAILED", "FAILED")
    found = errors(state, "instantActionError")
    assert [references(e)["actionId"] for e in found] == ["t1", "t2"]
    assert all(e.error_level is ErrorLevel.WARNING for e in found)


async def test_state_and_factsheet_requests(robot: Robot) -> None:
    robot.send_instant(instant(action("stateRequest", "r1"), action("factsheetRequest", "r2")))
    assert status(robot.state(), "r1") == "FINISHED"
    done = await robot.until(lambda s: status(s, "r2") == "FINISHED")
    assert robot.factsheet_requests == 1
    assert done.errors == []


async def test_instant_driver_action_runs(robot: Robot) -> None:
    robot.send_instant(instant(action("announce", "a1", text="请让一让", language="zh")))
    assert status(robot.state(), "a1") in ("WAITING", "RUNNING")
    done = await robot.until(lambda s: status(s, "a1") in ("FINISHED", "FAILED"))
    assert (status(done, "a1"), done.errors) == ("FINISHED", [])


async def test_pause_is_idempotent_and_reported(robot: Robot) -> None:
    robot.send_instant(instant(action("startPause", "s1"), action("startPause", "s2")))
    state = robot.state()
    assert state.paused is True
    assert (status(state, "s1"), status(state, "s2")) == ("FINISHED", "FINISHED")
    robot.send_instant(instant(action("stopPause", "s3")))
    assert robot.state().paused is False


async def test_idle_state_describes_the_robot(robot: Robot) -> None:
    state = robot.state()
    assert (state.order_id, state.order_update_id, state.last_node_id) == ("", 0, "")
    assert state.operating_mode is OperatingMode.AUTOMATIC
    assert state.agv_position is not None
    assert (state.agv_position.map_id, state.agv_position.position_initialized) == (MAP, True)
    assert state.battery_state.battery_charge == 100.0
    assert (state.driving, state.paused, state.new_base_request) == (False, False, False)
    assert (state.safety_state.e_stop, state.safety_state.field_violation) == ("NONE", False)
    visualization = robot.executor.visualization(7)
    validate_message("visualization", visualization.to_json())
    assert visualization.header_id == 7 and visualization.agv_position == state.agv_position
