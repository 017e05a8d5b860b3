"""The simulated robot's ROS messages: poses in and out, odometry, battery, camera, results."""

from __future__ import annotations

import math
from typing import Any

from geometry_msgs.msg import PoseStamped, PoseWithCovarianceStamped
from nav_msgs.msg import Odometry
from sensor_msgs.msg import BatteryState, Image

from fleet_protocol.orientation import Quaternion, quaternion_to_yaw, yaw_to_quaternion
from fleet_sim_robot import frames
from fleet_sim_robot.outcomes import Outcome
from robot_agent.driver import Pose

BASE_FRAME = "base_link"
CAMERA_FRAME = "camera"


def stamped(pose: Pose, frame: str, stamp: Any) -> PoseStamped:
    """A pose as PoseStamped in `frame`."""
    message = PoseStamped()
    message.header.stamp = stamp
    message.header.frame_id = frame
    message.pose.position.x, message.pose.position.y = pose.x, pose.y
    q = yaw_to_quaternion(pose.theta)
    message.pose.orientation.x, message.pose.orientation.y = q.x, q.y
    message.pose.orientation.z, message.pose.orientation.w = q.z, q.w
    return message


def goal_pose(message: PoseStamped, heading: float, map_id: str) -> Pose:
    """A goal's pose; an all-zero orientation keeps `heading`."""
    o = message.pose.orientation
    if any((o.x, o.y, o.z, o.w)):
        heading = quaternion_to_yaw(Quaternion(o.x, o.y, o.z, o.w))
    return Pose(message.pose.position.x, message.pose.position.y, heading, map_id)


def odometry(pose: Pose, speed: float, frame: str, stamp: Any) -> Odometry:
    """Odometry in the map frame itself (the simulated robot does not drift)."""
    message = Odometry()
    message.header.stamp = stamp
    message.header.frame_id = frame
    message.child_frame_id = BASE_FRAME
    message.pose.pose = stamped(pose, frame, stamp).pose
    message.twist.twist.linear.x = float(speed)
    return message


def amcl_pose(pose: Pose, frame: str, stamp: Any) -> PoseWithCovarianceStamped:
    """The pose as AMCL publishes it."""
    message = PoseWithCovarianceStamped()
    message.header.stamp = stamp
    message.header.frame_id = frame
    message.pose.pose = stamped(pose, frame, stamp).pose
    return message


def battery_state(level: float, charging: bool, stamp: Any) -> BatteryState:
    """The battery at `level` percent; charging, or full on the charger, or discharging."""
    message = BatteryState()
    message.header.stamp = stamp
    message.percentage = float(level / 100.0)
    message.voltage = math.nan
    message.present = True
    if not charging:
        message.power_supply_status = BatteryState.POWER_SUPPLY_STATUS_DISCHARGING
    elif level >= 100.0:
        message.power_supply_status = BatteryState.POWER_SUPPLY_STATUS_FULL
    else:
        message.power_supply_status = BatteryState.POWER_SUPPLY_STATUS_CHARGING
    return message


def camera_image(pose: Pose, number: int, stamp: Any) -> Image:
    """Frame `number` of the camera, looking from `pose`."""
    message = Image()
    message.header.stamp = stamp
    message.header.frame_id = CAMERA_FRAME
    message.width, message.height = frames.WIDTH, frames.HEIGHT
    message.encoding = frames.ENCODING
    message.step = frames.WIDTH * frames.CHANNELS
    message.data = frames.frame(pose.x, pose.y, pose.theta, number)
    return message


def result(action: Any, outcome: Outcome) -> Any:
    """The action's result message: Nav2's error code and message (and success for docking)."""
    message = action.Result()
    message.error_code = outcome.error_code
    message.error_msg = outcome.error_msg
    if hasattr(message, "success"):  # DockRobot, UndockRobot
        message.success = outcome.succeeded
    return message
