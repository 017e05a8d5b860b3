"""The robots file of a `backend:=sim_robot` simulation: fleet_sim_robot's robots, no Nav2.

The robots are the layout's (fleet-sim's serials, kinds, start nodes and batteries, at the
layout's start poses), with each robot's energy figures drawn as fleet-sim draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fleet_bringup.layout import LayoutError, RobotSpec
from fleet_bringup.workspace import SiteFiles
from fleet_protocol.site import Site
from simulation.fleet import FleetConfig, dock_positions, robot_energy
from simulation.ros_spec import MAP_FRAME, FleetSpec
from simulation.ros_spec import RobotSpec as SimRobotSpec


def sim_robots(site: Site, specs: Sequence[RobotSpec], seed: int) -> FleetSpec:
    """The simulated robots of the layout, in real time."""
    # The mqtt_url is not used here: FleetConfig needs a valid one.
    config = FleetConfig(mqtt_url="mqtt://localhost", site=site, robots=len(specs), seed=seed)
    robots = [
        SimRobotSpec(
            serial_number=spec.serial_number,
            kind=spec.kind,
            x=spec.start.x,
            y=spec.start.y,
            theta=spec.start.yaw,
            map_id=site.map_id,
            battery=spec.battery,
            energy=robot_energy(config, spec.kind, spec.serial_number),
        )
        for spec in specs
    ]
    return FleetSpec(robots, 1.0, dock_positions(site), MAP_FRAME)


def write_sim_robots(site: Site, specs: Sequence[RobotSpec], seed: int, files: SiteFiles) -> Path:
    """Write the robots file; its path."""
    path = files.robots
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sim_robots(site, specs, seed).write(path)
    except OSError as error:
        raise LayoutError(f"cannot write {error.filename}: {error.strerror}") from None
    return path
