"""The simulated battery: its charge follows the robot's activity in sim time, read lazily."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from simulation.profiles import CLEANING_DECK_DRAIN, KindProfile

_SECONDS_PER_HOUR = 3600.0


class Activity(Enum):
    """What the robot is doing, as far as its battery is concerned."""

    IDLE = "idle"
    DRIVING = "driving"
    CLEANING = "cleaning"  # driving with the cleaning deck running
    CHARGING = "charging"


class SimBattery:
    """Drained or charged at the rate of the current activity; settled lazily, so a robot that
    stands still costs nothing between two readings."""

    def __init__(
        self,
        profile: KindProfile,
        speed_factor: float,
        level: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._profile = profile
        self._speed_factor = speed_factor
        self._activity = Activity.IDLE
        self._level = _percentage(level)
        self._clock = clock
        self._settled_at = clock()

    @property
    def activity(self) -> Activity:
        """The activity the battery is currently following."""
        return self._activity

    def level(self) -> float:
        """The charge now, in percent."""
        self._settle()
        return self._level

    def set_level(self, level: float) -> None:
        """Set the charge in percent (a charger stopping at its target, or a test)."""
        self._settle()
        self._level = _percentage(level)

    def begin(self, activity: Activity) -> None:
        """Switch to another activity's rate from now on."""
        self._settle()
        self._activity = activity

    def seconds_to_charge(self, target: float) -> float:
        """Sim seconds on the charger from the current level to the target (0 if already there)."""
        hours = max(0.0, target - self.level()) / self._profile.charge_rate
        return hours * _SECONDS_PER_HOUR

    def _rate(self) -> float:
        """Percent per sim hour (negative: draining)."""
        profile = self._profile
        rates = {
            Activity.IDLE: -profile.drain_idle,
            Activity.DRIVING: -profile.drain_moving,
            Activity.CLEANING: -(profile.drain_moving + CLEANING_DECK_DRAIN),
            Activity.CHARGING: profile.charge_rate,
        }
        return rates[self._activity]

    def _settle(self) -> None:
        now = self._clock()
        hours = (now - self._settled_at) * self._speed_factor / _SECONDS_PER_HOUR
        self._level = min(100.0, max(0.0, self._level + self._rate() * hours))
        self._settled_at = now


def _percentage(level: float) -> float:
    if not 0 <= level <= 100:
        raise ValueError(f"battery must be a percentage 0..100, got {level}")
    return float(level)
