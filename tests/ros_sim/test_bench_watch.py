"""What the ROS fleet benchmark measures (bench/ros_watch.py), checked on a real simulated robot:
a goal's acceptance time comes from the action's status topic, stamped by the robot's action
server between the client's send and its answer; the sampled poses carry stamps and positions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.ros_environment import import_rclpy

rclpy = import_rclpy()

from fleet_sim_robot.host import build_nodes  # noqa: E402
from nav2_msgs.action import NavigateThroughPoses, NavigateToPose  # noqa: E402
from rclpy.action.client import ActionClient  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402

from bench.ros_watch import RosWatch  # noqa: E402
from fleet_protocol.kinds import RobotKind  # noqa: E402
from simulation.profiles import profile_for  # noqa: E402
from simulation.ros_spec import FleetSpec, RobotSpec  # noqa: E402

pytestmark = pytest.mark.rclpy

KIND = RobotKind.PATROL_DOG
SPEC = FleetSpec(
    robots=[RobotSpec("dog-01", KIND, 0.0, 0.0, 0.0, "watch-test", 80.0, profile_for(KIND).energy)],
    speed_factor=5.0,
    docks={},
)


@pytest.fixture
def robot_and_watch() -> Iterator[tuple[Any, RosWatch]]:
    rclpy.init()
    nodes = build_nodes(SPEC)
    executor = SingleThreadedExecutor()
    executor.add_node(nodes[0])
    thread = threading.Thread(target=executor.spin, daemon=True)
    thread.start()
    client = rclpy.create_node("bench_watch_test")
    watch = RosWatch(["dog_01"], ["dog_01"])
    watch.start()
    try:
        assert watch.wait_discovered(timeout=10), "the watcher did not find the robot"
        yield client, watch
    finally:
        watch.stop()
        client.destroy_node()
        executor.shutdown()
        thread.join(timeout=5)
        nodes[0].close()
        rclpy.try_shutdown()


def _goal(x: float) -> Any:
    goal = NavigateThroughPoses.Goal()
    pose = NavigateToPose.Goal().pose
    pose.header.frame_id = "map"
    pose.pose.position.x = x
    pose.pose.orientation.w = 1.0
    if hasattr(goal.poses, "goals"):  # Kilted: nav_msgs/Goals
        goal.poses.header.frame_id = "map"
        goal.poses.goals = [pose]
    else:
        goal.poses = [pose]
    return goal


def test_the_goal_s_acceptance_stamp_lies_between_send_and_answer(
    robot_and_watch: tuple[Any, RosWatch],
) -> None:
    client, watch = robot_and_watch
    action = ActionClient(client, NavigateThroughPoses, "/dog_01/navigate_through_poses")
    assert action.wait_for_server(timeout_sec=10)
    sent = time.time()
    future = action.send_goal_async(_goal(20.0))
    rclpy.spin_until_future_complete(client, future, timeout_sec=10)
    answered = time.time()
    assert future.result().accepted
    goal = watch.wait_goal("dog_01", sent, timeout=5, action="navigate_through_poses")
    assert goal is not None, "the acceptance never showed on the status topic"
    assert sent <= goal.accepted <= answered
    assert watch.first_goal("dog_01", answered + 1) is None  # nothing accepted after
    # While it drives, the robot's poses arrive with its stamps and moving positions.
    time.sleep(1.0)
    poses = watch.poses(sent, time.time())["dog_01"]
    assert len(poses) >= 5
    assert all(abs(received - stamp) < 1.0 for received, stamp, _, _ in poses)
    assert poses[-1][2] > poses[0][2] >= 0.0
    action.destroy()
