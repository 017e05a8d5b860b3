"""The simulated robot's power: the battery as work uses it, the cleaning deck, docks, charging."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Mapping

from robot_agent.driver import BatteryReading, DriverError
from simulation.battery import SimBattery
from simulation.energy import EnergyFigures
from simulation.failures import ACTION_FAILED, BATTERY_EMPTY

DOCK_REACH = 1.0  # metres from a dock's node within which the robot can dock on it
DOCKING_SECONDS = 5.0
_LEAST_WAIT = 0.001  # wall seconds

# A dock's id and its position on the robot's map.
Docks = Mapping[str, tuple[float, float]]


class Power:
    """Action loads and the deck on the battery, docking and charging; an empty battery stops
    the work under way with the fatal BATTERY_EMPTY error."""

    def __init__(
        self,
        battery: SimBattery,
        speed_factor: float,
        serial_number: str,
        docks: Docks | None,
        clock: Callable[[], float],
    ) -> None:
        self.battery = battery
        self._figures: EnergyFigures = battery.figures
        self._speed_factor = speed_factor
        self._serial_number = serial_number
        self._docks = docks  # None: no site map, so wherever the robot docks is a dock
        self._clock = clock
        self._docked: str | None = None  # the dock the robot is on
        self._driving = False
        self._deck_load: int | None = None  # the battery load of the lowered cleaning deck
        self._charger_off: asyncio.Event | None = None  # set when the robot leaves the charger

    def reading(self) -> BatteryReading:
        """The battery now, as the agent reports it."""
        return BatteryReading(charge=round(self.battery.level(), 2), charging=self.battery.charging)

    def check(self) -> None:
        """DriverError BATTERY_EMPTY (fatal) if the battery is empty."""
        if self.battery.level() <= 0:
            raise DriverError(
                BATTERY_EMPTY, f"{self._serial_number}: battery empty, robot stopped", fatal=True
            )

    async def work(self, seconds: float, action_type: str | None = None) -> None:
        """Spend `seconds` (sim) on an action with its load on the battery; the battery running
        empty stops the work there."""
        load = self.battery.add_load(self._figures.work(action_type) if action_type else 0.0)
        end = self._clock() + seconds / self._speed_factor
        try:
            while True:
                self.check()
                left = end - self._clock()
                if left <= 0:
                    return
                # Wake when the battery may run empty; not more often than every millisecond,
                # for a level held by a motion that only changes it at its next step.
                empty_in = self.battery.seconds_to_empty() / self._speed_factor
                await asyncio.sleep(min(left, max(empty_in, _LEAST_WAIT)))
        finally:
            # The work ended at `end`, however late the event loop woke it (or when cancelled).
            self.battery.remove_load(load, at=end)

    def lower_deck(self) -> None:
        """The cleaning deck runs (and draws its load) from now on."""
        if self._deck_load is None:
            self._deck_load = self.battery.add_load(self._figures.work("clean"))

    def raise_deck(self) -> None:
        """The cleaning deck stops."""
        if self._deck_load is not None:
            self.battery.remove_load(self._deck_load)
            self._deck_load = None

    def start_driving(self) -> float:
        """Off the dock and the charger, the battery held by the motion: the clock time where
        the motion's first step begins."""
        self._driving = True
        self._docked = None
        if self.battery.charging:
            self.battery.stop_charging()
        if self._charger_off is not None:
            self._charger_off.set()
        return self.battery.hold()

    def stop_driving(self) -> None:
        """Standing again: the deck up (it cleans one navigation's edges), the battery settled
        from the last instant the motion paid for."""
        self._driving = False
        self.raise_deck()
        self.battery.release()

    async def dock(self, dock_id: str | None, x: float, y: float) -> None:
        """Dock on the named dock, or on the dock where the robot stands."""
        if self._driving:
            raise DriverError(ACTION_FAILED, f"{self._serial_number} cannot dock while driving")
        dock = self._dock_at(dock_id, x, y)
        self.raise_deck()
        await self.work(DOCKING_SECONDS, "dock")
        self._docked = dock

    async def charge(self, target: float, x: float, y: float) -> str:
        """Charge to `target` percent on the dock (docking first, as a real robot's charge
        does); the charger stops at the target exactly. A result description."""
        level = self.battery.level()
        if level >= target:
            return f"battery at {level:.0f}%"
        if self._docked is None:
            await self.dock(None, x, y)
        self.raise_deck()
        charger_off = self._charger_off = asyncio.Event()
        self.battery.start_charging(until=target)
        try:
            while (level := self.battery.level()) < target:
                if charger_off.is_set():
                    raise DriverError(
                        ACTION_FAILED, f"left the dock at {level:.0f}%, short of {target:.0f}%"
                    )
                seconds = self.battery.seconds_to(target)
                if math.isinf(seconds):
                    raise DriverError(
                        ACTION_FAILED, f"not charging at {level:.0f}%: the loads outrun the charger"
                    )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(charger_off.wait(), seconds / self._speed_factor)
        finally:
            self.battery.stop_charging()
            self._charger_off = None
        return f"charged to {target:.0f}%"

    def _dock_at(self, dock_id: str | None, x: float, y: float) -> str:
        """The dock at (x, y), the named one or any; DriverError if there is none."""
        if self._docks is None:
            return dock_id or "dock"
        if dock_id is not None and dock_id not in self._docks:
            known = ", ".join(sorted(self._docks)) or "none"
            raise DriverError(ACTION_FAILED, f"unknown dock {dock_id!r} (docks: {known})")
        for candidate in [dock_id] if dock_id is not None else sorted(self._docks):
            dock_x, dock_y = self._docks[candidate]
            if math.hypot(dock_x - x, dock_y - y) <= DOCK_REACH:
                return candidate
        where = f"dock {dock_id!r}" if dock_id is not None else "a dock"
        raise DriverError(
            ACTION_FAILED, f"{self._serial_number} at ({x:.1f}, {y:.1f}) is not on {where}"
        )
