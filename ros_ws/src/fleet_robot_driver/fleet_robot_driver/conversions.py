"""ROS-free conversions of the ROS 2 driver: poses and quaternions, goal runs, Nav2 errors, battery.

Nothing here imports rclpy or a ROS message type, so it runs and is tested without ROS; the node
module copies message fields into and out of these plain values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fleet_protocol.order import Edge, Node
from fleet_protocol.orientation import Quaternion, quaternion_to_yaw, yaw_to_quaternion
from fleet_protocol.state import ErrorLevel
from robot_agent.driver import DriverError, Pose
from robot_agent.errors import NAVIGATION_ERROR
from robot_agent.order_graph import OrderGraph, node_pose

# --- Poses ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalPose:
    """A planar pose as Nav2 takes it: position and orientation quaternion on a map.

    map_id is the VDA 5050 mapId; which tf frame a map is drawn in is the node's setting.
    """

    x: float
    y: float
    orientation: Quaternion
    map_id: str


def pose_to_goal(pose: Pose) -> GoalPose:
    """A driver Pose as a Nav2 goal pose."""
    return GoalPose(pose.x, pose.y, yaw_to_quaternion(pose.theta), pose.map_id)


def goal_to_pose(goal: GoalPose) -> Pose:
    """A Nav2 pose (goal, odometry or AMCL) as a driver Pose."""
    return Pose(goal.x, goal.y, quaternion_to_yaw(goal.orientation), goal.map_id)


def node_goal_poses(nodes: Sequence[Node], start: Pose) -> list[GoalPose]:
    """The goal poses of a run of nodes driven from `start`.

    A node without theta faces the direction of travel into it (from the pose before it), and
    keeps the previous heading when it is where the robot already is: the agent's own rule
    (robot_agent.order_graph.node_pose), so the ROS driver and the simulator agree.
    """
    poses, previous = [], start
    for node in nodes:
        previous = node_pose(node, previous)
        poses.append(pose_to_goal(previous))
    return poses


# --- Goal runs -----------------------------------------------------------------------------


def goal_runs(nodes: Iterable[Node], edges: Iterable[Edge] = ()) -> list[list[Node]]:
    """The released nodes still to pass, split into one NavigateThroughPoses goal each.

    A run ends at a node with a SOFT or HARD action (the goal stops there so the action can
    run), before an edge with one, or at the last released node. The rule is OrderGraph.next_run's,
    applied until the base is used up.
    """
    graph = OrderGraph()
    graph.nodes = sorted(nodes, key=lambda n: n.sequence_id)
    graph.edges = sorted(edges, key=lambda e: e.sequence_id)
    runs = []
    while run := graph.next_run():
        runs.append(run)
        for node in run:
            graph.pass_node(node)
    return runs


# --- Nav2 errors ---------------------------------------------------------------------------

# Our errorTypes for Nav2 failures (VDA 5050 leaves vehicle errorTypes to the vehicle).
PATH_PLANNING_ERROR = "pathPlanningError"
PATH_FOLLOWING_ERROR = "pathFollowingError"
LOCALIZATION_ERROR = "localizationError"

# NavigateThroughPoses.Result has no error code on Humble (std_msgs/Empty result). On Jazzy it
# carries error_code and error_msg: the lowest code the behaviour tree's planner and controller
# set (bt_navigator error_code_names), from these ranges of the nav2_msgs actions. Kilted adds
# the navigator's own codes. Source: ros-navigation/navigation2 nav2_msgs/action/*.action on the
# jazzy branch (FollowPath, ComputePathToPose, ComputePathThroughPoses, SmoothPath) and kilted
# (NavigateToPose 9000-9003, NavigateThroughPoses 9100-9103).
_PLANNER_CODES = {
    0: "UNKNOWN",
    1: "INVALID_PLANNER",
    2: "TF_ERROR",
    3: "START_OUTSIDE_MAP",
    4: "GOAL_OUTSIDE_MAP",
    5: "START_OCCUPIED",
    6: "GOAL_OCCUPIED",
    7: "TIMEOUT",
    8: "NO_VALID_PATH",
    9: "NO_VIAPOINTS_GIVEN",  # ComputePathThroughPoses only
}
_NAVIGATOR_CODES = {0: "UNKNOWN", 1: "FAILED_TO_LOAD_BEHAVIOR_TREE", 2: "TF_ERROR", 3: "TIMEOUT"}
NAV2_ERROR_NAMES: dict[int, str] = {
    100: "UNKNOWN",
    101: "INVALID_CONTROLLER",
    102: "TF_ERROR",
    103: "INVALID_PATH",
    104: "PATIENCE_EXCEEDED",
    105: "FAILED_TO_MAKE_PROGRESS",
    106: "NO_VALID_CONTROL",
    107: "CONTROLLER_TIMED_OUT",
    **{200 + i: name for i, name in _PLANNER_CODES.items() if i != 9},
    **{300 + i: name for i, name in _PLANNER_CODES.items()},
    500: "UNKNOWN",
    501: "INVALID_SMOOTHER",
    502: "TIMEOUT",
    503: "SMOOTHED_PATH_IN_COLLISION",
    504: "FAILED_TO_SMOOTH_PATH",
    505: "INVALID_PATH",
    **{9000 + i: name for i, name in _NAVIGATOR_CODES.items()},
    **{9100 + i: name for i, name in _NAVIGATOR_CODES.items()},
}
# Which server a code's hundred belongs to, and the errorType its failures get.
_SOURCES: dict[int, tuple[str, str]] = {
    1: ("controller", PATH_FOLLOWING_ERROR),
    2: ("planner", PATH_PLANNING_ERROR),
    3: ("planner", PATH_PLANNING_ERROR),
    5: ("smoother", PATH_PLANNING_ERROR),
    90: ("navigator", NAVIGATION_ERROR),
    91: ("navigator", NAVIGATION_ERROR),
}
# A misconfigured Nav2 fails every goal alike: someone has to fix the robot (FATAL).
_FATAL_ERRORS = {
    "INVALID_CONTROLLER",
    "INVALID_PLANNER",
    "INVALID_SMOOTHER",
    "FAILED_TO_LOAD_BEHAVIOR_TREE",
}


@dataclass(frozen=True)
class Nav2Error:
    """A failed Nav2 goal as a VDA 5050 error, keeping Nav2's code and message."""

    error_type: str
    error_level: ErrorLevel
    description: str
    code: int | None
    message: str

    def to_driver_error(self) -> DriverError:
        """The DriverError the driver raises for it."""
        fatal = self.error_level is ErrorLevel.FATAL
        return DriverError(self.error_type, self.description, fatal=fatal)


def nav2_error(code: int | None, message: str = "") -> Nav2Error | None:
    """The VDA 5050 error of a failed NavigateThroughPoses goal; None for code NONE (0).

    code None is a failure without a code (Humble, or an aborted goal with no result); codes
    this table does not know become a generic navigationError naming the code.
    """
    if code == 0:
        return None
    message = message.strip()
    known = None if code is None else NAV2_ERROR_NAMES.get(code)
    if code is None:
        name, error_type = "navigation failed (no Nav2 error code)", NAVIGATION_ERROR
    elif known is None:
        name, error_type = f"unknown Nav2 error code {code}", NAVIGATION_ERROR
    else:
        source, error_type = _SOURCES[code // 100]
        name = f"{source} {known} (Nav2 error code {code})"
        if known == "TF_ERROR":
            error_type = LOCALIZATION_ERROR
    fatal = known is not None and known in _FATAL_ERRORS
    level = ErrorLevel.FATAL if fatal else ErrorLevel.WARNING
    description = f"{name}: {message}" if message else name
    return Nav2Error(error_type, level, description, code, message)


# --- Battery -------------------------------------------------------------------------------

# sensor_msgs/BatteryState.POWER_SUPPLY_STATUS_CHARGING
POWER_SUPPLY_STATUS_CHARGING = 1


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def battery_percentage(
    percentage: float | None, charge: float | None = None, capacity: float | None = None
) -> float | None:
    """Charge in percent (0..100) from BatteryState fields; None when nothing is known.

    percentage is a fraction 0..1 and NaN when not measured; then charge / capacity (Ah, NaN
    when not measured) is used. Readings past the ends are clamped.
    """
    if percentage is not None and _known(percentage):
        fraction = percentage
    elif charge is not None and capacity is not None and _known(charge) and _known(capacity):
        if capacity <= 0.0:
            return None
        fraction = charge / capacity
    else:
        return None
    return min(100.0, max(0.0, fraction * 100.0))


def is_charging(power_supply_status: int) -> bool:
    """Whether BatteryState.power_supply_status says the battery is charging."""
    return power_supply_status == POWER_SUPPLY_STATUS_CHARGING
