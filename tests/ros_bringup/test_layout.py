"""Which robots the ROS 2 simulation starts, where and when (fleet_bringup.layout)."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from fleet_bringup.layout import (
    FIRST_SPAWN_DELAY,
    GAZEBO,
    LOOPBACK,
    SIM_ROBOT,
    LayoutError,
    docked_pose,
    gz_sim_arguments,
    parse_backend,
    parse_flag,
    parse_kinds,
    parse_robot_count,
    parse_seconds,
    plan_layout,
    read_site,
)

from fleet_protocol.kinds import RobotKind
from fleet_protocol.site import Site
from simulation.chargers import approach_heading, charger_pose, node_heading
from simulation.fleet import FleetConfig, plan_robots

ALL_SIMULATED = (RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE)
ROS_NAME_TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@pytest.mark.parametrize("backend", [GAZEBO, LOOPBACK])
def test_robots_get_valid_unique_namespaces_from_their_serials(
    demo_site: Site, backend: str
) -> None:
    specs = plan_layout(demo_site, 12, ALL_SIMULATED, backend)
    assert len({spec.namespace for spec in specs}) == 12
    for spec in specs:
        assert ROS_NAME_TOKEN.match(spec.namespace), spec.namespace
        assert spec.namespace == spec.serial_number.replace("-", "_")
        assert spec.ros_namespace == f"/{spec.namespace}"


def test_the_plan_is_fleet_sims_serials_kinds_and_start_nodes(demo_site: Site) -> None:
    specs = plan_layout(demo_site, 7, ALL_SIMULATED, LOOPBACK, seed=3)
    fleet = plan_robots(FleetConfig(mqtt_url="mqtt://localhost", site=demo_site, robots=7, seed=3))
    assert [(s.serial_number, s.kind, s.start_node) for s in specs] == [
        (r.serial_number, r.kind, r.start_node) for r in fleet
    ]
    assert [s.battery for s in specs] == [r.driver.battery().charge for r in fleet]
    assert [s.kind for s in specs[:4]] == [*ALL_SIMULATED, RobotKind.PATROL_DOG]


def test_loopback_robots_start_on_their_nodes_facing_along_an_edge(demo_site: Site) -> None:
    specs = plan_layout(demo_site, 10, ALL_SIMULATED, LOOPBACK)
    docks = {dock.node: dock for dock in demo_site.docks}
    for spec in specs:
        node = demo_site.node(spec.start_node)
        assert (spec.start.x, spec.start.y) == (node.x, node.y)
        if spec.start_node in docks:
            assert spec.start.yaw == pytest.approx(approach_heading(demo_site, docks[node.id]))
        else:
            assert spec.start.yaw == pytest.approx(node_heading(demo_site, node.id))
    # Docks first, as in fleet-sim: the first three start on the three dock nodes.
    assert {spec.start_node for spec in specs[:3]} == set(docks)


def test_headings_point_along_the_sites_edges(demo_site: Site) -> None:
    # street-sw's first edge goes east to street-s1.
    assert node_heading(demo_site, "street-sw") == pytest.approx(0.0)
    # dock-street hangs south of street-s1: a robot drives in heading south.
    dock = next(d for d in demo_site.docks if d.id == "dock-street")
    assert approach_heading(demo_site, dock) == pytest.approx(-math.pi / 2)


def test_gazebo_robots_on_a_dock_start_on_its_node_facing_the_charger_box(
    demo_site: Site,
) -> None:
    # The same docked pose as the fleet server's and fleet_sim_robot's: the dock's node. The
    # world's charger box stands straight ahead of it.
    docks = {dock.node: dock for dock in demo_site.docks}
    specs = plan_layout(demo_site, 3, ALL_SIMULATED, GAZEBO)
    for spec in specs:
        node = demo_site.node(spec.start_node)
        assert (spec.start.x, spec.start.y) == (node.x, node.y)
        x, y, _ = charger_pose(demo_site, docks[spec.start_node])
        heading_to_box = math.atan2(y - node.y, x - node.x)
        assert heading_to_box == pytest.approx(spec.start.yaw)


def test_docked_pose_is_the_dock_node(demo_site: Site) -> None:
    for dock in demo_site.docks:
        node = demo_site.node(dock.node)
        pose = docked_pose(demo_site, dock)
        assert (pose.x, pose.y) == (node.x, node.y)
        assert pose.yaw == pytest.approx(approach_heading(demo_site, dock))


@pytest.mark.parametrize("backend", [GAZEBO, LOOPBACK])
def test_robots_are_started_one_interval_apart(demo_site: Site, backend: str) -> None:
    specs = plan_layout(demo_site, 4, ALL_SIMULATED, backend, spawn_interval=3.5)
    assert [s.spawn_delay for s in specs] == [
        FIRST_SPAWN_DELAY[backend] + 3.5 * i for i in range(4)
    ]


def test_the_default_interval_staggers_gazebo_robots(demo_site: Site) -> None:
    delays = [s.spawn_delay for s in plan_layout(demo_site, 3, ALL_SIMULATED, GAZEBO)]
    assert delays[0] > 0  # gz sim loads the world first
    assert all(later - earlier >= 2.0 for earlier, later in itertools.pairwise(delays))


def test_more_gazebo_robots_than_nodes_is_refused_but_loopback_reuses_nodes(
    demo_site: Site,
) -> None:
    too_many = len(demo_site.nodes) + 1
    with pytest.raises(LayoutError, match=rf"{too_many} Gazebo robots.*{len(demo_site.nodes)}"):
        plan_layout(demo_site, too_many, ALL_SIMULATED, GAZEBO)
    specs = plan_layout(demo_site, too_many, ALL_SIMULATED, LOOPBACK)
    assert len({spec.namespace for spec in specs}) == too_many


@pytest.mark.parametrize("text", ["0", "-2", "three", ""])
def test_a_robot_count_below_one_or_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(LayoutError, match="robots"):
        parse_robot_count(text)


def test_a_robot_count_is_read() -> None:
    assert parse_robot_count("25") == 25


def test_plan_layout_refuses_zero_robots(demo_site: Site) -> None:
    with pytest.raises(LayoutError, match="robots: must be at least 1"):
        plan_layout(demo_site, 0, ALL_SIMULATED, LOOPBACK)


def test_kinds_are_read_in_order_and_an_unknown_one_is_named() -> None:
    assert parse_kinds(" sanitation, patrol_dog ") == (RobotKind.SANITATION, RobotKind.PATROL_DOG)
    with pytest.raises(LayoutError, match=r"'robodog'.*patrol_dog"):
        parse_kinds("patrol_dog,robodog")
    with pytest.raises(LayoutError, match="kinds"):
        parse_kinds(" , ")


def test_backends_and_the_distribution_they_need() -> None:
    assert parse_backend("Loopback", "jazzy") == LOOPBACK
    assert parse_backend("gazebo", "kilted") == GAZEBO
    with pytest.raises(LayoutError, match="'physx' is not one of gazebo, loopback"):
        parse_backend("physx", "jazzy")
    with pytest.raises(LayoutError, match=r"nav2_loopback_sim.*humble"):
        parse_backend("loopback", "humble")
    with pytest.raises(LayoutError, match=r"nav2_minimal_tb3_sim.*humble"):
        parse_backend("gazebo", "humble")
    assert parse_backend("sim_robot", "kilted") == SIM_ROBOT
    with pytest.raises(LayoutError, match=r"fleet_sim_robot.*humble"):
        parse_backend("sim_robot", "humble")


def test_a_missing_or_empty_site_file_is_named(tmp_path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(LayoutError, match=re.escape(str(missing))):
        read_site(missing)
    with pytest.raises(LayoutError, match="site: no site file given"):
        read_site("")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nname: X\nnodes: []\n", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"broken.yaml"):
        read_site(broken)


def test_seconds_and_flags_are_checked() -> None:
    assert parse_seconds("spawn_interval", "2.5") == 2.5
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(LayoutError, match="spawn_interval"):
            parse_seconds("spawn_interval", bad)
    assert parse_flag("gui", "True") is True
    with pytest.raises(LayoutError, match="gui: expected true or false"):
        parse_flag("gui", "yes")


def test_gz_sim_runs_the_world_at_once_and_headless_unless_asked(tmp_path) -> None:
    world = tmp_path / "world.sdf"
    assert gz_sim_arguments(world, gui=False).split() == ["-r", "-v", "2", "-s", str(world)]
    assert "-s" not in gz_sim_arguments(world, gui=True).split()
