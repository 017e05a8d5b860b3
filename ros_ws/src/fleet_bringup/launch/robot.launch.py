"""Launch one real robot: Nav2 (map, AMCL, navigation) and the fleet driver in its namespace.

ros2 launch fleet_bringup robot.launch.py serial_number:=dog-01 kind:=patrol_dog \
    mqtt_url:=mqtt://fleet.example:1883 map:=/maps/longgang.yaml \
    site:=/opt/fleet/missions/sites/longgang-demo.yaml

The namespace is derived from the serial number (dog-01 -> /dog_01). With `site`, the map id
defaults to the site's and the docking server (Jazzy and later) knows the site's docks.
"""

import os
from pathlib import Path

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription, OpaqueFunction
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from fleet_bringup.docks import write_dock_database
from fleet_bringup.driver_config import DriverSetting, check_kind, check_mqtt_url, driver_parameters
from fleet_bringup.layout import HUMBLE, LayoutError, read_site
from fleet_bringup.nav2_config import (
    RobotSetting,
    load_parameters,
    nav2_launch_arguments,
    write_robot_parameters,
)
from fleet_bringup.workspace import cache_root, robot_files
from fleet_protocol.ros_names import ros_namespace

ARGUMENTS = {
    "serial_number": (None, "The robot's VDA 5050 serial number; its namespace comes from it."),
    "map": (None, "The robot's Nav2 map (map_server YAML) in the site's coordinates."),
    "kind": ("patrol_dog", "patrol_dog, sanitation, service or other."),
    "mqtt_url": ("", "The fleet's MQTT broker, mqtt://host:port (empty: the driver's default)."),
    "map_id": ("", "The VDA 5050 mapId (empty: the site's, if a site is given)."),
    "site": ("", "The site YAML: map id and the docking server's docks."),
    "manufacturer": ("", "The VDA 5050 manufacturer (empty: the driver's default)."),
    "params_file": ("", "Nav2 parameters (empty: fleet_bringup's config/nav2_params.yaml)."),
    "driver_params_file": ("", "Driver parameters (empty: fleet_robot_driver's driver.yaml)."),
    "cache_dir": ("", "Where generated files go (empty: $ROS_HOME/fleet_bringup)."),
    "use_composition": ("True", "Run Nav2 in one component container."),
    "log_level": ("info", "Nav2's log level."),
}


def _robot(context, *args, **kwargs):
    """Nav2 and the driver once the arguments are known."""
    value = {name: LaunchConfiguration(name).perform(context).strip() for name in ARGUMENTS}
    distro = os.environ.get("ROS_DISTRO", "")
    if not value["serial_number"]:
        raise LayoutError("serial_number: must not be empty")
    if not value["map"]:
        raise LayoutError("map: give the robot's map_server YAML")
    try:
        namespace = ros_namespace(value["serial_number"])
    except ValueError as error:
        raise LayoutError(f"serial_number: {error}") from None
    kind = check_kind(value["kind"])
    site = read_site(value["site"]) if value["site"] else None
    files = robot_files(cache_root(os.environ, value["cache_dir"]), site)
    docks = None
    if site is not None and distro != HUMBLE:
        docks = write_dock_database(site, files.docks)
    bringup = Path(get_package_share_directory("fleet_bringup"))
    params_file = Path(value["params_file"] or bringup / "config" / "nav2_params.yaml")
    nav2_params = write_robot_parameters(
        load_parameters(params_file),
        RobotSetting(namespace=namespace, distro=distro, dock_database=docks),
        files.nav2_parameters(namespace),
    )
    driver = driver_parameters(
        DriverSetting(
            serial_number=value["serial_number"],
            kind=kind,
            map_id=value["map_id"] or (site.map_id if site is not None else ""),
            distro=distro,
            mqtt_url=check_mqtt_url(value["mqtt_url"]),
            manufacturer=value["manufacturer"],
        )
    )
    driver_params_file = value["driver_params_file"] or os.path.join(
        get_package_share_directory("fleet_robot_driver"), "config", "driver.yaml"
    )
    nav2_launch = os.path.join(
        get_package_share_directory("nav2_bringup"), "launch", "bringup_launch.py"
    )
    arguments = nav2_launch_arguments(
        namespace,
        value["map"],
        nav2_params,
        use_sim_time=False,
        use_composition=value["use_composition"].lower() == "true",
        log_level=value["log_level"],
    )
    return [
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(nav2_launch), launch_arguments=arguments.items()
        ),
        Node(
            package="fleet_robot_driver",
            executable="agent",
            name="fleet_robot_driver",
            namespace=namespace,
            parameters=[driver_params_file, driver],
            output="screen",
            # A driver that finds no Nav2 within its startup_timeout exits; try again.
            respawn=True,
            respawn_delay=5.0,
        ),
    ]


def generate_launch_description():
    """The launch arguments and the robot."""
    arguments = [
        DeclareLaunchArgument(name, description=text)
        if default is None
        else DeclareLaunchArgument(name, default_value=default, description=text)
        for name, (default, text) in ARGUMENTS.items()
    ]
    return LaunchDescription([*arguments, OpaqueFunction(function=_robot)])
