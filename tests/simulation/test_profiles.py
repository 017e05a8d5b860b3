"""Kind profiles: the speeds the district's robots move at, and consistent battery figures."""

from __future__ import annotations

import pytest

from fleet_protocol.kinds import RobotKind
from simulation.profiles import PROFILES, profile_for


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
        # Driving costs more than standing; a full charge takes less than a working day.
        assert profile.drain_moving > profile.drain_idle > 0
        assert profile.charge_rate >= 100 / 8
    prefixes = [p.serial_prefix for p in PROFILES.values()]
    assert len(set(prefixes)) == len(prefixes)
