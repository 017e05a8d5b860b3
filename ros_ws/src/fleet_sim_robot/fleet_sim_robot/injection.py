"""Failures on request, through a simulated robot's ROS parameters (`ros2 param set`).

fail_navigation_code (with fail_navigation_after_poses and fail_navigation_message) makes the
next NavigateThroughPoses or NavigateToPose goal end with that Nav2 error code; fail_dock_code
(with fail_dock_message) the next DockRobot goal. A code of 0 is no failure; a failure is used
once, and its code parameter goes back to 0.
"""

from __future__ import annotations

import logging
from typing import Any

from rcl_interfaces.msg import ParameterDescriptor
from rclpy.node import Node
from rclpy.parameter import Parameter

from fleet_sim_robot.base import SimBase

log = logging.getLogger(__name__)

FAILURE_PARAMETERS: dict[str, Any] = {
    "fail_navigation_code": 0,
    "fail_navigation_after_poses": 0,
    "fail_navigation_message": "simulated failure",
    "fail_dock_code": 0,
    "fail_dock_message": "simulated docking failure",
}


class FailureParameters:
    """The failure parameters of one robot's node, arming its SimBase as they are set."""

    def __init__(self, node: Node, base: SimBase) -> None:
        self._node = node
        self._base = base
        for name, default in FAILURE_PARAMETERS.items():
            # A descriptor each: rclpy writes the parameter's type into the one it is given.
            descriptor = ParameterDescriptor(description="set to make the next goal fail")
            node.declare_parameter(name, default, descriptor)
        node.add_post_set_parameters_callback(self._on_set)

    def disarm(self, name: str) -> None:
        """A failure has been used: its code parameter goes back to 0."""
        self._node.set_parameters([Parameter(name, value=0)])

    def _on_set(self, parameters: list[Any]) -> None:  # rclpy Parameters
        # SetParameters sets one parameter after the other: arm with the values as they stand.
        names = {parameter.name for parameter in parameters}
        serial = self._base.serial_number
        if any(name.startswith("fail_navigation_") for name in names):
            code = int(self._value("fail_navigation_code"))
            self._base.fail_next_navigation(
                code,
                str(self._value("fail_navigation_message")),
                int(self._value("fail_navigation_after_poses")),
            )
            if code:
                log.info("%s: the next navigation fails (%d)", serial, code)
        if any(name.startswith("fail_dock_") for name in names):
            code = int(self._value("fail_dock_code"))
            self._base.fail_next_dock(code, str(self._value("fail_dock_message")))
            if code:
                log.info("%s: the next docking fails (%d)", serial, code)

    def _value(self, name: str) -> Any:
        return self._node.get_parameter(name).value
