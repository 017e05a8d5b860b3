"""Launch the fleet_robot_driver agent for one robot, in the robot's namespace.

ros2 launch fleet_robot_driver driver.launch.py serial_number:=dog-01 kind:=patrol_dog \
    mqtt_url:=mqtt://fleet.example:1883 map_id:=longgang-demo
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from fleet_protocol.ros_names import ros_namespace

PACKAGE = "fleet_robot_driver"
REQUIRED = {
    "serial_number": "The robot's VDA 5050 serial number; its namespace is derived from it.",
}
OPTIONAL = {
    "kind": "patrol_dog, sanitation, service or other.",
    "mqtt_url": "The fleet's MQTT broker, mqtt://host:port.",
    "map_id": "The VDA 5050 mapId of the site.",
}


def _driver(context, *args, **kwargs):
    """Create the driver node once the launch arguments are known."""
    values = {name: LaunchConfiguration(name).perform(context) for name in [*REQUIRED, *OPTIONAL]}
    params_file = LaunchConfiguration("params_file").perform(context)
    return [
        Node(
            package=PACKAGE,
            executable="agent",
            name="fleet_robot_driver",
            namespace=ros_namespace(values["serial_number"]),
            parameters=[params_file, {k: v for k, v in values.items() if v}],
            output="screen",
            # A driver that finds no Nav2 within startup_timeout exits; try again later.
            respawn=True,
            respawn_delay=5.0,
        )
    ]


def generate_launch_description():
    """Launch arguments and the driver node."""
    default_params = os.path.join(get_package_share_directory(PACKAGE), "config", "driver.yaml")
    arguments = [DeclareLaunchArgument(name, description=text) for name, text in REQUIRED.items()]
    arguments += [
        DeclareLaunchArgument(name, default_value="", description=text)
        for name, text in OPTIONAL.items()
    ]
    arguments.append(
        DeclareLaunchArgument(
            "params_file", default_value=default_params, description="Driver parameters YAML."
        )
    )
    return LaunchDescription([*arguments, OpaqueFunction(function=_driver)])
