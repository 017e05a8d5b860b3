"""What the driver asks of ROS, in plain values: the seam between RosDriver and the rclpy node.

The rclpy node (node.py) is the one implementation on a robot. Everything the driver decides
(goal runs, progress, errors, actions) happens on this side of the seam, without rclpy, so it is
tested here; the node only turns these values into messages and back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from fleet_robot_driver.conversions import GoalPose
from robot_agent.driver import BatteryReading, Pose

# action_msgs/msg/GoalStatus values an ended goal can have.
STATUS_SUCCEEDED = 4
STATUS_CANCELED = 5
STATUS_ABORTED = 6


@dataclass(frozen=True)
class GoalOutcome:
    """How an action goal ended: its GoalStatus and the result's error code and message.

    error_code is None when the result has no such field (NavigateThroughPoses on Humble).
    """

    status: int
    error_code: int | None = None
    error_msg: str = ""
    success: bool | None = None  # DockRobot/UndockRobot results say so themselves


class GoalRejected(Exception):
    """The action server refused the goal (or was not there to take it)."""


class ActionGoal(Protocol):
    """A goal an action server has accepted."""

    async def result(self) -> GoalOutcome:
        """Wait for the goal to end."""

    async def cancel(self) -> None:
        """Ask the server to cancel the goal and wait for its answer."""


@dataclass(frozen=True)
class DockGoal:
    """A DockRobot goal: a dock from the docking server's database, or one at a pose."""

    dock_id: str = ""
    dock_pose: GoalPose | None = None
    dock_type: str = ""
    navigate_to_staging_pose: bool = True


@dataclass(frozen=True)
class CapturedImage:
    """The latest camera frame: raw (sensor_msgs/Image) or compressed (CompressedImage).

    received is the driver's monotonic clock when it arrived; for a compressed image `encoding`
    is the message's format string (e.g. "jpeg") and width/height/step are 0.
    """

    received: float
    encoding: str
    width: int
    height: int
    step: int
    data: bytes
    compressed: bool = False


# Called in the agent's loop with NavigateThroughPoses feedback's number_of_poses_remaining.
RemainingPoses = Callable[[int], None]


class RobotPort(Protocol):
    """The robot's ROS interfaces as the driver uses them.

    Every coroutine runs in the agent's loop, and every callback it is given is called there.
    """

    async def wait_for_servers(self, timeout: float) -> list[str]:
        """Wait up to timeout seconds for the action servers and services; the ones missing."""

    async def navigate(
        self, poses: Sequence[GoalPose], behavior_tree: str, on_remaining: RemainingPoses
    ) -> ActionGoal:
        """Send one NavigateThroughPoses goal; raises GoalRejected if it is refused."""

    async def dock(self, goal: DockGoal) -> ActionGoal:
        """Send a DockRobot goal; raises GoalRejected if it is refused."""

    async def undock(self, dock_type: str) -> ActionGoal:
        """Send an UndockRobot goal; raises GoalRejected if it is refused."""

    async def set_deck(self, on: bool) -> tuple[bool, str]:
        """Switch the cleaning deck through its SetBool service: (success, message)."""

    def say(self, text: str) -> None:
        """Publish text to the speech topic."""

    def limit_speed(self, speed: float | None) -> None:
        """Cap Nav2's speed in m/s (None: no cap)."""

    def latest_image(self) -> CapturedImage | None:
        """The last camera frame received, if any."""

    def pose(self) -> Pose | None:
        """The robot's last reported map pose, if any."""

    def speed(self) -> float:
        """Forward speed from odometry, m/s (0 before any odometry)."""

    def battery(self) -> BatteryReading | None:
        """The last battery reading with a known charge, if any."""
