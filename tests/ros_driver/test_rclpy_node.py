"""The rclpy node against real ROS 2 servers in the same process (where rclpy is installed).

Skipped where ROS 2 is absent (as on CI, where it cannot be installed); run them in a sourced
ROS 2 Humble or Jazzy shell with Nav2's messages: `python -m pytest -m rclpy tests/ros_driver`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

rclpy = pytest.importorskip("rclpy", reason="ROS 2 (rclpy) is not installed")

from fleet_robot_driver.main import create_driver, read_parameters  # noqa: E402
from fleet_robot_driver.parameters import ParameterError  # noqa: E402
from nav2_msgs.action import NavigateThroughPoses  # noqa: E402
from nav_msgs.msg import Odometry  # noqa: E402
from rclpy.action import ActionServer  # noqa: E402
from rclpy.executors import MultiThreadedExecutor  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from sensor_msgs.msg import BatteryState  # noqa: E402

from fleet_protocol.kinds import RobotKind  # noqa: E402
from robot_agent.driver import DriverContext, Pose  # noqa: E402

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
