"""Entry points: `ros2 run fleet_robot_driver agent`, and `robot-agent --driver ros`.

Both build one rclpy node named fleet_robot_driver in the robot's namespace, read its parameters
(config/driver.yaml), spin it in a thread of its own from the driver's start to its stop, and run
robot_agent's VDA 5050 session with the driver on asyncio.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

import rclpy
from pydantic import ValidationError
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.exceptions import ParameterException
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.signals import SignalHandlerOptions
from rclpy.utilities import ok, try_shutdown

from fleet_protocol.ros_names import ros_namespace
from fleet_robot_driver.bridge import LoopBridge
from fleet_robot_driver.node import RclpyPort
from fleet_robot_driver.parameters import (
    PARAMETER_DEFAULTS,
    DriverParameters,
    ParameterError,
    option_values,
)
from fleet_robot_driver.ros_driver import RosDriver
from fleet_robot_driver.spin import SpinThread
from robot_agent.cli import run_until_signal
from robot_agent.driver import DriverContext, DriverError, Pose
from robot_agent.settings import AgentSettings

log = logging.getLogger("fleet_robot_driver")

NODE_NAME = "fleet_robot_driver"
DRIVER_NAME = "ros"


class SpinningDriver(RosDriver):
    """A RosDriver whose node spins from start() until stop(), then is destroyed."""

    def __init__(
        self, node: Node, parameters: DriverParameters, initial_pose: Pose, *, own_rclpy: bool
    ) -> None:
        bridge = LoopBridge(asyncio.get_running_loop())
        self._node = node
        self._spin = SpinThread(node, bridge)
        self._own_rclpy = own_rclpy
        self._closed = False
        port = RclpyPort(node, parameters, initial_pose.map_id, bridge, self._spin)
        super().__init__(port, parameters, initial_pose)

    async def start(self) -> None:
        """Spin the node, then wait for the robot's interfaces."""
        self._spin.start()
        await super().start()

    async def stop(self) -> None:
        """Quiet the robot, then stop spinning and let the node go."""
        try:
            await super().stop()
        finally:
            self.close()

    def close(self) -> None:
        """Stop spinning, destroy the node, and shut rclpy down if this driver started it."""
        if self._closed:
            return
        self._closed = True
        self._spin.stop()
        self._node.destroy_node()
        if self._own_rclpy:
            try_shutdown()


def read_parameters(node: Node) -> DriverParameters:
    """Declare every driver parameter on the node and check the values it was given."""
    # Dynamic typing lets DriverParameters name a wrongly typed value itself, and accept 30
    # where 30.0 is meant.
    descriptor = ParameterDescriptor(dynamic_typing=True)
    values: dict[str, Any] = {}
    for name, default in PARAMETER_DEFAULTS.items():
        try:
            values[name] = node.declare_parameter(name, default, descriptor).value
        except ParameterException as exc:
            raise ParameterError(f"{name}: {exc}") from None
    return DriverParameters.from_values(values, node.get_namespace())


def create_driver(context: DriverContext) -> RosDriver:
    """Entry point `ros` of robot_agent.drivers: options are driver parameters (KEY=VALUE)."""
    own_rclpy = not ok()
    if own_rclpy:
        rclpy.init(signal_handler_options=SignalHandlerOptions.NO)
    overrides = {
        **option_values(context.options),
        "serial_number": context.serial_number,
        "kind": context.kind.value,
    }
    node = rclpy.create_node(
        NODE_NAME,
        namespace="/" + ros_namespace(context.serial_number),
        parameter_overrides=[Parameter(name, value=value) for name, value in overrides.items()],
    )
    try:
        parameters = read_parameters(node)
    except ParameterError:
        node.destroy_node()
        raise
    return SpinningDriver(node, parameters, context.initial_pose, own_rclpy=own_rclpy)


async def _serve(node: Node, parameters: DriverParameters, settings: AgentSettings) -> None:
    driver = SpinningDriver(node, parameters, settings.initial_pose, own_rclpy=False)
    try:
        await run_until_signal(settings, driver, DRIVER_NAME)
    finally:
        driver.close()  # also when start() failed, which the agent does not stop after


def main(args: Sequence[str] | None = None) -> None:
    """The `agent` executable: the node's parameters name the robot and its interfaces."""
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The agent stops on SIGINT/SIGTERM itself (saying OFFLINE first), so rclpy installs none.
    arguments = None if args is None else list(args)
    rclpy.init(args=arguments, signal_handler_options=SignalHandlerOptions.NO)
    node = rclpy.create_node(NODE_NAME)
    try:
        parameters = read_parameters(node)
        settings = AgentSettings(**parameters.agent_settings(), driver=DRIVER_NAME)
    except (ParameterError, ValidationError) as exc:
        log.error("bad parameters of %s: %s", node.get_fully_qualified_name(), exc)
        node.destroy_node()
        try_shutdown()
        sys.exit(2)
    try:
        asyncio.run(_serve(node, parameters, settings))
    except DriverError as exc:
        log.error("%s did not come up: %s", parameters.serial_number, exc.description)
        sys.exit(1)
    finally:
        try_shutdown()


if __name__ == "__main__":
    main()
