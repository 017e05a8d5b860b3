"""RosDriver: the agent's Driver for a ROS 2 robot, over the RobotPort the rclpy node provides.

Navigation: the agent hands over one run of released nodes at a time (robot_agent's goal-run
rule, see conversions.goal_runs), and each run becomes one NavigateThroughPoses goal, so the
robot does not stop at every node; feedback reports the poses passed, a cancel of the awaiting
task cancels the goal, and a failed goal raises with Nav2's code and message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fleet_robot_driver.conversions import pose_to_goal
from fleet_robot_driver.goals import run_goal
from fleet_robot_driver.outcomes import PoseProgress, navigation_failure, rejected
from fleet_robot_driver.parameters import DriverParameters, offered_actions
from fleet_robot_driver.photos import stored_photo
from fleet_robot_driver.port import GoalRejected, RobotPort
from fleet_robot_driver.robot_actions import Docking, RobotActions
from robot_agent.driver import (
    BatteryReading,
    DriverError,
    Pose,
    PoseReached,
    VehicleDescription,
)
from robot_agent.errors import NAVIGATION_ERROR, UNKNOWN_ACTION

log = logging.getLogger(__name__)

# errorType of a robot whose ROS interfaces did not come up.
ROS_INTERFACE_ERROR = "rosInterfaceError"


class RosDriver:
    """A ROS 2 robot as the agent drives it: Nav2, docking, speaker, camera and deck."""

    def __init__(
        self,
        port: RobotPort,
        parameters: DriverParameters,
        initial_pose: Pose,
        *,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.1,
    ) -> None:
        self._port = port
        self.parameters = parameters
        self._map_id = initial_pose.map_id
        self._last_pose = initial_pose
        self._last_battery: BatteryReading | None = None
        self._clock = clock
        self._poll = poll
        self._docking = Docking(port, parameters)
        self.actions = RobotActions(
            port, parameters, self._docking, self.current_pose, clock=clock, poll=poll * 5
        )
        self._offered = {action.action_type for action in offered_actions(parameters)}

    def photo(self, evidence_id: str) -> bytes | None:
        """The JPEG or PNG a capturePhoto stored under this id (for the agent's uploader)."""
        return stored_photo(self.actions.photo_dir, evidence_id)

    async def start(self) -> None:
        """Wait for Nav2 and the configured servers, a pose and a battery reading."""
        timeout = self.parameters.startup_timeout
        missing = await self._port.wait_for_servers(timeout)
        if missing:
            raise DriverError(
                ROS_INTERFACE_ERROR,
                f"{self.parameters.serial_number}: no {', '.join(missing)} after {timeout:g} s",
                fatal=True,
            )
        deadline = self._clock() + timeout
        while True:
            pose, battery = self._port.pose(), self._port.battery()
            if pose is not None and battery is not None:
                self._last_pose, self._last_battery = pose, battery
                log.info("%s ready at (%.2f, %.2f)", self.parameters.serial_number, pose.x, pose.y)
                return
            if self._clock() >= deadline:
                silent = [
                    topic
                    for topic, value in (
                        (self.parameters.pose_topic, pose),
                        (self.parameters.battery_topic, battery),
                    )
                    if value is None
                ]
                raise DriverError(
                    ROS_INTERFACE_ERROR,
                    f"{self.parameters.serial_number}: nothing on {', '.join(silent)} "
                    f"within {timeout:g} s",
                    fatal=True,
                )
            await asyncio.sleep(self._poll)

    async def stop(self) -> None:
        """Leave the robot quiet: deck off and no speed cap (goals were cancelled by the agent)."""
        if self.actions.deck_on:
            await self._deck_off()
        self._port.limit_speed(None)

    async def navigate_through_poses(
        self,
        poses: Sequence[Pose],
        on_pose_reached: PoseReached,
        max_speed: float | None = None,
    ) -> None:
        """Drive through the poses as one NavigateThroughPoses goal."""
        if not poses:
            return
        elsewhere = sorted({p.map_id for p in poses if p.map_id != self._map_id})
        if elsewhere:
            raise DriverError(
                NAVIGATION_ERROR,
                f"poses on map {', '.join(elsewhere)}; this robot navigates map {self._map_id}",
            )
        if self._docking.docked:
            await self._docking.undock()
        self._port.limit_speed(max_speed)
        progress = PoseProgress(len(poses), on_pose_reached)
        goals = [pose_to_goal(pose) for pose in poses]
        sending = self._port.navigate(goals, self.parameters.behavior_tree, progress.remaining)
        try:
            outcome = await run_goal(sending, "navigation")
        except GoalRejected as exc:
            raise rejected("navigation goal", str(exc), navigation=True) from None
        finally:
            # The deck cleans the edges of one navigation (the simulator's rule too).
            if self.actions.deck_on:
                await self._deck_off()
        failure = navigation_failure(outcome)
        if failure is not None:
            log.warning("%s: %s", self.parameters.serial_number, failure.description)
            raise failure
        progress.succeeded()

    async def run_action(self, action_type: str, parameters: Mapping[str, Any]) -> str | None:
        """Run one of the actions this robot offers."""
        if action_type not in self._offered:
            offered = ", ".join(sorted(self._offered)) or "none"
            raise DriverError(
                UNKNOWN_ACTION,
                f"{self.parameters.serial_number} cannot run action {action_type!r} "
                f"(offers: {offered})",
            )
        return await self.actions.handlers[action_type](parameters)

    def current_pose(self) -> Pose:
        """The last pose from AMCL or odometry (the start pose until one arrives)."""
        pose = self._port.pose()
        if pose is not None:
            self._last_pose = pose
        return self._last_pose

    def speed(self) -> float:
        """Forward speed from odometry."""
        return self._port.speed()

    def battery(self) -> BatteryReading:
        """The last battery reading with a known charge."""
        reading = self._port.battery() or self._last_battery
        if reading is None:  # only before start(), which waits for one
            return BatteryReading(charge=0.0, charging=False)
        self._last_battery = reading
        return reading

    def description(self) -> VehicleDescription:
        """Series, size and the actions the parameters make available."""
        parameters = self.parameters
        return VehicleDescription(
            series_name=parameters.series_name or parameters.kind.value,
            series_description=parameters.series_description,
            speed_max=parameters.speed_max,
            width=parameters.width,
            length=parameters.length,
            height=parameters.height,
            actions=offered_actions(parameters),
        )

    async def _deck_off(self) -> None:
        try:
            await self.actions.deck(False)
        except DriverError as exc:  # the navigation's own outcome matters more: log this one
            log.error("%s: %s", self.parameters.serial_number, exc.description)
