"""Driving an order: one goal per run of released nodes, node/edge states, updates, pause."""

from __future__ import annotations

import asyncio

from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import ErrorLevel, State
from tests.robot_agent.conftest import Robot, RobotFactory, errors, idle, references, status
from tests.robot_agent.messages import action, instant, order

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 9.0, 0.0), ("E", 12.0, 0.0)]
LONG = [("A", 0.0, 0.0), ("B", 40.0, 0.0), ("C", 80.0, 0.0)]


async def record_until_idle(robot: Robot) -> list[State]:
    """Every state the executor signals until the order is idle."""
    states: list[State] = []
    while True:
        await asyncio.wait_for(robot.executor.changed.wait(), 10)
        robot.executor.changed.clear()
        states.append(robot.state())
        if idle(states[-1]) and states[-1].last_node_id:
            return states


async def test_released_nodes_are_driven_as_one_goal(robot: Robot) -> None:
    robot.send_order(order("o1", LINE))
    done = await robot.until(idle)
    assert robot.driver.goals == [[(3.0, 0.0), (6.0, 0.0), (9.0, 0.0), (12.0, 0.0)]]
    assert (done.last_node_id, done.last_node_sequence_id) == ("E", 8)
    assert done.agv_position is not None
    assert (done.agv_position.x, done.agv_position.y) == (12.0, 0.0)


async def test_node_and_edge_states_shrink_as_nodes_are_passed(robot: Robot) -> None:
    robot.send_order(order("o1", LINE))
    states = await record_until_idle(robot)
    passed: list[str] = []
    for state in states:
        remaining = [n.node_id for n in state.node_states]
        assert remaining == ["A", "B", "C", "D", "E"][5 - len(remaining) :]
        assert all(e.sequence_id > state.last_node_sequence_id for e in state.edge_states)
        assert len(state.edge_states) == max(len(remaining) - (state.last_node_id == ""), 0)
        if not passed or passed[-1] != state.last_node_id:
            passed.append(state.last_node_id)
    assert passed[-1] == "E" and passed == sorted(passed)
    assert len(passed) >= 3, "intermediate nodes are reported as they are passed"
    assert states[-1].edge_states == []


async def test_blocking_action_splits_the_drive_and_stops_the_robot(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, node_actions={"C": [action("capturePhoto", "p1")]}))
    assert status(robot.state(), "p1") == "WAITING"
    running = await robot.until(lambda s: status(s, "p1") == "RUNNING")
    assert (running.driving, running.last_node_id) == (False, "C")
    done = await robot.until(idle)
    [photo] = done.action_states
    assert photo.action_status == "FINISHED"
    assert (photo.result_description or "").startswith("photo-")
    assert robot.driver.goals == [[(3.0, 0.0), (6.0, 0.0)], [(9.0, 0.0), (12.0, 0.0)]]


async def test_none_blocking_action_runs_while_driving(make_robot: RobotFactory) -> None:
    robot = await make_robot(speed_factor=5)
    robot.send_order(
        order("o1", LONG, node_actions={"A": [action("announce", "a1", "NONE", text="hi")]})
    )
    announced = await robot.until(lambda s: status(s, "a1") == "FINISHED")
    assert announced.driving and len(robot.driver.goals) == 1


async def test_horizon_is_not_driven_and_requests_a_new_base(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, released=3))
    waiting = await robot.until(lambda s: s.last_node_id == "C" and not s.driving)
    assert [(n.node_id, n.released) for n in waiting.node_states] == [("D", False), ("E", False)]
    assert [e.released for e in waiting.edge_states] == [False, False]
    assert waiting.new_base_request is True
    assert robot.driver.goals == [[(3.0, 0.0), (6.0, 0.0)]]


async def test_update_stitches_onto_the_base_and_drives_on(make_robot: RobotFactory) -> None:
    robot = await make_robot(speed_factor=10)
    robot.send_order(
        order("o1", LINE, released=3, node_actions={"E": [action("dwell", "w1", seconds=1)]})
    )
    await robot.until(lambda s: s.last_node_id == "B")  # driving towards the decision point C
    robot.send_order(
        order(
            "o1",
            LINE[2:],
            update_id=1,
            first_sequence_id=4,
            node_actions={"E": [action("capturePhoto", "p2")]},
        )
    )
    state = robot.state()
    assert state.order_update_id == 1 and state.errors == []
    assert [(n.node_id, n.released) for n in state.node_states][-2:] == [("D", True), ("E", True)]
    assert [a.action_id for a in state.action_states] == ["p2"], "the old horizon's action is gone"
    done = await robot.until(idle)
    assert (done.last_node_id, done.last_node_sequence_id, done.new_base_request) == ("E", 8, False)
    visited = [point for goal in robot.driver.goals for point in goal]
    assert visited == [(3.0, 0.0), (6.0, 0.0), (9.0, 0.0), (12.0, 0.0)], "no node driven twice"


async def test_pause_stops_motion_and_resume_drives_the_rest(robot: Robot) -> None:
    robot.send_order(order("o1", LONG[:2]))
    await robot.until(lambda s: s.driving and s.agv_position is not None and s.agv_position.x > 1)
    robot.send_instant(instant(action("startPause", "s1")))
    paused = await robot.until(lambda s: s.paused is True and not s.driving)
    assert status(paused, "s1") == "FINISHED"
    stopped_at = robot.driver.current_pose()
    await asyncio.sleep(0.2)
    assert robot.driver.current_pose() == stopped_at
    assert [n.node_id for n in robot.state().node_states] == ["B"]
    robot.send_instant(instant(action("stopPause", "s2")))
    resumed = await robot.until(lambda s: s.driving)
    assert resumed.paused is False
    done = await robot.until(idle)
    assert done.last_node_id == "B"
    assert robot.driver.goals == [[(40.0, 0.0)], [(40.0, 0.0)]]


async def test_navigation_failure_aborts_the_order_with_a_warning(robot: Robot) -> None:
    robot.driver.fail_next_navigation(after_poses=1)
    robot.send_order(order("o1", LINE, node_actions={"E": [action("capturePhoto", "p1")]}))
    done = await robot.until(lambda s: idle(s) and bool(s.errors))
    [error] = done.errors
    assert (error.error_type, error.error_level) == ("navigationFailed", ErrorLevel.WARNING)
    assert references(error) == {"orderId": "o1", "nodeId": "C"}
    assert (done.last_node_id, done.node_states, done.edge_states) == ("B", [], [])
    assert status(done, "p1") == "FAILED"
    robot.send_order(order("o1", LINE[1:], update_id=1, first_sequence_id=2))
    assert errors(robot.state(), "orderUpdateError"), "an aborted order takes no updates"


async def test_edge_actions_start_on_entering_the_edge(make_robot: RobotFactory) -> None:
    sweeper = await make_robot(kind=RobotKind.SANITATION)
    clean = action("clean", "k1", "NONE", mode="sweep")
    sweeper.send_order(order("o1", LINE[:3], edge_actions={"B-C": [clean]}))
    started = await sweeper.until(lambda s: status(s, "k1") != "WAITING")
    assert started.last_node_id == "B", "triggered when the node before the edge is passed"
    done = await sweeper.until(idle)
    assert status(done, "k1") == "FINISHED"
    assert len(sweeper.driver.goals) == 1, "a NONE edge action does not stop the robot"


async def test_blocking_edge_action_runs_before_the_edge_is_driven(
    make_robot: RobotFactory,
) -> None:
    sweeper = await make_robot(kind=RobotKind.SANITATION)
    clean = action("clean", "k1", "SOFT", mode="scrub")
    sweeper.send_order(order("o1", LINE[:3], edge_actions={"B-C": [clean]}))
    running = await sweeper.until(lambda s: status(s, "k1") == "RUNNING")
    assert (running.last_node_id, running.driving) == ("B", False)
    done = await sweeper.until(idle)
    assert status(done, "k1") == "FINISHED"
    assert sweeper.driver.goals == [[(3.0, 0.0)], [(6.0, 0.0)]]
