"""How a robot's VDA 5050 serial number becomes its ROS 2 namespace (one rule for every side)."""

from __future__ import annotations

import re

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")
_REPEATED_UNDERSCORE = re.compile(r"_{2,}")


def ros_namespace(serial_number: str) -> str:
    """The namespace token of a robot, without slashes: `dog-01` -> `dog_01`, `7x` -> `r_7x`.

    A ROS 2 name token holds only letters, digits and underscores and does not start with a
    digit, while a VDA 5050 serial number may also hold `.`, `:` and `-`; each run of those
    becomes one underscore, so the Gazebo world, Nav2, the driver and exported bags agree.
    """
    token = _REPEATED_UNDERSCORE.sub("_", _NOT_NAME.sub("_", serial_number)).strip("_")
    if not token:
        raise ValueError(f"serial number {serial_number!r} has no letter or digit for a ROS name")
    return f"r_{token}" if token[0].isdigit() else token
