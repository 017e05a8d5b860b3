"""One robot's Nav2 parameters: config/nav2_params.yaml made ready for its namespace and setting.

Plain Python over the parsed YAML, so the launch files only write the result and hand its path
to nav2_bringup (which still wraps it under the namespace with RewrittenYaml).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fleet_bringup.layout import GAZEBO, HUMBLE, LOOPBACK, Pose2D
from fleet_protocol.kinds import RobotKind
from simulation.profiles import profile_for

NAMESPACE_PLACEHOLDER = "<robot_namespace>"
PARAMETERS_KEY = "ros__parameters"

# Plugins that Humble registers under their old "package/Class" names (their plugins.xml on the
# humble branch of ros-navigation/navigation2); Jazzy knows them only as "package::Class".
HUMBLE_PLUGIN_NAMES = {
    "nav2_behaviors::Spin": "nav2_behaviors/Spin",
    "nav2_behaviors::BackUp": "nav2_behaviors/BackUp",
    "nav2_behaviors::DriveOnHeading": "nav2_behaviors/DriveOnHeading",
    "nav2_behaviors::Wait": "nav2_behaviors/Wait",
    "nav2_behaviors::AssistedTeleop": "nav2_behaviors/AssistedTeleop",
    "nav2_navfn_planner::NavfnPlanner": "nav2_navfn_planner/NavfnPlanner",
}

# The Gazebo stand-in, nav2_minimal_tb3_sim's TurtleBot3 Waffle: its diff drive caps the speed at
# 0.46 m/s (gz_waffle.sdf.xacro), and Nav2 treats it as a 0.22 m circle.
GAZEBO_ROBOT_SPEED = 0.45
GAZEBO_ROBOT_RADIUS = 0.22
COSTMAPS = (("local_costmap", "local_costmap"), ("global_costmap", "global_costmap"))


@dataclass(frozen=True)
class RobotSetting:
    """What one robot's Nav2 copy depends on."""

    namespace: str  # without slashes
    distro: str  # $ROS_DISTRO: humble, jazzy, ...
    use_sim_time: bool = False
    backend: str | None = None  # None: a real robot
    kind: RobotKind | None = None  # sets the simulated size and speed on the loopback backend
    start: Pose2D | None = None  # AMCL's initial pose (simulation: the robot is known to be there)
    dock_database: Path | None = None


def nav2_launch_arguments(
    namespace: str,
    map_yaml: Path | str,
    params_file: Path,
    use_sim_time: bool,
    use_composition: bool = True,
    log_level: str = "info",
) -> dict[str, str]:
    """The arguments of nav2_bringup's bringup_launch.py for one namespaced robot."""
    return {
        "namespace": namespace,
        # Humble and Jazzy push the namespace only with use_namespace (Kilted always does).
        "use_namespace": "True",
        "slam": "False",
        "use_localization": "True",
        "map": str(map_yaml),
        "use_sim_time": str(use_sim_time),
        "params_file": str(params_file),
        "autostart": "True",
        "use_composition": str(use_composition),
        "use_respawn": "True",
        "log_level": log_level,
    }


def load_parameters(path: Path) -> dict[str, Any]:
    """The parsed Nav2 parameter file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping of node names to parameters")
    return data


def robot_parameters(base: Mapping[str, Any], setting: RobotSetting) -> dict[str, Any]:
    """A copy of the base parameters for one robot."""
    data: dict[str, Any] = _replace_placeholder(copy.deepcopy(dict(base)), f"/{setting.namespace}")
    for _, parameters in node_parameters(data):
        parameters["use_sim_time"] = setting.use_sim_time
    if setting.dock_database is not None and setting.distro != HUMBLE:
        _params(data, "docking_server")["dock_database"] = str(setting.dock_database)
    if setting.start is not None:
        _set_initial_pose(data, setting.start)
    if setting.backend is not None:
        _simulated_robot(data, setting)
    if setting.distro == HUMBLE:
        data = _rename_plugins(data, HUMBLE_PLUGIN_NAMES)
    return data


def write_robot_parameters(base: Mapping[str, Any], setting: RobotSetting, path: Path) -> Path:
    """Write one robot's parameter file (its directory is made if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Nav2 parameters of /{setting.namespace}, written by fleet_bringup.\n"
    text = yaml.safe_dump(robot_parameters(base, setting), sort_keys=False)
    path.write_text(header + text, encoding="utf-8")
    return path


def node_parameters(data: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every node's parameter mapping with the path of names that leads to it."""
    for name, value in data.items():
        if not isinstance(value, dict):
            continue
        if name == PARAMETERS_KEY:
            yield (), value
            continue
        for path, parameters in node_parameters(value):
            yield (name, *path), parameters


def _params(data: dict[str, Any], *path: str) -> dict[str, Any]:
    node: Any = data
    for name in path:
        node = node.setdefault(name, {})
    parameters: dict[str, Any] = node.setdefault(PARAMETERS_KEY, {})
    return parameters


def _replace_placeholder(value: Any, namespace: str) -> Any:
    if isinstance(value, str):
        return value.replace(NAMESPACE_PLACEHOLDER, namespace)
    if isinstance(value, dict):
        return {key: _replace_placeholder(item, namespace) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_placeholder(item, namespace) for item in value]
    return value


def _rename_plugins(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            key: names.get(item, item) if key == "plugin" else _rename_plugins(item, names)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rename_plugins(item, names) for item in value]
    return value


def _set_initial_pose(data: dict[str, Any], start: Pose2D) -> None:
    amcl = _params(data, "amcl")
    amcl["set_initial_pose"] = True
    amcl["initial_pose"] = {"x": start.x, "y": start.y, "z": 0.0, "yaw": start.yaw}


def _simulated_robot(data: dict[str, Any], setting: RobotSetting) -> None:
    """The simulated robot's size, speed and charging, which differ from a real robot's."""
    if setting.backend == GAZEBO:
        speed = GAZEBO_ROBOT_SPEED
        for costmap in COSTMAPS:
            _params(data, *costmap)["robot_radius"] = GAZEBO_ROBOT_RADIUS
    elif setting.backend == LOOPBACK and setting.kind is not None:
        profile = profile_for(setting.kind)
        speed = profile.speed
        footprint = _rectangle(profile.length, profile.width)
        for costmap in COSTMAPS:
            _params(data, *costmap)["footprint"] = footprint
    else:
        return
    _params(data, "controller_server").setdefault("FollowPath", {})["desired_linear_vel"] = speed
    smoother = _params(data, "velocity_smoother")
    maximum = list(smoother.get("max_velocity", [0.0, 0.0, 1.0]))
    smoother["max_velocity"] = [speed, *maximum[1:]]
    # A simulated dock reports no charging current: docked means charging.
    dock = _params(data, "docking_server").get("charging_dock")
    if isinstance(dock, dict):
        dock["use_battery_status"] = False


def _rectangle(length: float, width: float) -> str:
    """A Nav2 footprint string: a length x width rectangle centred on the base frame."""
    x, y = length / 2, width / 2
    return f"[[{x:g}, {y:g}], [{x:g}, {-y:g}], [{-x:g}, {-y:g}], [{-x:g}, {y:g}]]"
