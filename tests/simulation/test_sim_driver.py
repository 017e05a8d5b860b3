"""SimDriver: motion at the kind's speed, cancellation, battery, actions and injected failures."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable

import pytest

from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from robot_agent.action_parameters import ACTION_PARAMETER_ERROR
from robot_agent.driver import Driver, DriverContext, DriverError, Pose, load_driver
from robot_agent.errors import UNKNOWN_ACTION
from simulation.failures import ACTION_FAILED, BATTERY_EMPTY
from simulation.sim_driver import SimDriver, create_driver
from tests.simulation.waiting import wait_for

MAP = "test-map"


def pose(x: float, y: float, theta: float = 0.0) -> Pose:
    return Pose(x, y, theta, MAP)


async def timed(awaitable: Awaitable[object]) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    await awaitable
    return loop.time() - start


def test_is_a_driver_and_describes_its_kind() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0))
    assert isinstance(driver, Driver)
    description = driver.description()
    assert description.series_name == "patrol_dog"
    assert description.speed_max == pytest.approx(1.5)
    assert list(description.actions) == list(KIND_ACTIONS[RobotKind.PATROL_DOG])
    assert SimDriver("sanitation", pose(0, 0)).description().speed_max == pytest.approx(0.8)
    assert SimDriver("service", pose(0, 0)).description().speed_max == pytest.approx(1.0)


def test_entry_point_builds_a_sim_driver_with_options() -> None:
    context = DriverContext(
        kind=RobotKind.SERVICE,
        serial_number="guide-07",
        initial_pose=pose(3, 4, 1.0),
        options={"speed_factor": "25", "battery": "42.5"},
    )
    driver = load_driver("sim", context)
    assert isinstance(driver, SimDriver)
    assert driver.speed_factor == 25
    assert driver.serial_number == "guide-07"
    assert driver.battery().charge == pytest.approx(42.5, abs=0.01)
    assert driver.current_pose() == pose(3, 4, 1.0)


def test_bad_option_is_named() -> None:
    context = DriverContext(
        kind=RobotKind.SERVICE,
        serial_number="x",
        initial_pose=pose(0, 0),
        options={"speed_factor": "fast"},
    )
    with pytest.raises(ValueError, match="speed_factor"):
        create_driver(context)


async def test_drives_through_poses_reporting_each_and_ends_on_heading() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=20, tick=0.01)
    reached: list[int] = []
    goal = [pose(0, 0), pose(10, 0), pose(10, 10, math.pi)]
    elapsed = await timed(driver.navigate_through_poses(goal, reached.append))
    assert reached == [0, 1, 2]
    final = driver.current_pose()
    assert (final.x, final.y) == (10, 10)
    assert final.theta == pytest.approx(math.pi)
    assert driver.speed() == 0
    # 20 m at 1.5 m/s plus two quarter turns at 1.5 rad/s, 20 times faster than real time.
    expected = (20 / 1.5 + math.pi / 1.5) / 20
    assert expected * 0.95 <= elapsed <= expected + 0.5


async def test_max_speed_caps_the_speed() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=50, tick=0.01)
    elapsed = await timed(
        driver.navigate_through_poses([pose(10, 0)], lambda _: None, max_speed=0.5)
    )
    assert elapsed >= (10 / 0.5) / 50 * 0.95
    assert driver.current_pose().x == 10


async def test_reports_cruising_speed_while_driving() -> None:
    driver = SimDriver(RobotKind.SANITATION, pose(0, 0), speed_factor=10, tick=0.01)
    task = asyncio.create_task(driver.navigate_through_poses([pose(500, 0)], lambda _: None))
    await wait_for(lambda: driver.current_pose().x > 1)
    assert driver.speed() == pytest.approx(0.8)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_cancellation_stops_the_robot_mid_edge() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=50, tick=0.01)
    reached: list[int] = []
    task = asyncio.create_task(
        driver.navigate_through_poses([pose(1000, 0), pose(1000, 50)], reached.append)
    )
    await wait_for(lambda: driver.current_pose().x > 20)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stopped = driver.current_pose()
    assert 20 < stopped.x < 1000
    assert reached == []
    assert driver.speed() == 0
    await asyncio.sleep(0.05)  # five ticks: a stopped robot must not have moved
    assert driver.current_pose() == stopped


async def test_driving_costs_its_figure_per_km_and_standing_its_figure_per_minute() -> None:
    # One wall second is one sim hour.
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=3600, tick=0.01)
    figures = driver.energy
    await driver.navigate_through_poses([pose(2700, 0)], lambda _: None)  # 0.5 h at 1.5 m/s
    after_drive = driver.battery().charge
    expected = 100 - 2.7 * figures.drive_per_km - 30 * figures.idle_per_min
    # Each wall millisecond the test loses after the drive costs 1 % of a minute idle.
    assert expected - 0.3 <= after_drive <= expected + 0.01
    await wait_for(lambda: driver.battery().charge < after_drive - 1)  # idle
    assert not driver.battery().charging


async def test_charge_action_charges_to_target_level() -> None:
    driver = SimDriver(RobotKind.SERVICE, pose(0, 0), speed_factor=36000, battery=30)
    task = asyncio.create_task(driver.run_action("charge", {"targetLevel": 80}))
    await wait_for(lambda: driver.battery().charging)
    result = await asyncio.wait_for(task, 5)
    battery = driver.battery()
    assert battery.charge == pytest.approx(80, abs=0.05)  # a little idle since it stopped
    assert not battery.charging
    assert result == "charged to 80%"
    # Already above the target: nothing to charge.
    again = await driver.run_action("charge", {"targetLevel": "50"})
    assert again is not None and again.startswith("battery at")


DOCKS = {"dock-a": (10.0, 0.0), "dock-b": (0.0, 30.0)}


async def test_charging_happens_only_on_a_dock() -> None:
    driver = SimDriver(
        RobotKind.PATROL_DOG, pose(0, 0), speed_factor=3600, battery=40, tick=0.01, docks=DOCKS
    )
    for action, parameters in [("charge", {}), ("dock", {}), ("dock", {"dockId": "dock-a"})]:
        with pytest.raises(DriverError) as caught:
            await driver.run_action(action, parameters)
        assert caught.value.error_type == ACTION_FAILED and not caught.value.fatal
        assert "at (0.0, 0.0) is not on" in caught.value.description
    with pytest.raises(DriverError, match=r"unknown dock 'dock-z' \(docks: dock-a, dock-b\)"):
        await driver.run_action("dock", {"dockId": "dock-z"})
    assert not driver.battery().charging
    await driver.navigate_through_poses([pose(10.5, 0.5)], lambda _: None)  # within a metre
    assert await driver.run_action("dock", {"dockId": "dock-a"}) is None
    assert await driver.run_action("charge", {"targetLevel": 60}) == "charged to 60%"
    assert driver.battery().charge == pytest.approx(60, abs=0.05)


async def test_driving_off_the_dock_ends_the_charge_short_of_its_target() -> None:
    driver = SimDriver(RobotKind.SERVICE, pose(10, 0), speed_factor=100, battery=20, docks=DOCKS)
    charging = asyncio.create_task(driver.run_action("charge", {"targetLevel": 90}))
    await wait_for(lambda: driver.battery().charging)
    await driver.navigate_through_poses([pose(10, 1)], lambda _: None)
    with pytest.raises(DriverError, match=r"left the dock at 2\d%, short of 90%") as caught:
        await asyncio.wait_for(charging, 2)
    assert caught.value.error_type == ACTION_FAILED
    assert not driver.battery().charging


async def test_a_driving_robot_cannot_dock() -> None:
    driver = SimDriver(
        RobotKind.SERVICE, pose(10, 0), speed_factor=10, battery=50, tick=0.01, docks=DOCKS
    )
    driving = asyncio.create_task(driver.navigate_through_poses([pose(500, 0)], lambda _: None))
    await wait_for(lambda: driver.speed() > 0)
    with pytest.raises(DriverError, match="cannot dock while driving"):
        await driver.run_action("charge", {})
    driving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await driving


async def test_empty_battery_is_a_fatal_error() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=3600, battery=0.5, tick=0.01)
    with pytest.raises(DriverError) as caught:
        await driver.navigate_through_poses([pose(5000, 0)], lambda _: None)
    assert caught.value.error_type == BATTERY_EMPTY
    assert caught.value.fatal
    assert 0 < driver.current_pose().x < 5000
    with pytest.raises(DriverError, match="battery empty"):
        await driver.run_action("announce", {"text": "hello"})


async def test_an_action_stops_when_the_battery_empties() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=100, battery=0.01)
    # 0.01 % lasts 5 sim seconds of standing (0.12 %/min); the dwell would last 36 s of wall time.
    with pytest.raises(DriverError) as caught:
        await asyncio.wait_for(driver.run_action("dwell", {"seconds": 3600}), 1)
    assert caught.value.error_type == BATTERY_EMPTY and caught.value.fatal
    assert driver.battery().charge == 0


async def test_an_action_while_driving_stops_when_the_drive_empties_the_battery() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=100, battery=0.05, tick=0.01)
    driving = asyncio.create_task(driver.navigate_through_poses([pose(500, 0)], lambda _: None))
    waiting = asyncio.create_task(driver.run_action("dwell", {"seconds": 3600}))
    done, _ = await asyncio.wait([driving, waiting], timeout=2)
    assert done == {driving, waiting}
    for task in (driving, waiting):
        error = task.exception()
        assert isinstance(error, DriverError) and error.error_type == BATTERY_EMPTY
    assert 0 < driver.current_pose().x < 500


@pytest.mark.parametrize(
    ("kind", "action", "parameters"),
    [
        (RobotKind.PATROL_DOG, "announce", {"text": "请勿占道经营", "language": "zh", "repeat": 2}),
        (RobotKind.PATROL_DOG, "dwell", {"seconds": 30}),
        (RobotKind.PATROL_DOG, "dock", {}),
        (RobotKind.SANITATION, "clean", {"mode": "scrub"}),
        (RobotKind.SANITATION, "dwell", {"seconds": "12.5"}),
        (RobotKind.SERVICE, "greet", {"language": "en"}),
        (RobotKind.SERVICE, "announce", {"text": "Counter 3, please"}),
    ],
)
async def test_declared_actions_complete(
    kind: RobotKind, action: str, parameters: dict[str, object]
) -> None:
    driver = SimDriver(kind, pose(0, 0), speed_factor=1000)
    assert await asyncio.wait_for(driver.run_action(action, parameters), 2) is None


async def test_capture_photo_returns_a_fresh_evidence_id() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=1000, serial_number="dog-01")
    first = await driver.run_action("capturePhoto", {"direction": "left"})
    second = await driver.run_action("capturePhoto", {})
    assert first and second and first != second
    assert first.startswith("photo-dog-01-")


async def test_handover_names_the_recipient() -> None:
    driver = SimDriver(RobotKind.SERVICE, pose(0, 0), speed_factor=1000)
    assert await driver.run_action("handover", {"recipient": "窗口 5"}) == "handed over to 窗口 5"


async def test_dwell_lasts_its_sim_seconds() -> None:
    driver = SimDriver(RobotKind.SERVICE, pose(0, 0), speed_factor=100)
    assert await timed(driver.run_action("dwell", {"seconds": 20})) >= 0.19


async def test_unknown_or_undeclared_action_is_refused() -> None:
    dog = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=1000)
    for action in ("fly", "clean"):
        with pytest.raises(DriverError) as caught:
            await dog.run_action(action, {})
        assert caught.value.error_type == UNKNOWN_ACTION
        assert action in caught.value.description


@pytest.mark.parametrize(
    ("action", "parameters", "named"),
    [
        ("announce", {}, "text"),
        ("announce", {"text": "hi", "repeat": 0}, "repeat"),
        ("dwell", {}, "seconds"),
        ("dwell", {"seconds": "long"}, "seconds"),
        ("capturePhoto", {"direction": "up"}, "direction"),
        ("charge", {"targetLevel": 150}, "targetLevel"),
    ],
)
async def test_bad_parameters_are_named(
    action: str, parameters: dict[str, object], named: str
) -> None:
    dog = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=1000)
    with pytest.raises(DriverError, match=named) as caught:
        await dog.run_action(action, parameters)
    assert caught.value.error_type == ACTION_PARAMETER_ERROR


async def test_injected_navigation_failure_after_some_poses() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=100, tick=0.01)
    driver.fail_next_navigation("blocked", "path blocked by a crowd", fatal=False, after_poses=1)
    reached: list[int] = []
    goal = [pose(5, 0), pose(10, 0), pose(15, 0)]
    with pytest.raises(DriverError) as caught:
        await driver.navigate_through_poses(goal, reached.append)
    assert (caught.value.error_type, caught.value.description) == (
        "blocked",
        "path blocked by a crowd",
    )
    assert not caught.value.fatal
    assert reached == [0]
    assert driver.current_pose().x == 5
    reached.clear()
    await driver.navigate_through_poses(goal, reached.append)
    assert reached == [0, 1, 2]


async def test_injected_action_failure_happens_once() -> None:
    driver = SimDriver(RobotKind.SANITATION, pose(0, 0), speed_factor=1000)
    driver.fail_action("clean", "brushJammed", "main brush jammed", fatal=True)
    with pytest.raises(DriverError) as caught:
        await driver.run_action("clean", {"mode": "sweep"})
    assert caught.value.error_type == "brushJammed"
    assert caught.value.fatal
    assert await driver.run_action("clean", {"mode": "sweep"}) is None


async def test_pose_on_another_map_is_refused() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0))
    with pytest.raises(DriverError, match="other-map"):
        await driver.navigate_through_poses([Pose(1, 1, 0, "other-map")], lambda _: None)
