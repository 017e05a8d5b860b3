"""The simulated battery: each activity's rate in sim time, clamping, and time to charge."""

from __future__ import annotations

import pytest

from fleet_protocol.kinds import RobotKind
from simulation.battery import Activity, SimBattery
from simulation.profiles import CLEANING_DECK_DRAIN, profile_for

DOG = profile_for(RobotKind.PATROL_DOG)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("activity", "per_hour"),
    [
        (Activity.IDLE, -DOG.drain_idle),
        (Activity.DRIVING, -DOG.drain_moving),
        (Activity.CLEANING, -(DOG.drain_moving + CLEANING_DECK_DRAIN)),
        (Activity.CHARGING, DOG.charge_rate),
    ],
)
def test_each_activity_changes_the_level_at_its_rate_in_sim_time(
    activity: Activity, per_hour: float
) -> None:
    clock = Clock()
    battery = SimBattery(DOG, speed_factor=10, level=50, clock=clock)
    battery.begin(activity)
    clock.now += 36  # 36 wall seconds x 10 = one tenth of a sim hour
    assert battery.level() == pytest.approx(50 + per_hour / 10)


def test_activity_changes_apply_from_the_moment_they_happen() -> None:
    clock = Clock()
    battery = SimBattery(DOG, speed_factor=1, level=80, clock=clock)
    clock.now += 3600  # an hour idle
    battery.begin(Activity.DRIVING)
    clock.now += 1800  # half an hour driving
    battery.begin(Activity.IDLE)
    assert battery.level() == pytest.approx(80 - DOG.drain_idle - DOG.drain_moving / 2)


def test_level_stays_between_empty_and_full() -> None:
    clock = Clock()
    battery = SimBattery(DOG, speed_factor=1, level=99, clock=clock)
    battery.begin(Activity.CHARGING)
    clock.now += 3600
    assert battery.level() == 100
    battery.begin(Activity.DRIVING)
    clock.now += 10 * 3600
    assert battery.level() == 0


def test_seconds_to_charge() -> None:
    battery = SimBattery(DOG, speed_factor=1, level=40, clock=Clock())
    assert battery.seconds_to_charge(70) == pytest.approx(30 / DOG.charge_rate * 3600)
    assert battery.seconds_to_charge(30) == 0


def test_level_must_be_a_percentage() -> None:
    with pytest.raises(ValueError, match="percentage"):
        SimBattery(DOG, speed_factor=1, level=120)
    battery = SimBattery(DOG, speed_factor=1, level=50)
    with pytest.raises(ValueError, match="percentage"):
        battery.set_level(-1)
