"""The simulated battery: its charge follows the robot's loads in sim time, read lazily."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable

from simulation.energy import EnergyFigures

_SECONDS_PER_MINUTE = 60.0
_METRES_PER_KM = 1000.0


class SimBattery:
    """The charge in percent. Standing, it is settled lazily from the idle load, the loads of the
    running actions and the charger, so a robot that stands still costs nothing between two
    readings. Driving, the motion holds it and pays each step's time and distance with `spend`,
    so that the level and the pose always describe the same instant."""

    def __init__(
        self,
        figures: EnergyFigures,
        speed_factor: float,
        level: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.figures = figures
        self._speed_factor = speed_factor
        self._level = _percentage(level)
        self._clock = clock
        self._settled_at = clock()
        self._loads: dict[int, float] = {}  # percent per minute, by load id
        self._load_ids = itertools.count()
        self._charge_limit: float | None = None  # the charger's target while charging
        self._held = False

    @property
    def charging(self) -> bool:
        """Whether the robot is on a charger that is charging it."""
        return self._charge_limit is not None

    def level(self) -> float:
        """The charge now, in percent (while driving: at the last motion step)."""
        self._settle()
        return self._level

    def set_level(self, level: float) -> None:
        """Set the charge in percent (a test provoking a low or empty battery)."""
        self._settle()
        self._level = _percentage(level)


    def add_load(self, percent_per_minute: float) -> int:
        """Add a load from now on; its id, to remove it. (While the motion holds the battery,
        a load added or removed counts for the whole motion step it falls in: at most a tick.)"""
        self._settle()
        load_id = next(self._load_ids)
        self._loads[load_id] = percent_per_minute
        return load_id

    def remove_load(self, load_id: int, at: float | None = None) -> None:
        """End a load from now on, or from the clock time `at` if that is earlier and nothing
        has been settled since (an action that ended before the event loop woke it); a no-op if
        the load has ended already."""
        self._settle(at)
        self._loads.pop(load_id, None)

    def start_charging(self, until: float) -> None:
        """Charge from now on; the charger stops at `until` percent and holds the level there."""
        self._settle()
        self._charge_limit = _percentage(until)

    def stop_charging(self) -> None:
        """Off the charger from now on."""
        self._settle()
        self._charge_limit = None

    def seconds_to(self, target: float) -> float:
        """Sim seconds until the charge reaches `target` at the current rates (inf: never)."""
        gap = target - self.level()
        if gap == 0:
            return 0.0
        rate = self._rate()
        if rate == 0 or (gap > 0) != (rate > 0):
            return math.inf
        return gap / rate

    def seconds_to_empty(self, speed: float = 0.0) -> float:
        """Sim seconds until the charge is gone at the current rates, driving at `speed` m/s
        (inf: never)."""
        per_second = speed * self.figures.drive_per_km / _METRES_PER_KM - self._rate()
        if per_second <= 0:
            return math.inf
        return self.level() / per_second

    # -- while driving ---------------------------------------------------------------------

    def hold(self) -> float:
        """Settle now and leave the level to the motion's `spend` until `release`; the clock
        time of settling, where the motion's first step begins."""
        self._settle()
        self._held = True
        return self._settled_at

    def release(self) -> None:
        """Settle lazily again, from the last instant the motion paid for: the robot has stood
        since then (arrived mid-step, emptied, or stopped between two steps)."""
        self._held = False

    def spend(self, seconds: float, metres: float) -> float:
        """Pay for `seconds` (sim) of the current loads and `metres` driven during them: the share
        (0..1) of it the charge covered. Below 1 the battery ran empty part-way, at that share."""
        self._settled_at += seconds / self._speed_factor
        cost = metres * self.figures.drive_per_km / _METRES_PER_KM - self._rate() * seconds
        if cost <= self._level:
            self._level = min(100.0, self._level - cost)
            return 1.0
        share = self._level / cost
        self._level = 0.0
        return share

    # -- settling --------------------------------------------------------------------------

    def _rate(self) -> float:
        """Percent per sim second, without driving (negative: draining)."""
        loads = sum(self._loads.values())
        if self._charge_limit is not None:
            return (self.figures.charge_per_min - loads) / _SECONDS_PER_MINUTE
        return -(self.figures.idle_per_min + loads) / _SECONDS_PER_MINUTE

    def _settle(self, until: float | None = None) -> None:
        if self._held:
            return
        now = self._clock() if until is None else min(until, self._clock())
        if now <= self._settled_at:
            return
        seconds = (now - self._settled_at) * self._speed_factor
        self._settled_at = now
        level = self._level + self._rate() * seconds
        if self._charge_limit is not None and level > self._level:
            level = min(level, max(self._charge_limit, self._level))
        self._level = min(100.0, max(0.0, level))


def _percentage(level: float) -> float:
    if not 0 <= level <= 100:
        raise ValueError(f"battery must be a percentage 0..100, got {level}")
    return float(level)
