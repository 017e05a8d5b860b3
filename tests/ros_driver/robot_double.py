"""A robot's ROS side without ROS: Nav2, docking, speaker, camera and deck in a thread of their own.

ROS 2 cannot be installed here, so the RosDriver's tests put this behind its RobotPort. Like
rclpy's executor, a worker thread completes every goal and call (concurrent futures, which have
rclpy.task.Future's shape) and sends feedback, and LoopBridge carries it all into the agent's
loop; the driver under test and the bridge are the real ones. It moves the robot pose to pose
the way bt_navigator reports it: number_of_poses_remaining drops as poses are passed and never
below one before the goal succeeds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from fleet_robot_driver.bridge import LoopBridge
from fleet_robot_driver.conversions import GoalPose, goal_to_pose
from fleet_robot_driver.port import (
    STATUS_ABORTED,
    STATUS_CANCELED,
    STATUS_SUCCEEDED,
    CapturedImage,
    DockGoal,
    GoalOutcome,
    GoalRejected,
    RemainingPoses,
)

from robot_agent.driver import BatteryReading, Pose


@dataclass
class NavFailure:
    """Make the next navigation goal abort with a Nav2 error after passing some poses."""

    code: int | None
    message: str = ""
    after_poses: int = 0


@dataclass
class Sent:
    """What the robot was sent, in order."""

    navigations: list[list[GoalPose]] = field(default_factory=list)
    behavior_trees: list[str] = field(default_factory=list)
    docks: list[DockGoal] = field(default_factory=list)
    undocks: list[str] = field(default_factory=list)
    deck: list[bool] = field(default_factory=list)
    speech: list[str] = field(default_factory=list)
    speed_limits: list[float | None] = field(default_factory=list)
    cancels: int = 0


class ThreadGoal:
    """A goal run by the worker thread; its result and cancel cross the bridge like rclpy's."""

    def __init__(self, bridge: LoopBridge, result: Future[GoalOutcome]) -> None:
        self._bridge = bridge
        self._result = result
        self.cancel_requested = threading.Event()
        self.on_cancel: list[Future[None]] = []

    async def result(self) -> GoalOutcome:
        return await self._bridge.future(self._result)

    async def cancel(self) -> None:
        answer: Future[None] = Future()
        self.on_cancel.append(answer)
        self.cancel_requested.set()
        await self._bridge.future(answer)


class ThreadedRobot:
    """RobotPort on a worker thread: poses every `step` seconds, scripted failures and answers."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        map_id: str,
        start: Pose,
        step: float = 0.02,
        battery: BatteryReading | None = None,
    ) -> None:
        self.bridge = LoopBridge(loop)
        self.map_id = map_id
        self.step = step
        self.sent = Sent()
        self.missing: list[str] = []
        self.reject_next = False
        self.accept_delay = 0.0
        self.nav_failure: NavFailure | None = None
        self.dock_outcome = GoalOutcome(STATUS_SUCCEEDED, 0, "", success=True)
        self.deck_answer = (True, "")
        self.image: CapturedImage | None = None
        self.current_battery = battery
        self.current_pose: Pose | None = start
        self.forward_speed = 0.0
        self.threads: list[threading.Thread] = []
        self.callback_threads: set[str] = set()

    def _work(self, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    async def wait_for_servers(self, timeout: float) -> list[str]:
        return list(self.missing)

    async def navigate(
        self, poses: Sequence[GoalPose], behavior_tree: str, on_remaining: RemainingPoses
    ) -> ThreadGoal:
        self.sent.navigations.append(list(poses))
        self.sent.behavior_trees.append(behavior_tree)
        accepted: Future[ThreadGoal] = Future()
        result: Future[GoalOutcome] = Future()
        goal = ThreadGoal(self.bridge, result)
        failure, self.nav_failure = self.nav_failure, None
        rejected, self.reject_next = self.reject_next, False
        self._work(
            self._drive, list(poses), goal, accepted, result, on_remaining, failure, rejected
        )
        return await self.bridge.future(accepted)

    def _drive(
        self,
        poses: list[GoalPose],
        goal: ThreadGoal,
        accepted: Future[ThreadGoal],
        result: Future[GoalOutcome],
        on_remaining: RemainingPoses,
        failure: NavFailure | None,
        rejected: bool,
    ) -> None:
        time.sleep(self.accept_delay)
        if rejected:
            accepted.set_exception(GoalRejected("action server navigate_through_poses refused"))
            return
        accepted.set_result(goal)
        for index, pose in enumerate(poses):
            if failure is not None and index >= failure.after_poses:
                result.set_result(GoalOutcome(STATUS_ABORTED, failure.code, failure.message))
                return
            if goal.cancel_requested.wait(self.step):
                self.sent.cancels += 1
                for answer in goal.on_cancel:
                    answer.set_result(None)
                result.set_result(GoalOutcome(STATUS_CANCELED))
                return
            self.forward_speed = 1.0
            self.current_pose = goal_to_pose(pose)
            if index < len(poses) - 1:
                self.bridge.call(self._feedback, on_remaining, len(poses) - index - 1)
        self.forward_speed = 0.0
        result.set_result(GoalOutcome(STATUS_SUCCEEDED, 0, ""))

    def _feedback(self, on_remaining: RemainingPoses, remaining: int) -> None:
        self.callback_threads.add(threading.current_thread().name)
        on_remaining(remaining)

    async def dock(self, goal: DockGoal) -> ThreadGoal:
        self.sent.docks.append(goal)
        return await self._answered(self.dock_outcome)

    async def undock(self, dock_type: str) -> ThreadGoal:
        self.sent.undocks.append(dock_type)
        return await self._answered(GoalOutcome(STATUS_SUCCEEDED, 0, "", success=True))

    async def _answered(self, outcome: GoalOutcome) -> ThreadGoal:
        accepted: Future[ThreadGoal] = Future()
        result: Future[GoalOutcome] = Future()
        goal = ThreadGoal(self.bridge, result)

        def answer() -> None:
            time.sleep(self.step)
            accepted.set_result(goal)
            time.sleep(self.step)
            result.set_result(outcome)

        self._work(answer)
        return await self.bridge.future(accepted)

    async def set_deck(self, on: bool) -> tuple[bool, str]:
        self.sent.deck.append(on)
        answer: Future[tuple[bool, str]] = Future()
        self._work(lambda: answer.set_result(self.deck_answer))
        return await self.bridge.future(answer)

    def say(self, text: str) -> None:
        self.sent.speech.append(text)

    def limit_speed(self, speed: float | None) -> None:
        self.sent.speed_limits.append(speed)

    def latest_image(self) -> CapturedImage | None:
        return self.image

    def pose(self) -> Pose | None:
        return self.current_pose

    def speed(self) -> float:
        return self.forward_speed

    def battery(self) -> BatteryReading | None:
        return self.current_battery
