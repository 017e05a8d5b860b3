"""RosDriver behind the agent's executor: one Nav2 goal per run, progress, cancel, errors, actions.

The ROS side is tests/ros_driver/robot_double.py (ROS 2 cannot be installed here): a worker
thread plays Nav2 and the robot's servers, and the real LoopBridge carries its answers over.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fleet_robot_driver.conversions import PATH_FOLLOWING_ERROR
from fleet_robot_driver.outcomes import DOCKING_ERROR
from fleet_robot_driver.parameters import DriverParameters
from fleet_robot_driver.port import STATUS_ABORTED, CapturedImage, GoalOutcome
from fleet_robot_driver.ros_driver import ROS_INTERFACE_ERROR, RosDriver

from fleet_protocol.kinds import RobotKind
from fleet_protocol.orientation import quaternion_to_yaw
from fleet_protocol.state import ActionStatus, ErrorLevel, State
from robot_agent.driver import BatteryReading, DriverError, Pose
from robot_agent.errors import UNKNOWN_ACTION
from tests.robot_agent.conftest import Robot
from tests.robot_agent.messages import MAP, action, instant, order
from tests.robot_agent.png_reader import read_png
from tests.ros_driver.robot_double import NavFailure, ThreadedRobot

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 6.0, 4.0)]
FULL = {"tts_topic": "tts", "image_topic": "camera/image", "clean_service": "deck/enable"}


class Vehicle(Robot):
    """The agent's executor on a RosDriver, whose ROS side is a ThreadedRobot."""

    def __init__(self, robot: ThreadedRobot, driver: RosDriver) -> None:
        super().__init__(driver)  # type: ignore[arg-type]  # any Driver will do
        self.robot = robot
        self.driver: RosDriver = driver  # type: ignore[assignment]


def parameters(kind: RobotKind = RobotKind.PATROL_DOG, **values: Any) -> DriverParameters:
    return DriverParameters.from_values(
        {"serial_number": "r1", "kind": kind.value, "startup_timeout": 0.5, **values}
    )


@pytest.fixture
async def make_vehicle(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    vehicles: list[Vehicle] = []

    async def build(kind: RobotKind = RobotKind.PATROL_DOG, **values: Any) -> Vehicle:
        robot = ThreadedRobot(
            asyncio.get_running_loop(),
            map_id=MAP,
            start=Pose(0.0, 0.0, 0.0, MAP),
            battery=BatteryReading(80.0, False),
        )
        values.setdefault("photo_dir", str(tmp_path / "photos"))
        driver = RosDriver(robot, parameters(kind, **values), Pose(0.0, 0.0, 0.0, MAP), poll=0.01)
        await driver.start()
        vehicle = Vehicle(robot, driver)
        vehicles.append(vehicle)
        return vehicle

    yield build
    for vehicle in vehicles:
        await vehicle.executor.close()
        await vehicle.driver.stop()


def done(state: State) -> bool:
    return not state.node_states and not state.driving


async def test_a_released_run_is_one_goal_and_every_node_is_reported_in_order(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    passed: list[str] = []
    vehicle.send_order(order("o1", LINE))
    while True:
        state = vehicle.state()
        if state.last_node_id and (not passed or passed[-1] != state.last_node_id):
            passed.append(state.last_node_id)
        if done(state):
            break
        await asyncio.sleep(0.002)
    assert passed[-1] == "D"
    assert passed == sorted(passed), "nodes are passed in order"
    assert len(vehicle.robot.sent.navigations) == 1, "one NavigateThroughPoses goal, no stops"
    goal = vehicle.robot.sent.navigations[0]
    assert [(g.x, g.y) for g in goal] == [(3.0, 0.0), (6.0, 0.0), (6.0, 4.0)]
    # Nodes without theta face the way the robot drives into them.
    assert [round(quaternion_to_yaw(g.orientation), 6) for g in goal] == [
        0.0,
        0.0,
        round(math.pi / 2, 6),
    ]
    assert vehicle.robot.callback_threads == {"MainThread"}, "feedback handled in the loop"
    pose = vehicle.driver.current_pose()
    assert (pose.x, pose.y, pose.map_id) == (6.0, 4.0, MAP)
    assert pose.theta == pytest.approx(math.pi / 2)


async def test_a_blocking_action_splits_the_run_into_two_goals(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(**FULL)
    vehicle.send_order(order("o1", LINE, node_actions={"C": [action("dwell", "w1", seconds=0.05)]}))
    await vehicle.until(done, what="order done")
    goals = [[(g.x, g.y) for g in goal] for goal in vehicle.robot.sent.navigations]
    assert goals == [[(3.0, 0.0), (6.0, 0.0)], [(6.0, 4.0)]]


async def test_edge_max_speed_becomes_nav2_speed_limit(make_vehicle: Callable[..., Any]) -> None:
    vehicle = await make_vehicle()
    message = order("o1", LINE[:2])
    message["edges"][0]["maxSpeed"] = 0.4
    vehicle.send_order(message)
    await vehicle.until(done, what="order done")
    assert vehicle.robot.sent.speed_limits == [0.4]


async def test_a_nav2_failure_reaches_the_state_with_its_code_and_message(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    vehicle.robot.nav_failure = NavFailure(105, "robot stuck near bench", after_poses=1)
    vehicle.send_order(order("o1", LINE))
    state = await vehicle.until(lambda s: bool(s.errors), what="an error")
    error = state.errors[0]
    assert error.error_type == PATH_FOLLOWING_ERROR
    assert error.error_level is ErrorLevel.WARNING
    assert "FAILED_TO_MAKE_PROGRESS (Nav2 error code 105)" in error.error_description
    assert "robot stuck near bench" in error.error_description
    assert state.last_node_id == "B", "the node passed before the failure counts"


async def test_a_humble_failure_without_code_is_still_an_error(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    vehicle.robot.nav_failure = NavFailure(None)
    vehicle.send_order(order("o1", LINE))
    state = await vehicle.until(lambda s: bool(s.errors), what="an error")
    assert "no Nav2 error code" in state.errors[0].error_description


async def test_pause_cancels_the_nav2_goal_and_resume_sends_the_rest(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    vehicle.robot.step = 0.1
    vehicle.send_order(order("o1", LINE))
    await vehicle.until(lambda s: s.last_node_id == "B", what="at B")
    vehicle.send_instant(instant(action("startPause", "pause-1")))
    await vehicle.until(lambda s: bool(s.paused) and not s.driving, what="paused")
    assert vehicle.robot.sent.cancels == 1
    vehicle.send_instant(instant(action("stopPause", "resume-1")))
    await vehicle.until(done, what="order done")
    first, *rest = vehicle.robot.sent.navigations
    assert len(first) == 3 and rest, "a new goal after the resume"
    assert (rest[-1][-1].x, rest[-1][-1].y) == (6.0, 4.0)


async def test_cancel_while_nav2_is_still_accepting_cancels_the_accepted_goal(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    vehicle.robot.accept_delay = 0.2
    task = asyncio.create_task(
        vehicle.driver.navigate_through_poses([Pose(3.0, 0.0, 0.0, MAP)], lambda _: None)
    )
    await asyncio.sleep(0.05)  # the goal is on its way; the server has not answered
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert vehicle.robot.sent.cancels == 1, "the late-accepted goal was cancelled"


async def test_a_rejected_goal_and_a_foreign_map_are_navigation_errors(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()
    vehicle.robot.reject_next = True
    with pytest.raises(DriverError, match="refused"):
        await vehicle.driver.navigate_through_poses([Pose(3.0, 0.0, 0.0, MAP)], lambda _: None)
    with pytest.raises(DriverError, match="poses on map other; this robot navigates map"):
        await vehicle.driver.navigate_through_poses([Pose(1.0, 0.0, 0.0, "other")], lambda _: None)
    assert len(vehicle.robot.sent.navigations) == 1


async def test_announce_speaks_the_text_as_often_as_asked(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(**FULL)
    result = await vehicle.driver.run_action(
        "announce", {"text": "Please move on", "language": "en", "repeat": 2}
    )
    assert result is None
    assert vehicle.robot.sent.speech == ["Please move on", "Please move on"]
    with pytest.raises(DriverError, match="'text' must be a non-empty string"):
        await vehicle.driver.run_action("announce", {"text": " "})


async def test_capture_photo_stores_a_frame_taken_after_the_request(
    make_vehicle: Callable[..., Any], tmp_path: Path
) -> None:
    vehicle = await make_vehicle(**FULL, image_max_age=0.5)
    vehicle.robot.image = CapturedImage(time.monotonic() - 5, "mono8", 1, 1, 1, b"\x00")

    def frame_soon() -> None:  # the camera's next frame arrives 50 ms after the request
        vehicle.robot.image = CapturedImage(time.monotonic(), "rgb8", 2, 1, 6, bytes(range(6)))

    threading.Timer(0.05, frame_soon).start()
    evidence = await vehicle.driver.run_action("capturePhoto", {"direction": "front"})
    assert evidence is not None and evidence.startswith("photo-r1-")
    stored = tmp_path / "photos" / f"{evidence}.png"
    assert read_png(stored.read_bytes()) == (2, 1, 3, bytes(range(6)))
    assert vehicle.driver.photo(evidence) == stored.read_bytes()


async def test_capture_photo_fails_when_the_camera_is_silent(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(**FULL, image_max_age=0.1)
    with pytest.raises(DriverError, match=r"no camera frame on camera/image within 0\.1 s"):
        await vehicle.driver.run_action("capturePhoto", {})
    with pytest.raises(DriverError, match="'direction' must be one of front"):
        await vehicle.driver.run_action("capturePhoto", {"direction": "back"})


async def test_clean_runs_the_deck_for_the_next_navigation_only(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(RobotKind.SANITATION, clean_service="deck/enable")
    clean = {"A": [action("clean", "c1", mode="scrub")]}
    vehicle.send_order(order("o1", LINE[:3], node_actions=clean))
    state = await vehicle.until(done, what="order done")
    assert [a.action_status for a in state.action_states] == [ActionStatus.FINISHED]
    assert vehicle.robot.sent.deck == [True, False], "on for the edges, off when they end"
    vehicle.robot.deck_answer = (False, "brushes jammed")
    with pytest.raises(DriverError, match=r"cleaning deck \(deck/enable\) did not start: brushes"):
        await vehicle.driver.run_action("clean", {})


async def test_dock_by_id_then_charge_waits_for_the_battery(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(charge_start_timeout=1.0)
    robot = vehicle.robot
    assert await vehicle.driver.run_action("dock", {"dockId": "dock-street"}) == (
        "docked at dock-street"
    )
    assert robot.sent.docks[0].dock_id == "dock-street" and robot.sent.docks[0].dock_pose is None

    def charged(level: float) -> Callable[[], None]:
        return lambda: setattr(robot, "current_battery", BatteryReading(level, True))

    threading.Timer(0.05, charged(88.0)).start()  # the dock charges in two steps
    threading.Timer(0.15, charged(91.0)).start()
    assert await vehicle.driver.run_action("charge", {"targetLevel": 90}) == "charged to 91%"
    assert len(robot.sent.docks) == 1, "already docked: no second DockRobot goal"
    # Driving off the dock undocks first.
    await vehicle.driver.navigate_through_poses([Pose(3.0, 0.0, 0.0, MAP)], lambda _: None)
    assert robot.sent.undocks == [""]


async def test_dock_without_id_docks_at_the_robot_and_failures_name_the_code(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(dock_type="charging_dock")
    vehicle.robot.dock_outcome = GoalOutcome(STATUS_ABORTED, 904, "no dock seen", success=False)
    with pytest.raises(DriverError) as caught:
        await vehicle.driver.run_action("dock", {})
    assert caught.value.error_type == DOCKING_ERROR
    assert "FAILED_TO_DETECT_DOCK (error code 904): no dock seen" in caught.value.description
    goal = vehicle.robot.sent.docks[0]
    assert goal.dock_id == "" and goal.dock_type == "charging_dock"
    assert goal.dock_pose is not None and (goal.dock_pose.x, goal.dock_pose.y) == (0.0, 0.0)


async def test_charge_fails_when_the_dock_does_not_charge(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle(charge_start_timeout=0.1)
    with pytest.raises(DriverError, match=r"not charging for 0.1 s on the dock \(battery at 80%\)"):
        await vehicle.driver.run_action("charge", {})
    assert len(vehicle.robot.sent.docks) == 1, "not docked: charge docks first"


async def test_actions_left_unconfigured_are_refused_and_absent_from_the_factsheet(
    make_vehicle: Callable[..., Any],
) -> None:
    vehicle = await make_vehicle()  # no TTS, camera or deck configured
    offered = {a.action_type for a in vehicle.driver.description().actions}
    assert offered == {"dwell", "dock", "charge"}
    with pytest.raises(DriverError) as caught:
        await vehicle.driver.run_action("announce", {"text": "hello"})
    assert caught.value.error_type == UNKNOWN_ACTION
    assert "offers: charge, dock, dwell" in caught.value.description


async def test_start_fails_naming_missing_servers_and_silent_topics() -> None:
    loop = asyncio.get_running_loop()
    robot = ThreadedRobot(loop, map_id=MAP, start=Pose(0.0, 0.0, 0.0, MAP))
    robot.missing = ["action server navigate_through_poses"]
    driver = RosDriver(robot, parameters(), Pose(0.0, 0.0, 0.0, MAP), poll=0.01)
    with pytest.raises(DriverError, match="no action server navigate_through_poses") as caught:
        await driver.start()
    assert caught.value.error_type == ROS_INTERFACE_ERROR and caught.value.fatal
    robot.missing = []
    with pytest.raises(DriverError, match=r"nothing on battery_state within 0.5 s"):
        await driver.start()
    robot.current_battery = BatteryReading(55.0, False)
    await driver.start()
    assert driver.battery() == BatteryReading(55.0, False)
