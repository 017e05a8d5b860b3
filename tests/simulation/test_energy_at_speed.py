"""Energy at speed factor 50, where a working day is a test of minutes: the level after a known
drive, clean and charge is what the figures say; an empty battery stops the robot where it
emptied however long the motion step; speed 1 and speed 50 end a scenario at the same level;
the agent's state reports the level of the pose it reports.

Tolerances: a level read right after the work is exact but for the wall time the test itself
takes to read it, a few milliseconds, which at speed 50 is a fraction of a sim second: 0.01
percentage points with the kinds' figures. Scenarios with amplified figures say their own."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import ActionStatus, State
from robot_agent.driver import DriverError, Pose
from robot_agent.executor import OrderExecutor
from simulation.energy import EnergyFigures
from simulation.failures import BATTERY_EMPTY
from simulation.profiles import profile_for
from simulation.sim_driver import SimDriver
from tests.robot_agent.messages import MANUFACTURER, MAP, action, order, payload
from tests.simulation.waiting import wait_for

SPEED_FACTOR = 50
READ = 0.01  # percentage points: the tolerance of a level read after the work
DOG = profile_for(RobotKind.PATROL_DOG)
SWEEPER = profile_for(RobotKind.SANITATION)


def pose(x: float, y: float, theta: float = 0.0) -> Pose:
    return Pose(x, y, theta, MAP)


def level(driver: SimDriver) -> float:
    return driver.battery().charge


async def test_a_walk_costs_the_dogs_figure_per_km_and_per_minute() -> None:
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=SPEED_FACTOR)
    await driver.navigate_through_poses([pose(75, 0), pose(150, 0)], lambda _: None)
    minutes = 150 / DOG.speed / 60
    expected = 100 - 0.150 * DOG.energy.drive_per_km - minutes * DOG.energy.idle_per_min
    assert level(driver) == pytest.approx(expected, abs=READ)
    assert driver.current_pose().x == 150


async def test_cleaning_costs_the_deck_while_it_is_down_and_no_longer() -> None:
    driver = SimDriver(RobotKind.SANITATION, pose(0, 0), speed_factor=SPEED_FACTOR)
    figures = SWEEPER.energy
    await driver.run_action("clean", {"mode": "scrub"})  # 2 s lowering the deck
    await driver.navigate_through_poses([pose(48, 0)], lambda _: None)  # 60 s
    deck_down = (2 + 48 / SWEEPER.speed) / 60
    cleaned = (
        100
        - 0.048 * figures.drive_per_km
        - deck_down * (figures.idle_per_min + figures.work("clean"))
    )
    assert level(driver) == pytest.approx(cleaned, abs=READ)
    await driver.run_action("dwell", {"seconds": 30})  # the deck is up: the idle load only
    assert level(driver) == pytest.approx(cleaned - 0.5 * figures.idle_per_min, abs=READ)


async def test_charging_on_a_dock_follows_the_charge_rate_and_stops_at_the_target() -> None:
    # 50 % a minute (sim) keeps the test short: 30 points in 36 s, 0.72 s of wall time.
    fast = DOG.energy.with_charge_per_hour(3000)
    driver = SimDriver(
        RobotKind.PATROL_DOG,
        pose(0, 0),
        speed_factor=SPEED_FACTOR,
        battery=50,
        energy=fast,
        docks={"dock-a": (0, 0)},
    )
    charging = asyncio.create_task(driver.run_action("charge", {"targetLevel": 80}))
    await wait_for(lambda: driver.battery().charging, what="charging")
    samples = [(time.monotonic(), level(driver))]
    await asyncio.sleep(0.3)
    samples.append((time.monotonic(), level(driver)))
    assert await charging == "charged to 80%"
    assert level(driver) == pytest.approx(80, abs=READ)
    assert not driver.battery().charging
    (t0, first), (t1, second) = samples
    per_wall_second = fast.charge_per_min / 60 * SPEED_FACTOR
    assert (second - first) / (t1 - t0) == pytest.approx(per_wall_second, rel=0.05)
    # Full is full: the charger stops at 100 %.
    assert await driver.run_action("charge", {"targetLevel": 100}) == "charged to 100%"
    assert level(driver) == pytest.approx(100, abs=READ)


async def test_an_empty_battery_stops_the_robot_where_it_emptied_however_long_the_step() -> None:
    # 0.01 %/s standing and 0.015 %/s for 1.5 m/s of driving: 1 % lasts 40 s, 60 m.
    figures = EnergyFigures(drive_per_km=10.0, idle_per_min=0.6, charge_per_min=1.0)
    driver = SimDriver(
        RobotKind.PATROL_DOG, pose(0, 0), speed_factor=SPEED_FACTOR, battery=1.0, energy=figures
    )
    # A busy event loop (hundreds of robots in one process): blocked for a wall second, 50 s of
    # sim time, from 0.1 s into the drive, so the battery empties inside one long step.
    asyncio.get_running_loop().call_later(0.1, time.sleep, 1.0)
    reached: list[int] = []
    # What it has left as it sets off: it stood a moment (on a busy machine, a few ms of the
    # wall clock) since it was made.
    left = level(driver)
    with pytest.raises(DriverError) as caught:
        await driver.navigate_through_poses([pose(50, 0), pose(500, 0)], reached.append)
    assert caught.value.error_type == BATTERY_EMPTY and caught.value.fatal
    assert reached == [0]
    # Where that charge ran out, give or take the charge of the instant between the reading and
    # the start (on a busy machine a few ms of the wall clock, a few cm): 50 m further without
    # the check inside the long step.
    assert 60 * left - 0.5 < driver.current_pose().x <= 60 * left + 0.01
    assert level(driver) == 0
    assert driver.speed() == 0


async def scenario(speed_factor: float, figures: EnergyFigures) -> float:
    """Walk 1.5 m, take a photo, wait half a second: 2.5 sim seconds. The level at the end."""
    driver = SimDriver(RobotKind.PATROL_DOG, pose(0, 0), speed_factor=speed_factor, energy=figures)
    await driver.navigate_through_poses([pose(1.5, 0)], lambda _: None)
    await driver.run_action("capturePhoto", {})
    await driver.run_action("dwell", {"seconds": 0.5})
    return driver.battery().charge


async def test_speed_1_and_speed_50_end_a_scenario_at_the_same_level() -> None:
    # Figures large enough that a scenario of seconds moves the level: 1 % a metre, 0.02 % a
    # second standing, 0.5 % a second taking photos. An action's load ends when its work does,
    # however late the event loop wakes it; the idle load does not, and at speed 50 each wall
    # millisecond lost between two steps of the scenario costs 0.001 %: the tolerance is 0.05.
    figures = EnergyFigures(
        drive_per_km=1000.0,
        idle_per_min=1.2,
        charge_per_min=1.0,
        work_per_min={"capturePhoto": 30.0},
    )
    slow, fast = await asyncio.gather(scenario(1, figures), scenario(SPEED_FACTOR, figures))
    expected = 100 - 1.5 - 0.02 * 2.5 - 0.5 * 1.0
    assert slow == pytest.approx(expected, abs=0.05)
    assert fast == pytest.approx(expected, abs=0.05)
    assert fast == pytest.approx(slow, abs=0.05)


async def test_the_agent_reports_the_level_of_the_pose_it_reports() -> None:
    figures = SWEEPER.energy.with_charge_per_hour(3000)  # a short charge, as above
    driver = SimDriver(
        RobotKind.SANITATION,
        pose(0, 0),
        speed_factor=SPEED_FACTOR,
        battery=60,
        energy=figures,
        docks={"dock-a": (48, 0)},
        tick=0.02,
    )
    executor = OrderExecutor(driver, MANUFACTURER, "r1")
    points = [("n0", 0.0, 0.0), ("n1", 48.0, 0.0)]
    node_actions = {
        "n0": [action("clean", "clean-1", mode="sweep")],
        "n1": [
            action("dock", "dock-1", dockId="dock-a"),
            action("charge", "charge-1", targetLevel=90),
        ],
    }
    states: list[State] = []
    try:
        executor.handle_order(payload(order("o1", points, node_actions=node_actions)))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state = executor.state(len(states) + 1)
            states.append(state)
            finished = [a for a in state.action_states if a.action_status is ActionStatus.FINISHED]
            if len(finished) == 3:
                break
            await asyncio.sleep(0.01)
    finally:
        await executor.close()
    final = states[-1]
    done = {a.action_id for a in final.action_states if a.action_status is ActionStatus.FINISHED}
    assert done == {"clean-1", "dock-1", "charge-1"}
    assert final.battery_state.battery_charge == pytest.approx(90, abs=READ)
    assert not final.battery_state.charging
    # While driving, each state's level is the one of its position: 2 s of lowering the deck,
    # then x / 0.8 s with the deck down and x metres driven (tolerance: the few wall
    # milliseconds between the clean's end and the start of driving).
    load = (figures.idle_per_min + figures.work("clean")) / 60
    driving = [s for s in states if s.driving and 0 < s.agv_position.x < 48]
    assert len(driving) >= 10
    for state in driving:
        x = state.agv_position.x
        expected = 60 - load * (2 + x / SWEEPER.speed) - figures.drive_per_km * x / 1000
        assert state.battery_state.battery_charge == pytest.approx(expected, abs=0.02)
    # Down until the charger, up on it, and held at the target after it.
    levels = [s.battery_state.battery_charge for s in states]
    on_charger = [i for i, s in enumerate(states) if s.battery_state.charging]
    assert len(on_charger) >= 5
    first, last = on_charger[0], on_charger[-1]
    assert levels[:first] == sorted(levels[:first], reverse=True)
    assert levels[first : last + 1] == sorted(levels[first : last + 1])
    assert all(math.isclose(v, 90, abs_tol=READ) for v in levels[last + 1 :])
