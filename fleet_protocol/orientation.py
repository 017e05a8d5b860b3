"""Headings as VDA 5050 gives them (theta, radians) and as ROS does (a quaternion about z).

Plain numbers, no ROS types: the ROS 2 driver, the bringup and the server's bag export all
convert with these, so a heading means the same on every side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quaternion:
    """geometry_msgs/Quaternion as plain numbers."""

    x: float
    y: float
    z: float
    w: float


def normalize_angle(angle: float) -> float:
    """The same angle in (-pi, pi]; VDA 5050 theta and ROS yaw both live in [-pi, pi]."""
    wrapped = math.remainder(angle, math.tau)
    return math.pi if wrapped <= -math.pi else wrapped


def yaw_to_quaternion(yaw: float) -> Quaternion:
    """The rotation by yaw about z (w >= 0, so pi and -pi give the same quaternion)."""
    half = normalize_angle(yaw) / 2.0
    return Quaternion(0.0, 0.0, math.sin(half), math.cos(half))


def quaternion_to_yaw(q: Quaternion) -> float:
    """The heading of a quaternion, in (-pi, pi]; scale-free, so an unnormalised one is fine."""
    siny = 2.0 * (q.w * q.z + q.x * q.y)
    cosy = q.w * q.w + q.x * q.x - q.y * q.y - q.z * q.z
    if siny == 0.0 and cosy == 0.0:
        raise ValueError(f"no heading in quaternion {q}")
    return normalize_angle(math.atan2(siny, cosy))
