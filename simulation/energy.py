"""What work costs a simulated robot's battery and what a dock gives back, in percent."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

_MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class EnergyFigures:
    """A robot's consumption and charging, in percent of a full battery.

    The idle load runs whenever the robot is on and off the charger; driving adds its cost per
    km driven (turning on the spot costs only the idle load); each action adds its own load per
    minute while it runs (`clean`: while the deck is down, until the navigation it cleans ends).
    Charging is net: on the dock the charger carries the idle load.
    """

    drive_per_km: float
    idle_per_min: float
    charge_per_min: float
    work_per_min: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        named = {
            "drive_per_km": self.drive_per_km,
            "idle_per_min": self.idle_per_min,
            "charge_per_min": self.charge_per_min,
            **{f"work_per_min[{k!r}]": v for k, v in self.work_per_min.items()},
        }
        for name, value in named.items():
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"energy figure {name} must be a finite number >= 0, got {value}")
        if self.charge_per_min <= 0:
            raise ValueError(f"charge_per_min must be greater than 0, got {self.charge_per_min}")
        # Read-only, so that figures shared by every robot of a kind cannot be changed by one.
        object.__setattr__(self, "work_per_min", MappingProxyType(dict(self.work_per_min)))

    def __hash__(self) -> int:  # the actions' table is a mapping, so hash its items
        table = tuple(sorted(self.work_per_min.items()))
        return hash((self.drive_per_km, self.idle_per_min, self.charge_per_min, table))

    @property
    def charge_per_hour(self) -> float:
        """Percent gained per hour on a dock."""
        return self.charge_per_min * _MINUTES_PER_HOUR

    def work(self, action_type: str) -> float:
        """The extra load of an action, percent per minute (0 for an action that adds none)."""
        return self.work_per_min.get(action_type, 0.0)

    def scaled(self, factor: float) -> EnergyFigures:
        """Every consumption figure times `factor` (a thirstier or thriftier robot); charging
        unchanged."""
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"factor must be a finite number > 0, got {factor}")
        return replace(
            self,
            drive_per_km=self.drive_per_km * factor,
            idle_per_min=self.idle_per_min * factor,
            work_per_min={k: v * factor for k, v in self.work_per_min.items()},
        )

    def with_charge_per_hour(self, percent_per_hour: float) -> EnergyFigures:
        """The same robot on chargers that give `percent_per_hour`."""
        return replace(self, charge_per_min=percent_per_hour / _MINUTES_PER_HOUR)

    def varied(self, rng: random.Random, spread: float) -> EnergyFigures:
        """One robot of the kind: each figure times its own factor drawn from 1 ± spread."""
        if not 0 <= spread < 1:
            raise ValueError(f"spread must be at least 0 and below 1, got {spread}")

        def vary(value: float) -> float:
            return value * rng.uniform(1 - spread, 1 + spread)

        return EnergyFigures(
            drive_per_km=vary(self.drive_per_km),
            idle_per_min=vary(self.idle_per_min),
            charge_per_min=vary(self.charge_per_min),
            work_per_min={k: vary(v) for k, v in sorted(self.work_per_min.items())},
        )

    def summary(self) -> str:
        """A one-line description for people (the command's robot list, logs)."""
        return (
            f"drive {self.drive_per_km:.2f} %/km, idle {self.idle_per_min:.3f} %/min, "
            f"charge {self.charge_per_hour:.0f} %/h"
        )
