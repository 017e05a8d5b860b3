"""Kind profiles: the speeds the district's robots move at, and plausible energy figures."""

from __future__ import annotations

import pytest

from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from simulation.profiles import PROFILES, KindProfile, profile_for

SIMULATED = (RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE)


def hours_of_driving(profile: KindProfile, work: str | None = None) -> float:
    """Hours from full to empty driving at cruising speed, with an action's load on top."""
    figures = profile.energy
    km_per_min = profile.speed * 60 / 1000
    per_min = figures.idle_per_min + figures.drive_per_km * km_per_min
    return 100 / (per_min + (figures.work(work) if work else 0.0)) / 60


@pytest.mark.parametrize(
    ("kind", "speed"),
    [(RobotKind.PATROL_DOG, 1.5), (RobotKind.SANITATION, 0.8), (RobotKind.SERVICE, 1.0)],
)
def test_cruising_speed_per_kind(kind: RobotKind, speed: float) -> None:
    assert profile_for(kind).speed == speed


def test_every_kind_has_a_plausible_profile() -> None:
    assert set(PROFILES) == set(RobotKind)
    for profile in PROFILES.values():
        assert profile.turn_rate > 0
        assert min(profile.width, profile.length, profile.height) > 0
        assert profile.energy.drive_per_km > 0
        assert profile.energy.idle_per_min > 0
    prefixes = [p.serial_prefix for p in PROFILES.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_endurance_per_charge_is_that_of_the_real_machines() -> None:
    dog, sweeper, guide = (profile_for(kind) for kind in SIMULATED)
    assert 3 <= hours_of_driving(dog) <= 4  # walking
    assert 2 <= hours_of_driving(sweeper, "clean") <= 3  # deck down
    assert hours_of_driving(sweeper) > 2 * hours_of_driving(sweeper, "clean")  # deck up
    assert hours_of_driving(guide) >= 8  # a working day
    greeting = guide.energy.idle_per_min + guide.energy.work("greet")
    assert 100 / greeting / 60 >= 8  # greeting visitors, standing
    # The deck draws more per minute than walking costs a dog.
    assert sweeper.energy.work("clean") > dog.energy.drive_per_km * dog.speed * 60 / 1000


@pytest.mark.parametrize("kind", SIMULATED)
def test_charging_to_full_takes_one_to_two_hours(kind: RobotKind) -> None:
    assert 1 <= 100 / profile_for(kind).energy.charge_per_hour <= 2


@pytest.mark.parametrize("kind", SIMULATED)
def test_every_action_but_charge_has_a_figure(kind: RobotKind) -> None:
    declared = {action.action_type for action in KIND_ACTIONS[kind]} - {"charge"}
    assert set(profile_for(kind).energy.work_per_min) == declared
