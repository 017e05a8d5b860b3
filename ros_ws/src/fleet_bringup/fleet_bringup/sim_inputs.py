"""The simulated inputs of a robot: its loopback simulator, start pose and battery stand-in.

The messages are YAML for `ros2 topic pub`, which the launch files run: fleet_bringup starts
no node of its own (rclpy lives in fleet_robot_driver only).
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from fleet_bringup.docks import MAP_FRAME
from fleet_bringup.layout import LayoutError, Pose2D
from fleet_protocol.orientation import yaw_to_quaternion

# AMCL's initial spread around a start pose given by the simulation: x, y (m^2), yaw (rad^2).
INITIAL_POSE_VARIANCE = (0.05, 0.05, 0.02)
# The loopback robot's lidar frame, published as static transforms by simulation.launch.py.
LOOPBACK_SCAN_FRAME = "base_scan"
# sensor_msgs/BatteryState.power_supply_status
POWER_SUPPLY_STATUS_DISCHARGING = 2


def initial_pose_message(start: Pose2D) -> str:
    """geometry_msgs/PoseWithCovarianceStamped at the start pose, as `ros2 topic pub` YAML."""
    q = yaw_to_quaternion(start.yaw)
    covariance = [0.0] * 36
    covariance[0], covariance[7], covariance[35] = INITIAL_POSE_VARIANCE
    message = {
        "header": {"frame_id": MAP_FRAME},
        "pose": {
            "pose": {
                "position": {"x": start.x, "y": start.y, "z": 0.0},
                "orientation": {"x": q.x, "y": q.y, "z": q.z, "w": q.w},
            },
            "covariance": covariance,
        },
    }
    return _flow_yaml(message)


def battery_message(charge: float) -> str:
    """sensor_msgs/BatteryState of a discharging battery at `charge` percent, as YAML."""
    if not math.isfinite(charge) or not 0 <= charge <= 100:
        raise LayoutError(f"battery charge must be 0..100 percent, got {charge!r}")
    message = {
        "percentage": round(charge / 100, 4),
        "present": True,
        "power_supply_status": POWER_SUPPLY_STATUS_DISCHARGING,
    }
    return _flow_yaml(message)


def loopback_parameters() -> dict[str, Any]:
    """nav2_loopback_sim's parameters for one robot of a loopback simulation.

    Many robots share the machine, so nothing runs on simulated time: each loopback simulator
    would publish its own /clock. AMCL localizes every robot, as on a real one (the driver's
    pose is AMCL's), so the simulator does not publish map -> odom itself.
    """
    return {
        "use_sim_time": False,
        "publish_clock": False,
        "publish_map_odom_tf": False,
        "map_frame_id": MAP_FRAME,
        "odom_frame_id": "odom",
        "base_frame_id": "base_footprint",
        "scan_frame_id": LOOPBACK_SCAN_FRAME,
        "update_duration": 0.02,
        "scan_range_max": 30.0,
    }


def _flow_yaml(message: dict[str, Any]) -> str:
    text: str = yaml.safe_dump(message, default_flow_style=True, width=1_000_000)
    return text.strip()
