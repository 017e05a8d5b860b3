"""The body: turning and driving in steps of any size, each paid for, stopping where it empties."""

from __future__ import annotations

import math

import pytest

from robot_agent.driver import Pose
from simulation.battery import SimBattery
from simulation.energy import EnergyFigures
from simulation.motion import Body

MAP = "m"
# 1 % per 100 m driven, 0.6 % per minute standing (0.01 % per second).
FIGURES = EnergyFigures(drive_per_km=10.0, idle_per_min=0.6, charge_per_min=1.0)
SPEED = 2.0  # m/s
TURN_RATE = 1.0  # rad/s


def body(level: float) -> tuple[Body, SimBattery]:
    battery = SimBattery(FIGURES, speed_factor=50, level=level, clock=lambda: 0.0)
    battery.hold()
    return Body(Pose(0, 0, 0, MAP), TURN_RATE, battery), battery


def drive(robot: Body, poses: list[Pose], step: float, steps: int = 10_000) -> list[int]:
    """Advance in equal sim steps until the poses are reached or nothing changes; the reached."""
    reached: list[int] = []
    index = 0
    for _ in range(steps):
        before = (robot.x, robot.y, robot.theta)
        index = robot.advance(poses, index, step, SPEED, reached.append, len(poses))
        if index == len(poses) or (robot.x, robot.y, robot.theta) == before:
            break
    return reached


@pytest.mark.parametrize("step", [0.1, 5.0, 37.0, 1000.0])
def test_the_charge_used_does_not_depend_on_the_step(step: float) -> None:
    robot, battery = body(level=50)
    reached = drive(robot, [Pose(200, 0, 0, MAP), Pose(200, 100, math.pi / 2, MAP)], step)
    assert reached == [0, 1]
    assert (robot.x, robot.y, robot.theta) == (200, 100, pytest.approx(math.pi / 2))
    # 300 m (3 %) in 150 s and a quarter turn of pi/2 s, at 0.01 %/s standing load; the time
    # left in the last step after arrival is not the motion's to spend.
    assert battery.level() == pytest.approx(50 - 3 - 0.01 * (150 + math.pi / 2))


@pytest.mark.parametrize("step", [1.0, 30.0, 500.0])
def test_an_empty_battery_stops_the_robot_where_it_emptied(step: float) -> None:
    robot, battery = body(level=1.2)
    # Driving costs 0.02 %/s for the distance and 0.01 %/s standing load: 0.03 %/s.
    reached = drive(robot, [Pose(60, 0, 0, MAP), Pose(60, 100, 0, MAP)], step)
    assert battery.level() == 0
    assert robot.speed == 0
    assert reached == [0]
    # 60 m in 30 s (0.9 %), a quarter turn (pi/2 s), then 0.3 % - 0.01 * pi/2 over 0.03 %/s.
    driven = (0.3 - 0.01 * math.pi / 2) / 0.03 * SPEED
    assert robot.x == 60
    assert robot.y == pytest.approx(driven, abs=1e-9)


def test_an_empty_battery_stops_a_turn_part_way() -> None:
    robot, battery = body(level=0.005)  # half a second of standing
    drive(robot, [Pose(0, 10, 0, MAP)], step=100.0)
    assert battery.level() == 0
    assert (robot.x, robot.y) == (0, 0)
    assert robot.theta == pytest.approx(0.5 * TURN_RATE)


def test_a_step_of_no_time_passes_poses_already_reached_and_spends_nothing() -> None:
    robot, battery = body(level=50)
    reached: list[int] = []
    poses = [Pose(0, 0, 0, MAP), Pose(5, 0, 0, MAP)]
    assert robot.advance(poses, 0, 0.0, SPEED, reached.append, 2) == 1
    assert reached == [0]
    assert battery.level() == 50


def test_time_to_the_goal_counts_turns_and_drives() -> None:
    robot, _ = body(level=50)
    poses = [Pose(200, 0, 0, MAP), Pose(200, 100, math.pi, MAP)]
    # 100 s, a quarter turn, 50 s, and a quarter turn more to the final heading.
    assert robot.seconds_to(poses, 0, SPEED, 2) == pytest.approx(150 + math.pi)
    assert robot.seconds_to(poses, 0, SPEED, 1) == pytest.approx(100)  # up to the first pose
    assert 10 < robot.seconds_to(poses, 0, SPEED, 2, horizon=10) < 150  # past the horizon
    drive(robot, poses, step=1000.0)
    assert robot.seconds_to(poses, 2, SPEED, 2) == 0
