"""One robot's copy of the Nav2 parameters (fleet_bringup.nav2_config, config/nav2_params.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fleet_bringup.docks import DOCK_PLUGIN
from fleet_bringup.layout import GAZEBO, LOOPBACK, Pose2D
from fleet_bringup.nav2_config import (
    GAZEBO_ROBOT_RADIUS,
    GAZEBO_ROBOT_SPEED,
    HUMBLE_PLUGIN_NAMES,
    NAMESPACE_PLACEHOLDER,
    RobotSetting,
    load_parameters,
    nav2_launch_arguments,
    node_parameters,
    robot_parameters,
    write_robot_parameters,
)

from fleet_protocol.kinds import RobotKind
from simulation.profiles import profile_for
from tests.ros_bringup.conftest import PACKAGE_ROOT

BASE_FILE = PACKAGE_ROOT / "config" / "nav2_params.yaml"
# Every node nav2_bringup starts on Humble or Jazzy (localization_launch.py, navigation_launch.py).
NAV2_NODES = {
    ("map_server",),
    ("amcl",),
    ("controller_server",),
    ("smoother_server",),
    ("planner_server",),
    ("behavior_server",),
    ("bt_navigator",),
    ("waypoint_follower",),
    ("velocity_smoother",),
    ("collision_monitor",),
    ("docking_server",),
    ("route_server",),
    ("local_costmap", "local_costmap"),
    ("global_costmap", "global_costmap"),
}


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return load_parameters(BASE_FILE)


def _node(data: dict[str, Any], *path: str) -> dict[str, Any]:
    for name in path:
        data = data[name]
    parameters: dict[str, Any] = data["ros__parameters"]
    return parameters


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def test_the_base_file_configures_every_nav2_node_with_a_use_sim_time_key(base) -> None:
    nodes = dict(node_parameters(base))
    assert set(nodes) == NAV2_NODES
    # Humble's bringup rewrites use_sim_time (and the map) only where the key is present.
    assert all("use_sim_time" in parameters for parameters in nodes.values())
    assert "yaml_filename" in _node(base, "map_server")


def test_the_base_file_is_namespace_ready(base) -> None:
    scan_topics = [
        _node(base, *costmap)["obstacle_layer"]["scan"]["topic"]
        for costmap in (("local_costmap", "local_costmap"), ("global_costmap", "global_costmap"))
    ]
    assert scan_topics == [f"{NAMESPACE_PLACEHOLDER}/scan"] * 2
    # No other absolute topic: they would escape the robot's namespace.
    absolute = [
        text
        for text in _strings(base)
        if text.startswith("/") and not text.startswith(NAMESPACE_PLACEHOLDER)
    ]
    assert absolute == []


def test_the_dock_plugin_is_the_one_the_dock_database_names(base) -> None:
    docking = _node(base, "docking_server")
    assert docking["dock_plugins"] == [DOCK_PLUGIN]
    assert docking[DOCK_PLUGIN]["plugin"] == "opennav_docking::SimpleChargingDock"


def test_the_speed_limit_of_a_real_robot(base) -> None:
    smoother = _node(base, "velocity_smoother")
    follow = _node(base, "controller_server")["FollowPath"]
    assert smoother["max_velocity"][0] == follow["desired_linear_vel"] == 1.0
    assert smoother["min_velocity"][0] < 0 < smoother["max_velocity"][0]


def test_a_robots_copy_has_its_namespace_and_clock(base) -> None:
    data = robot_parameters(base, RobotSetting("dog_01", "jazzy", use_sim_time=True))
    assert NAMESPACE_PLACEHOLDER not in " ".join(_strings(data))
    assert _node(data, "local_costmap", "local_costmap")["obstacle_layer"]["scan"]["topic"] == (
        "/dog_01/scan"
    )
    assert all(parameters["use_sim_time"] is True for _, parameters in node_parameters(data))
    assert _node(base, "amcl")["use_sim_time"] is False  # the base is not changed


def test_the_dock_database_is_set_on_jazzy_and_not_on_humble(base) -> None:
    docks = Path("/tmp/docks.yaml")
    jazzy = robot_parameters(base, RobotSetting("dog_01", "jazzy", dock_database=docks))
    assert _node(jazzy, "docking_server")["dock_database"] == str(docks)
    humble = robot_parameters(base, RobotSetting("dog_01", "humble", dock_database=docks))
    assert "dock_database" not in _node(humble, "docking_server")


def test_humble_gets_the_plugin_names_it_knows(base) -> None:
    humble = robot_parameters(base, RobotSetting("dog_01", "humble"))
    plugins = [_node(humble, "behavior_server")[name]["plugin"] for name in ("spin", "wait")]
    assert plugins == ["nav2_behaviors/Spin", "nav2_behaviors/Wait"]
    assert _node(humble, "planner_server")["GridBased"]["plugin"] == (
        "nav2_navfn_planner/NavfnPlanner"
    )
    assert not set(_strings(humble)) & set(HUMBLE_PLUGIN_NAMES)
    jazzy = robot_parameters(base, RobotSetting("dog_01", "jazzy"))
    assert not set(_strings(jazzy)) & set(HUMBLE_PLUGIN_NAMES.values())


def test_a_simulated_robot_starts_amcl_at_its_start_pose(base) -> None:
    setting = RobotSetting("dog_01", "jazzy", True, LOOPBACK, RobotKind.PATROL_DOG, Pose2D(1, 2, 3))
    amcl = _node(robot_parameters(base, setting), "amcl")
    assert amcl["set_initial_pose"] is True
    assert amcl["initial_pose"] == {"x": 1, "y": 2, "z": 0.0, "yaw": 3}
    assert "set_initial_pose" not in _node(
        robot_parameters(base, RobotSetting("d", "jazzy")), "amcl"
    )


def test_gazebo_robots_have_the_stand_in_robots_size_and_speed(base) -> None:
    data = robot_parameters(
        base, RobotSetting("dog_01", "jazzy", True, GAZEBO, RobotKind.SANITATION)
    )
    for costmap in ("local_costmap", "global_costmap"):
        assert _node(data, costmap, costmap)["robot_radius"] == GAZEBO_ROBOT_RADIUS
    assert _node(data, "velocity_smoother")["max_velocity"][0] == GAZEBO_ROBOT_SPEED
    assert (
        _node(data, "controller_server")["FollowPath"]["desired_linear_vel"] == GAZEBO_ROBOT_SPEED
    )
    assert _node(data, "docking_server")[DOCK_PLUGIN]["use_battery_status"] is False


def test_loopback_robots_have_their_kinds_size_and_speed(base) -> None:
    data = robot_parameters(
        base, RobotSetting("sweeper_01", "jazzy", False, LOOPBACK, RobotKind.SANITATION)
    )
    profile = profile_for(RobotKind.SANITATION)
    footprint = yaml.safe_load(_node(data, "global_costmap", "global_costmap")["footprint"])
    xs, ys = [p[0] for p in footprint], [p[1] for p in footprint]
    assert (max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx((profile.length, profile.width))
    assert _node(data, "velocity_smoother")["max_velocity"][0] == profile.speed


def test_the_written_copy_reads_back(base, tmp_path) -> None:
    path = write_robot_parameters(
        base, RobotSetting("guide_01", "jazzy"), tmp_path / "g" / "n.yaml"
    )
    assert yaml.safe_load(path.read_text()) == robot_parameters(
        base, RobotSetting("guide_01", "jazzy")
    )


def test_bringup_arguments_push_the_namespace_and_keep_localization() -> None:
    arguments = nav2_launch_arguments("dog_01", "/m/map.yaml", Path("/p.yaml"), use_sim_time=True)
    assert arguments["namespace"] == "dog_01" and arguments["use_namespace"] == "True"
    assert arguments["use_localization"] == "True" and arguments["slam"] == "False"
    assert arguments["use_sim_time"] == "True" and arguments["autostart"] == "True"
    assert (arguments["map"], arguments["params_file"]) == ("/m/map.yaml", "/p.yaml")
    assert all(isinstance(value, str) for value in arguments.values())
