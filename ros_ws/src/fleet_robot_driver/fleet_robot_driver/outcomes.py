"""Reading Nav2's answers: poses passed from feedback, and how an ended goal becomes an error.

No rclpy: feedback and results arrive here as numbers (see port.GoalOutcome).
"""

from __future__ import annotations

from fleet_robot_driver.conversions import nav2_error
from fleet_robot_driver.port import STATUS_CANCELED, STATUS_SUCCEEDED, GoalOutcome
from robot_agent.driver import DriverError, PoseReached
from robot_agent.errors import ACTION_ERROR, NAVIGATION_ERROR

DOCKING_ERROR = "dockingError"

# GoalStatus names, for messages.
_STATUS_NAMES = {0: "UNKNOWN", 1: "ACCEPTED", 2: "EXECUTING", 3: "CANCELING", 4: "SUCCEEDED"}
_STATUS_NAMES.update({5: "CANCELED", 6: "ABORTED"})


class PoseProgress:
    """Turns NavigateThroughPoses feedback into on_pose_reached calls, each index once, in order.

    bt_navigator reports number_of_poses_remaining as the goal poses its RemovePassedGoals node
    has not yet dropped, and that node never drops the last one: so `count - remaining` poses
    are behind the robot, and the last is reached only when the goal succeeds.
    """

    def __init__(self, count: int, on_pose_reached: PoseReached) -> None:
        self._count = count
        self._next = 0
        self._on_pose_reached = on_pose_reached

    @property
    def reached(self) -> int:
        """How many poses have been reported reached."""
        return self._next

    def remaining(self, poses_remaining: int) -> None:
        """Feedback: report the poses passed since the last feedback (late feedback is ignored)."""
        self._report(min(self._count - poses_remaining, self._count - 1))

    def succeeded(self) -> None:
        """The goal succeeded: every pose is reached."""
        self._report(self._count)

    def _report(self, passed: int) -> None:
        while self._next < passed:
            index, self._next = self._next, self._next + 1
            self._on_pose_reached(index)


def navigation_failure(outcome: GoalOutcome) -> DriverError | None:
    """The error of an ended NavigateThroughPoses goal; None when it succeeded."""
    if outcome.status == STATUS_SUCCEEDED:
        return None
    if outcome.status == STATUS_CANCELED:
        # The agent's own cancels never get here (the awaiting task is cancelled instead).
        return DriverError(NAVIGATION_ERROR, "Nav2 cancelled the goal (not the agent)")
    error = nav2_error(outcome.error_code, outcome.error_msg)
    if error is None:  # ABORTED with code NONE: Nav2 gives no reason
        return DriverError(NAVIGATION_ERROR, f"Nav2 ended the goal {status_name(outcome.status)}")
    return error.to_driver_error()


# DockRobot and UndockRobot result codes, from nav2_msgs/action/DockRobot.action and
# UndockRobot.action on the jazzy branch of ros-navigation/navigation2 (the same values as
# opennav_docking_msgs on Humble).
DOCKING_ERROR_NAMES = {
    901: "DOCK_NOT_IN_DB",
    902: "DOCK_NOT_VALID",
    903: "FAILED_TO_STAGE",
    904: "FAILED_TO_DETECT_DOCK",
    905: "FAILED_TO_CONTROL",
    906: "FAILED_TO_CHARGE",
    999: "UNKNOWN",
}
# Errors no retry will mend: the dock is not known or not of a known type.
_FATAL_DOCKING = {"DOCK_NOT_IN_DB", "DOCK_NOT_VALID"}


def docking_failure(outcome: GoalOutcome, what: str) -> DriverError | None:
    """The error of an ended DockRobot/UndockRobot goal (`what` says which); None on success."""
    if outcome.status == STATUS_SUCCEEDED and outcome.success is not False:
        return None
    if outcome.status == STATUS_CANCELED:
        return DriverError(DOCKING_ERROR, f"{what}: the docking server cancelled the goal")
    code = outcome.error_code
    name = DOCKING_ERROR_NAMES.get(code or 0)
    if name is None:
        reason = f"{status_name(outcome.status)}, error code {code}" if code else "failed"
    else:
        reason = f"{name} (error code {code})"
    message = outcome.error_msg.strip()
    description = f"{what}: {reason}" + (f": {message}" if message else "")
    return DriverError(DOCKING_ERROR, description, fatal=name in _FATAL_DOCKING)


def rejected(what: str, reason: str, *, navigation: bool) -> DriverError:
    """The error of a goal or call that a ROS server refused or that found no server."""
    return DriverError(NAVIGATION_ERROR if navigation else ACTION_ERROR, f"{what}: {reason}")


def status_name(status: int) -> str:
    """A GoalStatus value by name."""
    return _STATUS_NAMES.get(status, f"status {status}")
