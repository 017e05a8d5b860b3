"""The `sim_robots` executable: every robot of a robots file as rclpy nodes in one process.

    python -m fleet_sim_robot --spec robots.json     (or: ros2 run fleet_sim_robot sim_robots ...)

`fleet-sim --backend ros` writes the file (simulation.ros_spec) and starts this process beside
the robots' agents. It runs until SIGINT or SIGTERM, then says what each robot was heard saying.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.signals import SignalHandlerOptions
from rclpy.utilities import try_shutdown

from fleet_sim_robot.base import SimBase
from fleet_sim_robot.node import TICK, SimRobotNode
from simulation.ros_spec import FleetSpec, SpecError

log = logging.getLogger("fleet_sim_robot")

# Wall seconds between two looks at the stop flag while spinning.
SPIN_SLICE = 0.2


def build_nodes(spec: FleetSpec) -> list[SimRobotNode]:
    """One node per robot of the spec, each in its namespace, all ticked by one timer.

    rclpy must be initialised.
    """
    nodes = []
    for robot in spec.robots:
        base = SimBase(robot, spec.speed_factor, spec.docks)
        nodes.append(SimRobotNode(base, spec.map_frame, robot.namespace))

    def tick() -> None:
        for node in nodes:
            node.tick()

    nodes[0].create_timer(TICK, tick)
    return nodes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim_robots",
        description="Simulated ROS 2 robots (Nav2 actions, pose, battery, camera, speaker, "
        "cleaning deck), one rclpy node each, from a robots file written by "
        "`fleet-sim --backend ros`.",
    )
    parser.add_argument("--spec", type=Path, required=True, help="robots file (JSON)")
    parser.add_argument("--log-level", default="INFO", type=str.upper, help="DEBUG, INFO ...")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run the robots of a robots file until SIGINT or SIGTERM."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    # ros2 run passes --ros-args ...; they are rclpy's, not ours.
    ours = arguments[: arguments.index("--ros-args")] if "--ros-args" in arguments else arguments
    args = _parser().parse_args(ours)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        spec = FleetSpec.read(args.spec)
    except SpecError as error:
        log.error("%s", error)
        sys.exit(2)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    rclpy.init(args=arguments, signal_handler_options=SignalHandlerOptions.NO)
    executor = SingleThreadedExecutor()
    nodes = build_nodes(spec)
    for node in nodes:
        executor.add_node(node)
    log.info(
        "%d simulated robots ready (speed x%g): %s",
        len(nodes),
        spec.speed_factor,
        ", ".join(node.get_namespace() for node in nodes),
    )
    try:
        while not stop.is_set():
            executor.spin_once(timeout_sec=SPIN_SLICE)
    finally:
        for node in nodes:
            spoken = node.base.spoken
            log.info("%s said %d time(s): %s", node.base.serial_number, len(spoken), spoken)
            node.close()
        executor.shutdown()
        try_shutdown()
    log.info("simulated robots stopped")
