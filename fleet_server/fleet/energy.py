"""One robot's energy learner: from its consecutive state messages, the charge it uses per km
driven, per minute standing and per minute of each action, and what a charger gives per minute.

Consecutive states are gathered into intervals until the charge has moved enough to measure
(a coarse battery reading moves in steps, so an interval ends where the reading changes). Each
drain interval is one observation of

    drop = drive x km + idle x standing minutes + sum over actions of work[a] x minutes of a

fitted by weighted non-negative least squares with forgetting (energy_fit.LinearFit); a charging
interval is one observation of the charger's rate. Intervals with a gap, a jump of the charge (a
battery swap, a charge on a charger that does not say so) or a change between charging and not
are dropped. Minutes are wall-clock minutes, timed by the states' own timestamps: a simulation at
speed factor F shows F times its per-minute figures, which is what the server then really sees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fleet_protocol.kinds import (
    CANCEL_ORDER,
    FACTSHEET_REQUEST,
    START_PAUSE,
    STATE_REQUEST,
    STOP_PAUSE,
)
from fleet_protocol.state import ActionStatus, State
from fleet_server.fleet.energy_fit import LinearFit, RunningMean, huber_weight

DRIVE = "drive"  # km driven
IDLE = "idle"  # minutes standing, off the charger
WORK = "work:"  # + action type: minutes the action ran
SPEED = "speed"  # metres per minute of driving (not a drain figure)

# A longer silence between two states ends the interval (the robot may have been off).
MAX_GAP_S = 120.0
# An interval is measured once the charge moved this much (percent), where the reading changed.
MIN_MOVE = 0.5
# Off the charger, a rise beyond this (percent) is a jump, not noise of the reading.
RISE_JUMP = 2.0
# A drop beyond this between two states is a jump (a swapped or recalibrated battery).
DROP_JUMP = 10.0
# A poses this far apart (metres) is a relocalisation, not a drive.
POSE_JUMP_M = 200.0
# Charging observations end below this level (chargers slow down as the battery fills).
CHARGE_FULL = 95.0
# Every new observation keeps this share of what came before: a half-life of 300 observations
# (with 1 % steps, three full discharges).
FORGET = 0.5 ** (1 / 300)
# The prior weighs as much as this many of the robot's own observations of a figure...
PRIOR_COUNT = 3.0
# ...and a figure with this many of its own is "learned".
LEARNED_COUNT = 10.0
# Actions that only control the vehicle (no load of their own); `charge` is the charging itself.
NOT_WORK = frozenset(
    {CANCEL_ORDER, START_PAUSE, STOP_PAUSE, STATE_REQUEST, FACTSHEET_REQUEST, "charge"}
)
# Actions whose load lasts past their own end: the cleaning deck runs "while driving the
# following edges" (the protocol's definition of `clean`), until that navigation ends.
THROUGH_NEXT_DRIVE = frozenset({"clean"})


@dataclass(frozen=True)
class EnergyRates:
    """A robot's energy figures in percent of a full battery: per km driven (everything the
    robot uses while driving), per minute standing, per minute of each action on top of that,
    and gained per minute on a charger."""

    drive_per_km: float
    idle_per_min: float
    charge_per_min: float
    work_per_min: Mapping[str, float] = field(default_factory=dict)
    # How far the robot gets per minute of driving (turns and stops on the way included), once
    # learned; None before. What turns a per-minute load while driving (the cleaning deck)
    # into a per-km one.
    metres_per_min: float | None = None

    def as_names(self) -> dict[str, float]:
        """The drain figures by the learner's names."""
        names = {DRIVE: self.drive_per_km, IDLE: self.idle_per_min}
        return names | {WORK + k: v for k, v in self.work_per_min.items()}

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return {
            "drive_per_km": self.drive_per_km,
            "idle_per_min": self.idle_per_min,
            "charge_per_min": self.charge_per_min,
            "work_per_min": dict(sorted(self.work_per_min.items())),
            "metres_per_min": self.metres_per_min,
        }


@dataclass(frozen=True)
class Reading:
    """What one state says about energy: when, the charge, and what the robot was doing."""

    time: float  # seconds (the state's own timestamp, or the server's clock)
    charge: float
    charging: bool
    driving: bool
    work: frozenset[str]  # action types whose load runs from now on


@dataclass
class _Interval:
    start_charge: float
    charging: bool
    amounts: dict[str, float] = field(default_factory=dict)  # km, minutes by name

    def add(self, name: str, amount: float) -> None:
        if amount > 0:
            self.amounts[name] = self.amounts.get(name, 0.0) + amount


class EnergyLearner:
    """Learns one robot's energy figures from its states (and its poses between them)."""

    def __init__(
        self,
        fit: LinearFit | None = None,
        charge: RunningMean | None = None,
        speed: RunningMean | None = None,
    ) -> None:
        self.fit = fit or LinearFit()
        self.charge = charge or RunningMean()
        self.speed = speed or RunningMean()  # metres per minute, between two driving states
        self.version = 0  # grows with every observation learned
        self._last: Reading | None = None
        self._open: _Interval | None = None
        self._pose: tuple[float, float, str] | None = None
        self._metres = 0.0  # driven since the last state
        self._relocalised = False
        # The cleaning deck: lowered by a `clean` action, raised when the drive after it ends.
        self._deck = False
        self._deck_drove = False
        self._deck_ids: set[str] = set()
        self._solved: tuple[tuple[int, EnergyRates], dict[str, float]] | None = None

    # -- what the robot reports --------------------------------------------------------------

    def moved(self, x: float, y: float, map_id: str) -> None:
        """A pose from a state or a visualization message."""
        if self._pose is not None:
            last_x, last_y, last_map = self._pose
            step = math.hypot(x - last_x, y - last_y)
            if last_map != map_id or not math.isfinite(step) or step > POSE_JUMP_M:
                self._relocalised = True
            else:
                self._metres += step
        self._pose = (x, y, map_id)

    def reading(self, state: State, time: float) -> Reading:
        """The energy side of a state message (tracking the cleaning deck)."""
        running = set()
        for action in state.action_states:
            kind = action.action_type or ""
            if kind in THROUGH_NEXT_DRIVE and action.action_status in (
                ActionStatus.RUNNING,
                ActionStatus.FINISHED,
            ):
                if action.action_id not in self._deck_ids:
                    self._deck_ids.add(action.action_id)
                    self._deck, self._deck_drove = True, False
            elif action.action_status is ActionStatus.RUNNING and kind not in NOT_WORK:
                running.add(kind)
        if len(self._deck_ids) > 1000:  # ids of old orders are not reported again
            self._deck_ids.clear()
        if self._deck:
            if state.driving:
                self._deck_drove = True
            elif self._deck_drove:
                self._deck = False
        if self._deck:
            running |= THROUGH_NEXT_DRIVE
        battery = state.battery_state
        return Reading(
            time, battery.battery_charge, battery.charging, state.driving, frozenset(running)
        )

    def observe(self, reading: Reading, prior: EnergyRates) -> bool:
        """Take a state's reading; True when it completed an observation."""
        last, self._last = self._last, reading
        metres, self._metres = self._metres, 0.0
        relocalised, self._relocalised = self._relocalised, False
        if last is None or self._open is None:
            self._start(reading)
            return False
        seconds = reading.time - last.time
        change = reading.charge - last.charge
        if (
            not 0 <= seconds <= MAX_GAP_S
            or relocalised
            or reading.charging != last.charging
            or not math.isfinite(reading.charge)
            or _jump(change, reading.charging)
        ):
            self._start(reading)
            return False
        interval = self._open
        minutes = seconds / 60.0
        if last.driving and reading.driving and minutes > 0:
            self.speed.add(metres / minutes, minutes, FORGET, 0.0)
        if reading.charging:
            interval.add("charging", minutes)
        else:
            if last.driving or reading.driving:
                interval.add(DRIVE, metres / 1000.0)
            else:
                interval.add(IDLE, minutes)
            for kind in last.work:
                interval.add(WORK + kind, minutes)
        moved = reading.charge - interval.start_charge
        if not reading.charging:
            moved = -moved
        if moved < MIN_MOVE or change == 0:
            return False
        self._learn(interval, moved, reading.charge, prior)
        self._start(reading)
        return True

    def _start(self, reading: Reading) -> None:
        self._open = _Interval(reading.charge, reading.charging)

    def _learn(self, interval: _Interval, moved: float, level: float, prior: EnergyRates) -> None:
        if interval.charging:
            minutes = interval.amounts.get("charging", 0.0)
            if level >= CHARGE_FULL or minutes <= 0:
                return
            self.charge.add(moved / minutes, minutes, FORGET, prior.charge_per_min)
        else:
            theta = self._solve(prior)
            predicted = sum(theta.get(n, 0.0) * x for n, x in interval.amounts.items())
            residual = moved - predicted
            weight = huber_weight(residual, self.fit.scale, self.fit.samples)
            self.fit.note_residual(residual)
            self.fit.add(interval.amounts, moved, weight, FORGET)
        self.version += 1

    # -- what it learned ---------------------------------------------------------------------

    def _solve(self, prior: EnergyRates) -> dict[str, float]:
        key = (self.version, prior)
        if self._solved is None or self._solved[0] != key:
            self._solved = (key, self.fit.solve(prior.as_names(), PRIOR_COUNT))
        return self._solved[1]

    def rates(self, prior: EnergyRates) -> EnergyRates:
        """The robot's figures: its own data, pulled towards `prior` where it has little."""
        theta = self._solve(prior)
        return EnergyRates(
            drive_per_km=theta[DRIVE],
            idle_per_min=theta[IDLE],
            charge_per_min=self.charge.value(prior.charge_per_min, PRIOR_COUNT),
            work_per_min={n[len(WORK) :]: v for n, v in theta.items() if n.startswith(WORK)},
            metres_per_min=self.metres_per_min() or prior.metres_per_min,
        )

    def metres_per_min(self) -> float | None:
        """The robot's learned driving speed (metres per minute), once it rests on enough
        driving of its own; None before (a factsheet's speed is not what a simulation faster
        than real time shows)."""
        if self.speed.samples < LEARNED_COUNT or self.speed.length <= 0:
            return None
        return self.speed.value(0.0, 0.0)

    def basis(self) -> dict[str, tuple[float, float]]:
        """Per figure (drive, idle, charge, work:<type>): the amount of data it rests on (km or
        minutes, older data counting less) and how many observations."""
        found = {n: (self.fit.amounts.get(n, 0.0), c) for n, c in self.fit.counts.items()}
        found["charge"] = (self.charge.length, self.charge.samples)
        found[SPEED] = (self.speed.length, self.speed.samples)
        return found

    def learned(self, name: str) -> bool:
        """Whether the figure rests mostly on the robot's own data."""
        return self.basis().get(name, (0.0, 0.0))[1] >= LEARNED_COUNT

    def to_json(self) -> dict[str, Any]:
        """What the learner knows, to be stored (not the interval under way)."""
        return {
            "fit": self.fit.to_json(),
            "charge": self.charge.to_json(),
            "speed": self.speed.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EnergyLearner:
        """A learner from what `to_json` stored."""
        return cls(
            LinearFit.from_json(data.get("fit", {})),
            RunningMean.from_json(data.get("charge", {})),
            # Learners stored before the speed was learned start it afresh.
            RunningMean.from_json(data.get("speed", {})),
        )


def _jump(change: float, charging: bool) -> bool:
    """Whether a change of charge between two states is a jump rather than use or charging."""
    if charging:
        # A charger adds little between two states: a big step up is a swap or a reset.
        return change < -RISE_JUMP or change > DROP_JUMP
    return change > RISE_JUMP or change < -DROP_JUMP
