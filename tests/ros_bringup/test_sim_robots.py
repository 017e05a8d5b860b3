"""The robots file of a `backend:=sim_robot` simulation (fleet_bringup.sim_robots)."""

from __future__ import annotations

from pathlib import Path

from fleet_bringup.layout import SIM_ROBOT, plan_layout
from fleet_bringup.sim_robots import write_sim_robots
from fleet_bringup.workspace import site_files

from fleet_protocol.kinds import RobotKind
from fleet_protocol.site import Site
from simulation.fleet import FleetConfig, plan_robots
from simulation.ros_spec import FleetSpec

KINDS = (RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE)


def test_the_robots_file_holds_the_layout_s_robots_with_fleet_sim_s_energy(
    demo_site: Site, tmp_path: Path
) -> None:
    specs = plan_layout(demo_site, 4, KINDS, SIM_ROBOT, seed=3)
    files = site_files(tmp_path, demo_site, SIM_ROBOT)
    written = FleetSpec.read(write_sim_robots(demo_site, specs, 3, files))
    assert written.speed_factor == 1.0
    config = FleetConfig(mqtt_url="mqtt://localhost", site=demo_site, robots=4, kinds=KINDS, seed=3)
    planned = plan_robots(config)
    for robot, spec, plan in zip(written.robots, specs, planned, strict=True):
        assert robot.serial_number == spec.serial_number == plan.serial_number
        assert robot.namespace == spec.ros_namespace
        assert (robot.x, robot.y, robot.theta) == (spec.start.x, spec.start.y, spec.start.yaw)
        assert robot.battery == spec.battery
        assert robot.energy == plan.driver.energy
    assert set(written.docks) == {dock.id for dock in demo_site.docks}


def test_the_simulated_robots_start_after_their_process_and_close_together(
    demo_site: Site,
) -> None:
    delays = [spec.spawn_delay for spec in plan_layout(demo_site, 3, KINDS, SIM_ROBOT)]
    assert delays[0] > 0 and delays == sorted(delays) and delays[-1] < 5
