"""The rclpy node against real ROS 2 servers in the same process (where rclpy is installed).

Skipped where ROS 2 is absent, except where FLEET_REQUIRE_ROS=1 (as in CI, which installs rclpy
and builds nav2_msgs with ros_ws/tools/setup_ros2.sh): there a missing rclpy fails the run.
`python -m pytest -m rclpy tests/ros_driver` runs them alone.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

if os.environ.get("FLEET_REQUIRE_ROS") == "1":
    rclpy = importlib.import_module("rclpy")
else:
    rclpy = pytest.importorskip("rclpy", reason="ROS 2 (rclpy) is not installed")

from fleet_robot_driver.main import create_driver, read_parameters
from fleet_robot_driver.parameters import ParameterError
from nav2_msgs.action import NavigateThroughPoses
from nav_msgs.msg import Odometry
from rclpy.action import ActionServer
from rclpy.executors import MultiThreadedExecutor
from rclpy.parameter import Parameter
from sensor_msgs.msg import BatteryState

from fleet_protocol.kinds import RobotKind
from robot_agent.driver import DriverContext, Pose

pytestmark = pytest.mark.rclpy

MAP = "ros-test-map"
SERIAL = "ros_test"


@pytest.fixture
def ros() -> Iterator[None]:
    rclpy.init()
    yield
    rclpy.try_shutdown()


class FakeNav2:
    """A NavigateThroughPoses server, odometry and a battery in the robot's namespace."""

    def __init__(self) -> None:
        self.node = rclpy.create_node("fake_nav2", namespace="/" + SERIAL)
        self.goals: list[int] = []
        self._server = ActionServer(
            self.node, NavigateThroughPoses, "navigate_through_poses", self._execute
        )
        self._odom = self.node.create_publisher(Odometry, "odom", 10)
        self._battery = self.node.create_publisher(BatteryState, "battery_state", 10)
        self.node.create_timer(0.05, self._publish)
        self._executor = MultiThreadedExecutor()
        self._executor.add_node(self.node)
        self._thread = threading.Thread(target=self._executor.spin, daemon=True)
        self._thread.start()

    def _execute(self, goal_handle: Any) -> Any:
        poses = goal_handle.request.poses
        poses = getattr(poses, "goals", poses)  # Kilted wraps them in nav_msgs/Goals
        self.goals.append(len(poses))
        for remaining in range(len(poses), 0, -1):
            feedback = NavigateThroughPoses.Feedback()
            feedback.number_of_poses_remaining = remaining
            goal_handle.publish_feedback(feedback)
            time.sleep(0.05)
        goal_handle.succeed()
        return NavigateThroughPoses.Result()

    def _publish(self) -> None:
        odom = Odometry()
        odom.pose.pose.position.x = 1.5
        odom.pose.pose.orientation.w = 1.0
        self._odom.publish(odom)
        battery = BatteryState()
        battery.percentage = 0.64
        battery.power_supply_status = BatteryState.POWER_SUPPLY_STATUS_DISCHARGING
        self._battery.publish(battery)

    def close(self) -> None:
        self._executor.shutdown()
        self.node.destroy_node()


async def test_one_goal_through_a_real_action_server_reports_every_pose(ros: None) -> None:
    nav2 = FakeNav2()
    context = DriverContext(
        kind=RobotKind.PATROL_DOG,
        serial_number=SERIAL,
        initial_pose=Pose(0.0, 0.0, 0.0, MAP),
        options={"pose_source": "odom", "dock_action": "", "startup_timeout": "10"},
    )
    driver = create_driver(context)
    try:
        await driver.start()
        assert driver.battery().charge == pytest.approx(64.0)
        assert driver.current_pose().x == pytest.approx(1.5)
        reached: list[int] = []
        poses = [Pose(float(x), 0.0, 0.0, MAP) for x in (2, 4, 6)]
        await driver.navigate_through_poses(poses, reached.append)
        assert reached == [0, 1, 2]
        assert nav2.goals == [3]
    finally:
        await driver.stop()
        nav2.close()


def test_a_wrongly_typed_parameter_is_named(ros: None) -> None:
    node = rclpy.create_node(
        "fleet_robot_driver",
        namespace="/" + SERIAL,
        parameter_overrides=[Parameter("speed_max", value="fast")],
    )
    try:
        with pytest.raises(ParameterError, match="speed_max: expected float, got 'fast'"):
            read_parameters(node)
    finally:
        node.destroy_node()
