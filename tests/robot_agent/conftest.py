"""Fixtures of the agent's tests: a simulated robot behind an OrderExecutor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import pytest

from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import ActionStatus, Error, State
from robot_agent.driver import Pose, PoseReached
from robot_agent.executor import OrderExecutor
from simulation.sim_driver import SimDriver
from tests.robot_agent.messages import MANUFACTURER, MAP, payload
from tests.vda_schemas import validate_message


class RecordingSimDriver(SimDriver):
    """A SimDriver that remembers the node positions of every navigation goal it was given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals: list[list[tuple[float, float]]] = []

    async def navigate_through_poses(
        self, poses: Sequence[Pose], on_pose_reached: PoseReached, max_speed: float | None = None
    ) -> None:
        self.goals.append([(p.x, p.y) for p in poses])
        await super().navigate_through_poses(poses, on_pose_reached, max_speed)


class Robot:
    """A simulated robot and its executor, with helpers to send messages and wait on its state."""

    def __init__(self, driver: RecordingSimDriver) -> None:
        self.driver = driver
        self.factsheet_requests = 0
        self.executor = OrderExecutor(
            driver, MANUFACTURER, "r1", on_factsheet_request=self._factsheet
        )
        self._header_id = 0

    def send_order(self, message: dict[str, Any]) -> None:
        self.executor.handle_order(payload(message))

    def send_instant(self, message: dict[str, Any]) -> None:
        self.executor.handle_instant_actions(payload(message))

    def state(self) -> State:
        """The state now, checked against the official schema on its way."""
        self._header_id += 1
        state = self.executor.state(self._header_id)
        validate_message("state", state.to_json())
        return state

    async def until(
        self, predicate: Callable[[State], bool], timeout: float = 10.0, what: str = ""
    ) -> State:
        """The first state that satisfies the predicate; AssertionError after the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"state never became {what or predicate}: {state.to_wire()}")
            await asyncio.sleep(0.005)

    async def _factsheet(self) -> None:
        self.factsheet_requests += 1


RobotFactory = Callable[..., Awaitable[Robot]]


@pytest.fixture
async def make_robot() -> AsyncIterator[RobotFactory]:
    """Builds robots (patrol dogs at the origin unless told otherwise); closes them afterwards."""
    robots: list[Robot] = []

    async def build(
        kind: RobotKind = RobotKind.PATROL_DOG,
        speed_factor: float = 20.0,
        at: tuple[float, float] = (0.0, 0.0),
    ) -> Robot:
        driver = RecordingSimDriver(
            kind, Pose(at[0], at[1], 0.0, MAP), speed_factor=speed_factor, tick=0.01
        )
        await driver.start()
        robot = Robot(driver)
        robots.append(robot)
        return robot

    yield build
    for robot in robots:
        await robot.executor.close()
        await robot.driver.stop()


@pytest.fixture
async def robot(make_robot: RobotFactory) -> Robot:
    """A fast simulated patrol dog at the origin of the test map."""
    return await make_robot()


def idle(state: State) -> bool:
    """The order is done: no nodes left, not driving, every action ended."""
    return (
        not state.node_states
        and not state.driving
        and all(
            a.action_status in (ActionStatus.FINISHED, ActionStatus.FAILED)
            for a in state.action_states
        )
    )


def status(state: State, action_id: str) -> ActionStatus | None:
    """The status of one action in the state, if it is there."""
    return next((a.action_status for a in state.action_states if a.action_id == action_id), None)


def errors(state: State, error_type: str) -> list[Error]:
    """The errors of one type in the state."""
    return [e for e in state.errors if e.error_type == error_type]


def references(error: Error) -> dict[str, str]:
    """An error's references as a dict."""
    return {r.reference_key: r.reference_value for r in error.error_references or []}
