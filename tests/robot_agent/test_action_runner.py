"""Action states through an order: WAITING, RUNNING, FINISHED or FAILED; blocking; failures."""

from __future__ import annotations

import asyncio

from fleet_protocol.state import ActionStatus, ErrorLevel, State
from tests.robot_agent.conftest import Robot, errors, idle, references, status
from tests.robot_agent.messages import action, instant, order

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 9.0, 0.0)]


async def statuses_until_idle(robot: Robot, action_id: str) -> list[ActionStatus | None]:
    """The distinct statuses one action goes through, in order, until the order is idle."""
    seen: list[ActionStatus | None] = []
    state: State | None = None
    while state is None or not idle(state):
        state = robot.state()
        current = status(state, action_id)
        if not seen or seen[-1] != current:
            seen.append(current)
        await asyncio.sleep(0.002)
    return seen


async def test_action_goes_waiting_running_finished(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, node_actions={"C": [action("dwell", "w1", seconds=2)]}))
    seen = await statuses_until_idle(robot, "w1")
    assert seen == [ActionStatus.WAITING, ActionStatus.RUNNING, ActionStatus.FINISHED]


async def test_hard_actions_run_one_after_another_soft_ones_together(robot: Robot) -> None:
    actions = [
        action("announce", "a1", "SOFT", text="你好"),
        action("capturePhoto", "p1", "SOFT"),
        action("dwell", "w1", "HARD", seconds=1),
    ]
    robot.send_order(order("o1", LINE[:1], node_actions={"A": actions}))
    both = await robot.until(lambda s: status(s, "a1") == status(s, "p1") == "RUNNING")
    assert status(both, "w1") == "WAITING", "a HARD action waits for the SOFT ones before it"
    dwelling = await robot.until(lambda s: status(s, "w1") == "RUNNING")
    assert status(dwelling, "a1") == status(dwelling, "p1") == "FINISHED"
    assert (await robot.until(idle)).errors == []


async def test_failed_action_is_reported_and_the_order_goes_on(robot: Robot) -> None:
    robot.driver.fail_action("capturePhoto", description="lens covered")
    robot.send_order(order("o1", LINE, node_actions={"B": [action("capturePhoto", "p1")]}))
    done = await robot.until(idle)
    [photo] = done.action_states
    assert (photo.action_status, photo.result_description) == ("FAILED", "lens covered")
    [error] = done.errors
    assert (error.error_type, error.error_level) == ("actionFailed", ErrorLevel.WARNING)
    assert references(error) == {"actionId": "p1", "actionType": "capturePhoto"}
    assert done.last_node_id == "D"


async def test_bad_action_parameter_fails_the_action(robot: Robot) -> None:
    robot.send_order(order("o1", LINE[:2], node_actions={"B": [action("dwell", "w1")]}))
    done = await robot.until(idle)
    assert status(done, "w1") == "FAILED"
    assert references(errors(done, "actionParameterError")[0])["actionId"] == "w1"


async def test_fatal_action_failure_aborts_the_order(robot: Robot) -> None:
    robot.driver.fail_action("capturePhoto", fatal=True)
    robot.send_order(
        order(
            "o1",
            LINE,
            node_actions={
                "B": [action("capturePhoto", "p1")],
                "D": [action("dwell", "w1", seconds=1)],
            },
        )
    )
    done = await robot.until(lambda s: idle(s) and bool(s.errors))
    [error] = done.errors
    assert error.error_level is ErrorLevel.FATAL
    assert references(error) == {"orderId": "o1", "actionId": "p1", "actionType": "capturePhoto"}
    assert (status(done, "p1"), status(done, "w1")) == ("FAILED", "FAILED")
    assert (done.last_node_id, done.node_states, done.edge_states) == ("B", [], [])


async def test_no_action_starts_while_paused(robot: Robot) -> None:
    robot.send_instant(instant(action("startPause", "s1")))
    robot.send_order(order("o1", LINE[:2], node_actions={"A": [action("capturePhoto", "p1")]}))
    await asyncio.sleep(0.2)
    held = robot.state()
    assert (status(held, "p1"), held.paused, held.last_node_id) == ("WAITING", True, "A")
    assert robot.driver.goals == []
    robot.send_instant(instant(action("stopPause", "s2")))
    done = await robot.until(idle)
    assert (status(done, "p1"), done.last_node_id) == ("FINISHED", "B")
