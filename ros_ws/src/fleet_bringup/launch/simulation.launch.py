"""Simulate N of our robots on a site: Nav2 and the fleet driver per robot, in its namespace.

ros2 launch fleet_bringup simulation.launch.py robots:=3 backend:=gazebo
ros2 launch fleet_bringup simulation.launch.py robots:=20 backend:=loopback \
    mqtt_url:=mqtt://127.0.0.1:1883

backend gazebo: the site's gz sim world (walls, no-go kerbs, chargers) with a TurtleBot3 Waffle
from nav2_minimal_tb3_sim standing in for each robot (diff drive and lidar; our robots have no
public model), on simulated time. backend loopback: nav2_loopback_sim per robot, no physics,
for many robots on one machine. backend sim_robot: no Nav2 at all, fleet_sim_robot's simulated
robots (one process) serve Nav2's and the docking server's actions, pose, battery, camera,
speaker and deck themselves (what `fleet-sim --backend ros` runs without launch). All need ROS 2
Jazzy or later. Robots are fleet-sim's (same serials, kinds and start nodes: docks first),
started a few seconds apart.
"""

import os
from pathlib import Path

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import (
    AppendEnvironmentVariable,
    DeclareLaunchArgument,
    ExecuteProcess,
    GroupAction,
    IncludeLaunchDescription,
    LogInfo,
    OpaqueFunction,
    SetEnvironmentVariable,
    TimerAction,
)
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import Command, FindExecutable, LaunchConfiguration
from launch_ros.actions import Node

from fleet_bringup.docks import write_dock_database
from fleet_bringup.driver_config import check_mqtt_url, driver_parameters, spec_driver_setting
from fleet_bringup.layout import (
    GAZEBO,
    SIM_ROBOT,
    gz_sim_arguments,
    parse_backend,
    parse_flag,
    parse_kinds,
    parse_robot_count,
    parse_seconds,
    parse_whole_number,
    plan_layout,
    read_site,
)
from fleet_bringup.nav2_config import (
    RobotSetting,
    load_parameters,
    nav2_launch_arguments,
    write_robot_parameters,
)
from fleet_bringup.sim_inputs import (
    LOOPBACK_SCAN_FRAME,
    battery_message,
    initial_pose_message,
    loopback_parameters,
)
from fleet_bringup.sim_robots import write_sim_robots
from fleet_bringup.workspace import (
    cache_root,
    parse_resolution,
    site_files,
    write_site_map,
    write_site_world,
)

PACKAGE = "fleet_bringup"
DEMO_SITE = "longgang-demo.yaml"
# Every node of a robot publishes its transforms in its namespace (/dog_01/tf).
TF_REMAPPINGS = [("/tf", "tf"), ("/tf_static", "tf_static")]
ARGUMENTS = {
    "site": ("", f"The site YAML (empty: the demo site, share/{PACKAGE}/sites/{DEMO_SITE})."),
    "robots": ("3", "How many robots."),
    "kinds": ("patrol_dog,sanitation,service", "Comma-separated kinds, assigned round robin."),
    "backend": (
        "gazebo",
        "gazebo (gz sim physics), loopback (nav2_loopback_sim, no physics) or sim_robot "
        "(fleet_sim_robot, no Nav2).",
    ),
    "mqtt_url": ("mqtt://127.0.0.1:1883", "The fleet's MQTT broker."),
    "spawn_interval": ("", "Seconds between two robots (empty: 5 for gazebo, 2 for loopback)."),
    "map_resolution": ("0.5", "Metres per cell of the Nav2 map made from the site."),
    "gui": ("false", "gazebo: show the gz sim GUI (the server runs headless otherwise)."),
    "seed": ("1", "fleet-sim's seed for start nodes and batteries."),
    "cache_dir": ("", "Where generated files go (empty: $ROS_HOME/fleet_bringup)."),
    "log_level": ("info", "Nav2's log level."),
}


def _simulation(context, *args, **kwargs):
    """Write the site's files, then the simulator and every robot, staggered."""
    value = {name: LaunchConfiguration(name).perform(context).strip() for name in ARGUMENTS}
    distro = os.environ.get("ROS_DISTRO", "")
    share = Path(get_package_share_directory(PACKAGE))
    backend = parse_backend(value["backend"], distro)
    site = read_site(value["site"] or share / "sites" / DEMO_SITE)
    mqtt_url = check_mqtt_url(value["mqtt_url"])
    interval = None
    if value["spawn_interval"]:
        interval = parse_seconds("spawn_interval", value["spawn_interval"])
    seed = parse_whole_number("seed", value["seed"], 0)
    specs = plan_layout(
        site,
        parse_robot_count(value["robots"]),
        parse_kinds(value["kinds"]),
        backend,
        spawn_interval=interval,
        seed=seed,
    )
    files = site_files(cache_root(os.environ, value["cache_dir"]), site, backend)
    if backend == SIM_ROBOT:
        robots_file = write_sim_robots(site, specs, seed, files)
        return _sim_robot_simulation(site, specs, robots_file, distro, mqtt_url)
    map_yaml = write_site_map(site, files, parse_resolution(value["map_resolution"]))
    docks = write_dock_database(site, files.docks)
    base_params = load_parameters(share / "config" / "nav2_params.yaml")
    use_sim_time = backend == GAZEBO
    actions = [LogInfo(msg=f"fleet_bringup: {len(specs)} robots on {site.id} ({backend})")]
    if backend == GAZEBO:
        world = write_site_world(site, files)
        actions += _gazebo(share, world, parse_flag("gui", value["gui"]))
    for spec in specs:
        nav2_params = write_robot_parameters(
            base_params,
            RobotSetting(
                namespace=spec.namespace,
                distro=distro,
                use_sim_time=use_sim_time,
                backend=backend,
                kind=spec.kind,
                start=spec.start,
                dock_database=docks,
            ),
            files.nav2_parameters(spec.namespace),
        )
        robot = _gazebo_robot(share, site.id, spec) if use_sim_time else _loopback_robot(spec)
        robot += _nav2_and_driver(
            spec,
            nav2_launch_arguments(
                spec.namespace,
                map_yaml,
                nav2_params,
                use_sim_time=use_sim_time,
                log_level=value["log_level"],
            ),
            driver_parameters(spec_driver_setting(spec, site.map_id, distro, backend, mqtt_url)),
            use_sim_time,
        )
        summary = (
            f"{spec.serial_number} ({spec.kind.value}) in {spec.ros_namespace} at "
            f"{spec.start_node} ({spec.start.x:.2f}, {spec.start.y:.2f}), "
            f"after {spec.spawn_delay:g} s"
        )
        actions += [
            LogInfo(msg=f"fleet_bringup: {summary}"),
            # The group sits inside the timer so that its launch arguments are scoped when it
            # runs (a timer inside a scoped group loses the scope on older launch releases).
            TimerAction(period=spec.spawn_delay, actions=[GroupAction(robot, scoped=True)]),
        ]
    return actions


def _sim_robot_simulation(site, specs, robots_file, distro, mqtt_url):
    """fleet_sim_robot's robots in one process, and each robot's driver: no Nav2, no simulator."""
    driver_params_file = os.path.join(
        get_package_share_directory("fleet_robot_driver"), "config", "driver.yaml"
    )
    actions = [
        LogInfo(msg=f"fleet_bringup: {len(specs)} simulated robots on {site.id} (sim_robot)"),
        # No name: launch would remap every node of the process to it.
        Node(
            package="fleet_sim_robot",
            executable="sim_robots",
            arguments=["--spec", str(robots_file)],
            output="screen",
        ),
    ]
    for spec in specs:
        setting = spec_driver_setting(spec, site.map_id, distro, SIM_ROBOT, mqtt_url)
        driver = Node(
            package="fleet_robot_driver",
            executable="agent",
            name="fleet_robot_driver",
            namespace=spec.namespace,
            parameters=[driver_params_file, driver_parameters(setting)],
            output="screen",
            respawn=True,
            respawn_delay=5.0,
        )
        actions += [
            LogInfo(msg=f"fleet_bringup: {spec.serial_number} in {spec.ros_namespace}"),
            TimerAction(period=spec.spawn_delay, actions=[driver]),
        ]
    return actions


def _gazebo(share, world, gui):
    """Gz sim with the site's world, and its clock."""
    tb3 = get_package_share_directory("nav2_minimal_tb3_sim")
    gz_sim = os.path.join(get_package_share_directory("ros_gz_sim"), "launch", "gz_sim.launch.py")
    return [
        # The exported world names no systems: load the ones the robots' sensors need.
        SetEnvironmentVariable(
            "GZ_SIM_SERVER_CONFIG_PATH", str(share / "config" / "gz_server.config")
        ),
        # The stand-in robot's meshes (package:// and model:// URIs).
        AppendEnvironmentVariable("GZ_SIM_RESOURCE_PATH", os.path.join(tb3, "models")),
        AppendEnvironmentVariable("GZ_SIM_RESOURCE_PATH", str(Path(tb3).parent)),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(gz_sim),
            launch_arguments={
                "gz_args": gz_sim_arguments(world, gui),
                "on_exit_shutdown": "true",
            }.items(),
        ),
        Node(
            package="ros_gz_bridge",
            executable="parameter_bridge",
            name="clock_bridge",
            parameters=[{"config_file": str(share / "config" / "clock_bridge.yaml")}],
            output="screen",
        ),
    ]


def _gazebo_robot(share, world_name, spec):
    """The stand-in robot in gz sim: spawned at its start pose, bridged, its transforms."""
    tb3 = get_package_share_directory("nav2_minimal_tb3_sim")
    with open(os.path.join(tb3, "urdf", "turtlebot3_waffle.urdf"), encoding="utf-8") as urdf:
        robot_description = urdf.read()
    model = Command(
        [
            FindExecutable(name="xacro"),
            f" namespace:={spec.ros_namespace} ",
            os.path.join(tb3, "urdf", "gz_waffle.sdf.xacro"),
        ]
    )
    start = spec.start
    return [
        Node(
            package="ros_gz_sim",
            executable="create",
            name="spawn",
            namespace=spec.namespace,
            arguments=[
                "-world",
                world_name,
                "-name",
                spec.namespace,
                "-string",
                model,
                "-x",
                str(start.x),
                "-y",
                str(start.y),
                "-z",
                "0.01",
                "-Y",
                str(start.yaw),
            ],
            output="screen",
        ),
        Node(
            package="ros_gz_bridge",
            executable="parameter_bridge",
            name="gz_bridge",
            namespace=spec.namespace,
            parameters=[
                {
                    "config_file": str(share / "config" / "gz_bridge.yaml"),
                    "expand_gz_topic_names": True,
                    "use_sim_time": True,
                }
            ],
            output="screen",
        ),
        Node(
            package="robot_state_publisher",
            executable="robot_state_publisher",
            namespace=spec.namespace,
            parameters=[{"use_sim_time": True, "robot_description": robot_description}],
            remappings=TF_REMAPPINGS,
            output="screen",
        ),
    ]


def _loopback_robot(spec):
    """nav2_loopback_sim for one robot, its body's transforms, and its start pose."""
    return [
        Node(
            package="tf2_ros",
            executable="static_transform_publisher",
            name="base_link_transform",
            namespace=spec.namespace,
            arguments=["--frame-id", "base_footprint", "--child-frame-id", "base_link"],
            remappings=TF_REMAPPINGS,
        ),
        Node(
            package="tf2_ros",
            executable="static_transform_publisher",
            name="scan_transform",
            namespace=spec.namespace,
            arguments=[
                "--z",
                "0.3",
                "--frame-id",
                "base_link",
                "--child-frame-id",
                LOOPBACK_SCAN_FRAME,
            ],
            remappings=TF_REMAPPINGS,
        ),
        Node(
            package="nav2_loopback_sim",
            executable="loopback_simulator",
            name="loopback_simulator",
            namespace=spec.namespace,
            parameters=[loopback_parameters()],
            # It asks the absolute /map_server/map for the map its scans are cast in: use the
            # robot's own map server.
            remappings=[*TF_REMAPPINGS, ("/map_server/map", "map_server/map")],
            output="screen",
        ),
        # The simulator stands still until it is told where the robot is; AMCL hears it too.
        ExecuteProcess(
            cmd=[
                "ros2",
                "topic",
                "pub",
                "--once",
                "--wait-matching-subscriptions",
                "2",
                f"{spec.ros_namespace}/initialpose",
                "geometry_msgs/msg/PoseWithCovarianceStamped",
                initial_pose_message(spec.start),
            ],
            output="log",
        ),
    ]


def _nav2_and_driver(spec, nav2_arguments, driver, use_sim_time):
    """The robot's Nav2, its driver, and the battery the driver waits for."""
    nav2_launch = os.path.join(
        get_package_share_directory("nav2_bringup"), "launch", "bringup_launch.py"
    )
    driver_params_file = os.path.join(
        get_package_share_directory("fleet_robot_driver"), "config", "driver.yaml"
    )
    return [
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(nav2_launch), launch_arguments=nav2_arguments.items()
        ),
        Node(
            package="fleet_robot_driver",
            executable="agent",
            name="fleet_robot_driver",
            namespace=spec.namespace,
            parameters=[driver_params_file, driver, {"use_sim_time": use_sim_time}],
            output="screen",
            respawn=True,
            respawn_delay=5.0,
        ),
        # Neither simulator has a battery: a constant reading at fleet-sim's start level, so
        # the driver starts (charging is not simulated: a charge action will time out).
        ExecuteProcess(
            cmd=[
                "ros2",
                "topic",
                "pub",
                "--rate",
                "1",
                f"{spec.ros_namespace}/battery_state",
                "sensor_msgs/msg/BatteryState",
                battery_message(spec.battery),
            ],
            output="log",
        ),
    ]


def generate_launch_description():
    """The launch arguments and the simulation."""
    arguments = [
        DeclareLaunchArgument(name, default_value=default, description=text)
        for name, (default, text) in ARGUMENTS.items()
    ]
    return LaunchDescription([*arguments, OpaqueFunction(function=_simulation)])
