"""The simulated battery: idle and action loads in sim time, charging to a limit, driving paid by
the motion, clamping, and the time until a level."""

from __future__ import annotations

import math

import pytest

from simulation.battery import SimBattery
from simulation.energy import EnergyFigures

# Round figures, so the expected levels are easy to check by hand.
FIGURES = EnergyFigures(
    drive_per_km=10.0, idle_per_min=0.1, charge_per_min=1.0, work_per_min={"announce": 0.5}
)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def battery(level: float = 50, speed_factor: float = 10) -> tuple[SimBattery, Clock]:
    clock = Clock()
    return SimBattery(FIGURES, speed_factor=speed_factor, level=level, clock=clock), clock


def test_standing_costs_the_idle_load_per_sim_minute() -> None:
    cell, clock = battery(level=50, speed_factor=10)
    clock.now += 60  # 60 wall seconds x 10 = ten sim minutes
    assert cell.level() == pytest.approx(50 - 10 * 0.1)
    assert not cell.charging


def test_an_action_load_adds_to_the_idle_load_while_it_runs() -> None:
    cell, clock = battery(level=50, speed_factor=1)
    speaking = cell.add_load(FIGURES.work("announce"))
    clock.now += 120  # two minutes speaking
    second = cell.add_load(0.25)  # a second action overlapping for one minute
    clock.now += 60
    cell.remove_load(second)
    cell.remove_load(speaking)
    clock.now += 60  # one more minute idle
    assert cell.level() == pytest.approx(50 - 4 * 0.1 - 3 * 0.5 - 0.25)


def test_a_load_ends_when_its_work_ended_however_late_it_is_removed() -> None:
    cell, clock = battery(level=50, speed_factor=1)
    speaking = cell.add_load(0.5)
    ended = clock.now + 60
    clock.now += 90  # the event loop woke the action half a minute late
    cell.remove_load(speaking, at=ended)
    assert cell.level() == pytest.approx(50 - 1.5 * 0.1 - 0.5)


def test_charging_is_net_and_stops_exactly_at_its_limit() -> None:
    cell, clock = battery(level=40, speed_factor=1)
    cell.start_charging(until=70)
    assert cell.charging
    clock.now += 10 * 60
    assert cell.level() == pytest.approx(50)  # 1 %/min, the idle load carried by the charger
    assert cell.seconds_to(70) == pytest.approx(20 * 60)
    clock.now += 3600  # long after the limit: held there, not above
    assert cell.level() == 70
    cell.stop_charging()
    clock.now += 60
    assert cell.level() == pytest.approx(70 - 0.1)


def test_level_stays_between_empty_and_full() -> None:
    cell, clock = battery(level=99, speed_factor=1)
    cell.start_charging(until=100)
    clock.now += 3600
    assert cell.level() == 100
    cell.stop_charging()
    cell.add_load(10.0)
    clock.now += 3600
    assert cell.level() == 0


def test_time_until_a_level() -> None:
    cell, _ = battery(level=30, speed_factor=1)
    assert cell.seconds_to_empty() == pytest.approx(30 / 0.1 * 60)
    assert cell.seconds_to(20) == pytest.approx(10 / 0.1 * 60)
    assert math.isinf(cell.seconds_to(40))  # draining never gets there
    cell.start_charging(until=80)
    assert math.isinf(cell.seconds_to_empty())
    assert cell.seconds_to(30) == 0


def test_held_by_the_motion_the_level_changes_only_by_what_is_spent() -> None:
    cell, clock = battery(level=50, speed_factor=10)
    started = cell.hold()
    assert started == clock.now
    clock.now += 6  # a reading between two steps: the level of the last step
    assert cell.level() == 50
    # One step of 6 wall seconds = 60 sim seconds, 90 m driven: 0.1 + 0.9 percent.
    assert cell.spend(60, 90) == 1.0
    assert cell.level() == pytest.approx(49)
    clock.now += 3  # stopped between steps: the 30 s since are paid as standing
    cell.release()
    assert cell.level() == pytest.approx(49 - 0.05)


def test_spending_more_than_is_left_empties_the_battery_part_way() -> None:
    cell, _ = battery(level=0.5, speed_factor=1)
    cell.hold()
    # 60 s at 0.1 %/min plus 100 m at 10 %/km cost 1.1 %: half a percent covers 5/11 of it.
    assert cell.spend(60, 100) == pytest.approx(0.5 / 1.1)
    assert cell.level() == 0
    assert cell.spend(10, 0) == 0


def test_level_must_be_a_percentage() -> None:
    with pytest.raises(ValueError, match="percentage"):
        SimBattery(FIGURES, speed_factor=1, level=120)
    cell = SimBattery(FIGURES, speed_factor=1, level=50)
    with pytest.raises(ValueError, match="percentage"):
        cell.set_level(-1)
