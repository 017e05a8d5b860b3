"""The simulated ROS robot through real rclpy clients: Nav2 actions, battery, speech, deck, camera.

The robots run in a thread of this process as `sim_robots` runs them (one executor for all);
the test's own node spins in the test's thread while it waits.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.ros_environment import import_rclpy

rclpy = import_rclpy()

from fleet_sim_robot.host import build_nodes  # noqa: E402
from fleet_sim_robot.node import SimRobotNode  # noqa: E402
from nav2_msgs.action import DockRobot, NavigateThroughPoses, NavigateToPose  # noqa: E402
from rcl_interfaces.msg import Parameter as ParameterMessage  # noqa: E402
from rcl_interfaces.msg import ParameterType, ParameterValue  # noqa: E402
from rcl_interfaces.srv import SetParameters  # noqa: E402
from rclpy.action.client import ActionClient  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.qos import qos_profile_sensor_data  # noqa: E402
from sensor_msgs.msg import BatteryState, Image  # noqa: E402
from std_msgs.msg import String  # noqa: E402
from std_srvs.srv import SetBool  # noqa: E402

from fleet_protocol.kinds import RobotKind  # noqa: E402
from simulation.profiles import profile_for  # noqa: E402
from simulation.ros_spec import FleetSpec, RobotSpec  # noqa: E402

pytestmark = pytest.mark.rclpy

MAP = "ros-sim-test"
SPEED_FACTOR = 10.0
SUCCEEDED, CANCELED, ABORTED = 4, 5, 6  # action_msgs/GoalStatus


def robot(serial: str, kind: RobotKind, x: float, battery: float = 80.0) -> RobotSpec:
    return RobotSpec(serial, kind, x, 0.0, 0.0, MAP, battery, profile_for(kind).energy)


SPEC = FleetSpec(
    robots=[
        robot("dog-01", RobotKind.PATROL_DOG, 0.0),
        robot("dog-02", RobotKind.PATROL_DOG, 0.0),
        robot("dog-03", RobotKind.PATROL_DOG, 0.0),
        robot("sweeper-01", RobotKind.SANITATION, 20.0, battery=50.0),
    ],
    speed_factor=SPEED_FACTOR,
    docks={"dock-a": (20.0, 0.0), "dock-b": (26.0, 0.0)},
)


class Robots:
    """The simulated robots spinning in a thread, and a client node spun by the test."""

    def __init__(self) -> None:
        self.nodes = {node.base.serial_number: node for node in build_nodes(SPEC)}
        self._executor = SingleThreadedExecutor()
        for node in self.nodes.values():
            self._executor.add_node(node)
        self._thread = threading.Thread(target=self._executor.spin, daemon=True)
        self._thread.start()
        self.client = rclpy.create_node("sim_robot_test")
        self._client_executor = SingleThreadedExecutor()
        self._client_executor.add_node(self.client)

    def wait(self, future: Any, timeout: float = 15.0) -> Any:
        self._client_executor.spin_until_future_complete(future, timeout_sec=timeout)
        assert future.done(), f"no answer within {timeout} s"
        return future.result()

    def spin_until(self, condition: Callable[[], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "condition not met in time"
            self._client_executor.spin_once(timeout_sec=0.05)

    def action(self, action_type: Any, namespace: str, name: str) -> Any:
        client = ActionClient(self.client, action_type, f"{namespace}/{name}")
        assert client.wait_for_server(timeout_sec=10.0), f"no {namespace}/{name}"
        return client

    def close(self) -> None:
        self._client_executor.shutdown()
        self.client.destroy_node()
        self._executor.shutdown()
        self._thread.join(timeout=5)
        for node in self.nodes.values():
            node.close()


@pytest.fixture(scope="module")
def robots() -> Iterator[Robots]:
    rclpy.init()
    fleet = Robots()
    try:
        yield fleet
    finally:
        fleet.close()
        rclpy.try_shutdown()


def through_poses_goal(points: list[tuple[float, float]]) -> Any:
    goal = NavigateThroughPoses.Goal()
    stamped = []
    for x, y in points:
        pose = NavigateToPose.Goal().pose  # a PoseStamped
        pose.header.frame_id = "map"
        pose.pose.position.x, pose.pose.position.y = float(x), float(y)
        pose.pose.orientation.w = 1.0
        stamped.append(pose)
    if hasattr(goal.poses, "goals"):  # Kilted: nav_msgs/Goals
        goal.poses.header.frame_id = "map"
        goal.poses.goals = stamped
    else:
        goal.poses = stamped
    return goal


def send(robots: Robots, client: Any, goal: Any, feedback: list[Any] | None = None) -> Any:
    callback = None if feedback is None else (lambda message: feedback.append(message.feedback))
    handle = robots.wait(client.send_goal_async(goal, feedback_callback=callback))
    assert handle.accepted
    return handle


def test_navigation_counts_poses_and_distance_down_and_ends_at_the_last_pose(
    robots: Robots,
) -> None:
    client = robots.action(NavigateThroughPoses, "/dog_01", "navigate_through_poses")
    feedback: list[Any] = []
    handle = send(robots, client, through_poses_goal([(3, 0), (6, 0), (6, 6)]), feedback)
    response = robots.wait(handle.get_result_async())
    assert response.status == SUCCEEDED
    assert response.result.error_code == 0
    remaining = [f.number_of_poses_remaining for f in feedback]
    distances = [f.distance_remaining for f in feedback]
    assert remaining[0] == 3 and remaining == sorted(remaining, reverse=True)
    assert 1 in remaining, "the last pose stays in the count until the goal succeeds"
    assert distances[0] == pytest.approx(12.0)
    assert distances == sorted(distances, reverse=True)
    pose = robots.nodes["dog-01"].base.pose()
    assert (pose.x, pose.y) == pytest.approx((6.0, 6.0))


def test_a_cancelled_goal_stops_the_robot_short_of_its_goal(robots: Robots) -> None:
    client = robots.action(NavigateToPose, "/dog_02", "navigate_to_pose")
    goal = NavigateToPose.Goal()
    goal.pose.header.frame_id = "map"
    goal.pose.pose.position.x = 100.0
    goal.pose.pose.orientation.w = 1.0
    feedback: list[Any] = []
    handle = send(robots, client, goal, feedback)
    robots.spin_until(lambda: len(feedback) >= 3)
    robots.wait(handle.cancel_goal_async())
    response = robots.wait(handle.get_result_async())
    assert response.status == CANCELED
    base = robots.nodes["dog-02"].base
    stopped = base.pose().x
    assert 0.0 < stopped < 100.0
    time.sleep(0.3)
    assert base.pose().x == stopped and base.body.speed == 0.0


def test_an_injected_failure_aborts_with_nav2_s_code_after_the_poses_asked_for(
    robots: Robots,
) -> None:
    values = {
        "fail_navigation_code": ParameterValue(
            type=ParameterType.PARAMETER_INTEGER, integer_value=207
        ),
        "fail_navigation_after_poses": ParameterValue(
            type=ParameterType.PARAMETER_INTEGER, integer_value=1
        ),
        "fail_navigation_message": ParameterValue(
            type=ParameterType.PARAMETER_STRING, string_value="goal in a wall"
        ),
    }
    service = robots.client.create_client(SetParameters, "/dog_03/fleet_sim_robot/set_parameters")
    assert service.wait_for_service(timeout_sec=10.0)
    request = SetParameters.Request()
    request.parameters = [ParameterMessage(name=n, value=v) for n, v in values.items()]
    answer = robots.wait(service.call_async(request))
    assert all(result.successful for result in answer.results), answer.results
    client = robots.action(NavigateThroughPoses, "/dog_03", "navigate_through_poses")
    handle = send(robots, client, through_poses_goal([(2, 0), (4, 0), (6, 0)]))
    response = robots.wait(handle.get_result_async())
    assert response.status == ABORTED
    assert response.result.error_code == 207
    assert response.result.error_msg == "goal in a wall"
    assert robots.nodes["dog-03"].base.pose().x == pytest.approx(2.0), "failed after one pose"
    code = robots.nodes["dog-03"].get_parameter("fail_navigation_code").value
    assert code == 0, "used up"
    # Once: the next goal runs.
    handle = send(robots, client, through_poses_goal([(3, 0)]))
    assert robots.wait(handle.get_result_async()).status == SUCCEEDED


def battery_reader(robots: Robots, namespace: str) -> list[Any]:
    readings: list[Any] = []
    robots.client.create_subscription(
        BatteryState, f"{namespace}/battery_state", readings.append, qos_profile_sensor_data
    )
    return readings


def test_the_battery_drains_while_driving_and_charges_on_the_dock(robots: Robots) -> None:
    readings = battery_reader(robots, "/sweeper_01")
    robots.spin_until(lambda: bool(readings))
    start = readings[-1].percentage
    assert start == pytest.approx(0.5, abs=0.01)
    assert readings[-1].power_supply_status == BatteryState.POWER_SUPPLY_STATUS_DISCHARGING
    navigate = robots.action(NavigateToPose, "/sweeper_01", "navigate_to_pose")
    goal = NavigateToPose.Goal()
    goal.pose.header.frame_id = "map"
    goal.pose.pose.position.x = 26.0
    goal.pose.pose.orientation.w = 1.0
    assert robots.wait(send(robots, navigate, goal).get_result_async()).status == SUCCEEDED
    mark = len(readings)
    robots.spin_until(lambda: len(readings) > mark)
    driven = readings[-1].percentage
    assert driven < start, "driving to the dock cost charge"

    dock = robots.action(DockRobot, "/sweeper_01", "dock_robot")
    request = DockRobot.Goal()
    request.use_dock_id = True
    request.dock_id = "dock-nowhere"
    response = robots.wait(send(robots, dock, request).get_result_async())
    assert response.status == ABORTED and response.result.error_code == 901
    assert not response.result.success
    request.dock_id = "dock-b"
    response = robots.wait(send(robots, dock, request).get_result_async())
    assert response.status == SUCCEEDED and response.result.success
    assert robots.nodes["sweeper-01"].base.docked == "dock-b"
    mark = len(readings)
    robots.spin_until(lambda: len(readings) >= mark + 2)
    on_dock = readings[mark:]
    assert on_dock[-1].percentage > on_dock[0].percentage
    assert on_dock[-1].power_supply_status == BatteryState.POWER_SUPPLY_STATUS_CHARGING


def test_the_deck_service_lowers_the_deck_and_its_load_drains_the_battery(robots: Robots) -> None:
    base = robots.nodes["dog-01"].base
    deck = robots.client.create_client(SetBool, "/sweeper_01/cleaning_deck")
    assert deck.wait_for_service(timeout_sec=10.0)
    sweeper = robots.nodes["sweeper-01"].base
    sweeper.leave_dock()  # off the charger, so the drain shows
    idle = _drain_per_second(sweeper)
    answer = robots.wait(deck.call_async(SetBool.Request(data=True)))
    assert answer.success and sweeper.deck_down
    working = _drain_per_second(sweeper)
    assert working > idle * 2
    answer = robots.wait(deck.call_async(SetBool.Request(data=False)))
    assert answer.success and not sweeper.deck_down
    # A patrol dog has no deck.
    assert robots.client.get_service_names_and_types_by_node  # the API exists on every distro
    assert not base.deck_down
    dog_deck = robots.client.create_client(SetBool, "/dog_01/cleaning_deck")
    assert not dog_deck.wait_for_service(timeout_sec=0.5)


def _drain_per_second(base: Any) -> float:
    before, started = base.battery_level(), time.monotonic()
    time.sleep(0.3)
    return (before - base.battery_level()) / (time.monotonic() - started)


def test_what_is_said_on_the_speech_topic_is_recorded(robots: Robots) -> None:
    speaker = robots.client.create_publisher(String, "/dog_02/speech", 10)
    node: SimRobotNode = robots.nodes["dog-02"]
    robots.spin_until(lambda: speaker.get_subscription_count() > 0)
    speaker.publish(String(data="请勿占道经营"))
    speaker.publish(String(data="Please keep the pavement clear"))
    robots.spin_until(lambda: len(node.base.spoken) == 2)
    assert node.base.spoken == ["请勿占道经营", "Please keep the pavement clear"]


def test_the_camera_publishes_small_rgb_frames(robots: Robots) -> None:
    frames: list[Any] = []
    robots.client.create_subscription(
        Image, "/dog_01/camera/image_raw", frames.append, qos_profile_sensor_data
    )
    robots.spin_until(lambda: len(frames) >= 2)
    frame = frames[-1]
    assert (frame.width, frame.height, frame.encoding) == (64, 48, "rgb8")
    assert frame.step == 64 * 3 and len(frame.data) == 64 * 48 * 3
    assert bytes(frames[0].data) != bytes(frames[-1].data)
    assert not math.isnan(frame.header.stamp.sec)


def test_robots_stopped_mid_goal_abort_it_and_close(robots: Robots) -> None:
    spec = FleetSpec([robot("dog-09", RobotKind.PATROL_DOG, 0.0)], speed_factor=SPEED_FACTOR)
    [node] = build_nodes(spec)
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    thread = threading.Thread(target=executor.spin, daemon=True)
    thread.start()
    client = robots.action(NavigateToPose, "/dog_09", "navigate_to_pose")
    goal = NavigateToPose.Goal()
    goal.pose.header.frame_id = "map"
    goal.pose.pose.position.x = 500.0
    goal.pose.pose.orientation.w = 1.0
    feedback: list[Any] = []
    send(robots, client, goal, feedback)
    robots.spin_until(lambda: bool(feedback))
    executor.shutdown()
    thread.join(timeout=5)
    node.close()  # as sim_robots does on SIGINT: the goal is aborted, not left executing
    assert node.base.body.speed == 0.0
