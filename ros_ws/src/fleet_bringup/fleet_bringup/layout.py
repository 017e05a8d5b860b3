"""Which robots a ROS 2 simulation of a site starts, where, and when: plain Python, no ROS.

The launch files turn the specs made here into launch actions; every decision about names,
start poses and timing is taken here so that it is tested without ROS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fleet_protocol.kinds import RobotKind
from fleet_protocol.ros_names import ros_namespace
from fleet_protocol.site import Dock, Site, SiteError
from simulation.chargers import approach_heading, node_heading
from simulation.fleet import FleetConfig, plan_robots
from simulation.site_file import load_site

GAZEBO = "gazebo"
LOOPBACK = "loopback"
# fleet_sim_robot: simulated robots that serve Nav2's actions themselves, without Nav2.
SIM_ROBOT = "sim_robot"
BACKENDS = (GAZEBO, LOOPBACK, SIM_ROBOT)
HUMBLE = "humble"
# Simulation needs a Jazzy-or-later package on every backend: nav2_loopback_sim,
# nav2_minimal_tb3_sim's gz sim robot (Humble's turtlebot3_gazebo is for Gazebo Classic), and
# fleet_sim_robot (Nav2's error codes in the action results, which Humble's lack).
SIMULATION_PACKAGE = {
    LOOPBACK: "nav2_loopback_sim",
    GAZEBO: "nav2_minimal_tb3_sim",
    SIM_ROBOT: "fleet_sim_robot",
}

# Seconds from launch to the first robot, and between two robots: gz sim needs a moment to load
# the world, and Nav2 stacks brought up all at once starve each other of CPU; simulated robots
# without Nav2 need only their one process up first.
FIRST_SPAWN_DELAY = {GAZEBO: 5.0, LOOPBACK: 0.0, SIM_ROBOT: 2.0}
SPAWN_INTERVAL = {GAZEBO: 5.0, LOOPBACK: 2.0, SIM_ROBOT: 0.5}


class LayoutError(ValueError):
    """A launch argument or site the simulation cannot use; the message names it."""


@dataclass(frozen=True)
class Pose2D:
    """A pose in the site's map frame: metres and radians."""

    x: float
    y: float
    yaw: float


@dataclass(frozen=True)
class RobotSpec:
    """One simulated robot: who it is, where it starts, when it is started."""

    serial_number: str
    kind: RobotKind
    namespace: str  # without slashes: dog_01
    start_node: str
    start: Pose2D
    spawn_delay: float  # seconds after launch
    battery: float  # percent, as the fleet simulator would start it

    @property
    def ros_namespace(self) -> str:
        """The absolute namespace: /dog_01."""
        return f"/{self.namespace}"


def parse_whole_number(name: str, text: str, minimum: int) -> int:
    """A launch argument giving a whole number of at least `minimum`."""
    try:
        number = int(text)
    except ValueError:
        raise LayoutError(f"{name}: {text!r} is not a whole number") from None
    if number < minimum:
        raise LayoutError(f"{name}: must be at least {minimum}, got {number}")
    return number


def parse_robot_count(text: str) -> int:
    """The `robots` launch argument: a whole number of at least 1."""
    return parse_whole_number("robots", text, 1)


def parse_kinds(text: str) -> tuple[RobotKind, ...]:
    """The `kinds` launch argument: comma-separated robot kinds, assigned round robin."""
    known = {kind.value: kind for kind in RobotKind}
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise LayoutError(f"kinds: name at least one of {', '.join(known)}")
    for name in names:
        if name not in known:
            choices = ", ".join(known)
            raise LayoutError(f"kinds: unknown robot kind {name!r} (choose from {choices})")
    return tuple(known[name] for name in names)


def parse_backend(text: str, distro: str) -> str:
    """The `backend` launch argument, checked against the ROS distribution in use."""
    backend = text.strip().lower()
    if backend not in BACKENDS:
        raise LayoutError(f"backend: {text!r} is not one of {', '.join(BACKENDS)}")
    if distro == HUMBLE:
        raise LayoutError(
            f"backend {backend}: needs ROS 2 Jazzy or later ({SIMULATION_PACKAGE[backend]}); "
            f"this is {distro}"
        )
    return backend


def parse_seconds(name: str, text: str) -> float:
    """A launch argument giving a non-negative number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        raise LayoutError(f"{name}: {text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise LayoutError(f"{name}: must be zero or more seconds, got {text!r}")
    return seconds


def read_site(path: str | Path) -> Site:
    """The validated site in a YAML file; LayoutError names the file and what is wrong."""
    if not str(path).strip():
        raise LayoutError("site: no site file given")
    try:
        return load_site(path)
    except SiteError as error:
        raise LayoutError(str(error)) from None


def plan_layout(
    site: Site,
    robots: int,
    kinds: Sequence[RobotKind],
    backend: str,
    spawn_interval: float | None = None,
    seed: int = 1,
) -> list[RobotSpec]:
    """The robots to start: fleet-sim's serials, kinds and start nodes, staggered in time."""
    if robots < 1:
        raise LayoutError(f"robots: must be at least 1, got {robots}")
    if backend not in BACKENDS:
        raise LayoutError(f"backend: {backend!r} is not one of {', '.join(BACKENDS)}")
    if backend == GAZEBO and robots > len(site.nodes):
        raise LayoutError(
            f"robots: {robots} Gazebo robots but site {site.id} has only {len(site.nodes)} "
            "nodes to start them on (they would spawn inside each other); use the loopback "
            "backend or fewer robots"
        )
    interval = SPAWN_INTERVAL[backend] if spawn_interval is None else spawn_interval
    # The mqtt_url is not used here: plan_robots needs a valid one to build its config.
    config = FleetConfig(
        mqtt_url="mqtt://localhost", site=site, robots=robots, kinds=kinds, seed=seed
    )
    docks = {dock.node: dock for dock in site.docks}
    specs = []
    for index, robot in enumerate(plan_robots(config)):
        dock = docks.get(robot.start_node)
        if dock is None:
            start = Pose2D(*_node_xy(site, robot.start_node), node_heading(site, robot.start_node))
        else:
            start = docked_pose(site, dock)
        specs.append(
            RobotSpec(
                serial_number=robot.serial_number,
                kind=robot.kind,
                namespace=ros_namespace(robot.serial_number),
                start_node=robot.start_node,
                start=start,
                spawn_delay=FIRST_SPAWN_DELAY[backend] + index * interval,
                battery=robot.driver.battery().charge,
            )
        )
    namespaces = [spec.namespace for spec in specs]
    if len(set(namespaces)) != len(namespaces):
        raise LayoutError(f"two robots would share a ROS namespace: {sorted(namespaces)}")
    return specs


def docked_pose(site: Site, dock: Dock) -> Pose2D:
    """Where a docked robot stands: on the dock's node, facing the charger.

    The same in every world; in gz sim the charger's box stands beyond the node
    (simulation.chargers).
    """
    return Pose2D(*_node_xy(site, dock.node), approach_heading(site, dock))


def _node_xy(site: Site, node_id: str) -> tuple[float, float]:
    node = site.node(node_id)
    return node.x, node.y


def gz_sim_arguments(world: Path, gui: bool) -> str:
    """The gz_args of ros_gz_sim's gz_sim.launch.py: run at once, headless unless gui."""
    return " ".join(["-r", "-v", "2", *([] if gui else ["-s"]), str(world)])


def parse_flag(name: str, text: str) -> bool:
    """A true/false launch argument."""
    flag = text.strip().lower()
    if flag not in ("true", "false"):
        raise LayoutError(f"{name}: expected true or false, got {text!r}")
    return flag == "true"
