"""The fleet's energy model: a learner per robot, fed by every accepted state, with its kind's
learned figures as its prior (the settings' before any robot of the kind has learned), shown
per robot and stored in batches."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fleet_protocol.base import utc_now
from fleet_protocol.state import State
from fleet_server.fleet.energy import DRIVE, IDLE, SPEED, WORK, EnergyLearner, EnergyRates
from fleet_server.fleet.energy_store import EnergyStore
from fleet_server.fleet.models.energy import (
    DriveFigure,
    EnergyPublic,
    RateFigure,
    Source,
)
from fleet_server.fleet.models.robot import Robot
from fleet_server.isolation import LoopFailures

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CHARGE = "charge"
# Kinds' averages are worked out again at most this often.
KIND_REFRESH = timedelta(seconds=30)


class EnergyModel:
    """Every robot's learner, its prior and its rows."""

    def __init__(
        self,
        defaults: EnergyRates,
        store: EnergyStore | None = None,
        *,
        write_interval_s: float = 30.0,
        clock: Clock = utc_now,
        failures: LoopFailures | None = None,
    ) -> None:
        self.defaults = defaults
        self.store = store
        self.write_interval = timedelta(seconds=write_interval_s)
        self.clock = clock
        self.failures = failures or LoopFailures()
        self._learners: dict[str, EnergyLearner] = {}
        self._kinds: dict[str, str] = {}
        self._changed: set[str] = set()
        self._written: dict[str, datetime] = {}
        self._kind_figures: dict[str, tuple[datetime, dict[str, float]]] = {}

    def load(self) -> None:
        """Take up what was learned before the last stop."""
        if self.store is None:
            return
        for row in self.store.load():
            try:
                self._learners[row.serial_number] = EnergyLearner.from_json(row.learner)
                self._kinds[row.serial_number] = row.kind
            except (KeyError, TypeError, ValueError) as exc:
                self.failures.record("energy load", row.serial_number, exc)

    def learner(self, serial_number: str) -> EnergyLearner:
        """The robot's learner (a new one for a robot not heard of before)."""
        if serial_number not in self._learners:
            self._learners[serial_number] = EnergyLearner()
        return self._learners[serial_number]

    # -- ingest ------------------------------------------------------------------------------

    def on_state(self, robot: Robot, state: State, now: datetime) -> None:
        """A state the registry accepted (its pose already on `robot`)."""
        serial = robot.serial_number
        try:
            self._kinds[serial] = robot.kind.value
            learner = self.learner(serial)
            self._moved(learner, robot)
            reading = learner.reading(state, _robot_time(state, now))
            had_speed = learner.metres_per_min() is not None
            if learner.observe(reading, self.prior(robot.kind.value)[0]):
                self._changed.add(serial)
            if not had_speed and learner.metres_per_min() is not None:
                # The kind's first learned speed is every robot of the kind's at once: drives
                # of robots that have not learned theirs are timed alike (handover compares).
                self._kind_figures.pop(robot.kind.value, None)
        except Exception as exc:  # a learner's fault must not cost the state its ingest
            self.failures.record("energy learning", serial, exc)

    def on_pose(self, robot: Robot) -> None:
        """A pose between states (visualization): the distance driven."""
        learner = self._learners.get(robot.serial_number)
        if learner is not None:
            self._moved(learner, robot)

    @staticmethod
    def _moved(learner: EnergyLearner, robot: Robot) -> None:
        if robot.x is not None and robot.y is not None and robot.map_id:
            learner.moved(robot.x, robot.y, robot.map_id)

    # -- figures -----------------------------------------------------------------------------

    def rates(self, robot: Robot) -> EnergyRates:
        """The robot's figures (its prior's, for a robot with no telemetry yet)."""
        prior, _ = self.prior(robot.kind.value)
        learner = self._learners.get(robot.serial_number)
        return prior if learner is None else learner.rates(prior)

    def prior(self, kind: str) -> tuple[EnergyRates, dict[str, Source]]:
        """A robot's prior: per figure, its kind's learned average, else the settings'."""
        settings = {**self.defaults.as_names(), CHARGE: self.defaults.charge_per_min}
        learned = self._kind_average(kind)
        names = {**settings, **learned}
        sources: dict[str, Source] = {n: "kind" if n in learned else "settings" for n in names}
        work = {n[len(WORK) :]: v for n, v in names.items() if n.startswith(WORK)}
        # A speed only once a robot of the kind has learned one (the settings have none).
        speed = learned.get(SPEED)
        rates = EnergyRates(names[DRIVE], names[IDLE], names[CHARGE], work, speed)
        return rates, sources

    def _kind_average(self, kind: str) -> dict[str, float]:
        """Each figure averaged over the kind's robots that learned it, weighted by how much
        each learned (kept for a while: this runs for every state)."""
        now = self.clock()
        cached = self._kind_figures.get(kind)
        if cached is not None and now - cached[0] < KIND_REFRESH:
            return cached[1]
        totals: dict[str, list[float]] = {}
        for serial, learner in self._learners.items():
            if self._kinds.get(serial) != kind:
                continue
            basis = learner.basis()
            rates = learner.rates(self.defaults)
            values = {**rates.as_names(), CHARGE: rates.charge_per_min}
            if rates.metres_per_min is not None:
                values[SPEED] = rates.metres_per_min
            for name, value in values.items():
                if learner.learned(name):
                    count = basis[name][1]
                    total = totals.setdefault(name, [0.0, 0.0])
                    total[0] += count * value
                    total[1] += count
        average = {name: total / count for name, (total, count) in totals.items()}
        self._kind_figures[kind] = (now, average)
        return average

    def public(self, robot: Robot) -> EnergyPublic:
        """The robot's figures, what each rests on and where it comes from."""
        prior, sources = self.prior(robot.kind.value)
        learner = self._learners.get(robot.serial_number) or EnergyLearner()
        rates = learner.rates(prior)
        basis = learner.basis()

        def source(name: str) -> Source:
            return "learned" if learner.learned(name) else sources.get(name, "settings")

        def rate(name: str, value: float) -> RateFigure:
            minutes = basis.get(name, (0.0, 0.0))[0]
            return RateFigure(
                percent_per_min=_round(value), minutes=round(minutes, 1), source=source(name)
            )

        return EnergyPublic(
            drive=DriveFigure(
                percent_per_km=_round(rates.drive_per_km),
                km=round(basis.get(DRIVE, (0.0, 0.0))[0], 3),
                source=source(DRIVE),
                speed_m_s=_round(rates.metres_per_min / 60) if rates.metres_per_min else None,
            ),
            idle=rate(IDLE, rates.idle_per_min),
            charge=rate(CHARGE, rates.charge_per_min),
            work={
                k: rate(WORK + k, v)
                for k, v in sorted(rates.work_per_min.items())
                if _shown(k, robot, basis)
            },
        )

    # -- storing -----------------------------------------------------------------------------

    def take_due(self, everything: bool = False) -> list[dict[str, Any]]:
        """Rows of the robots that learned something and were not written for a while (all
        that learned something, when `everything`)."""
        now = self.clock()
        due = []
        for serial in sorted(self._changed):
            written = self._written.get(serial)
            if everything or written is None or now - written >= self.write_interval:
                due.append(serial)
        rows = []
        for serial in due:
            self._changed.discard(serial)
            self._written[serial] = now
            row = self._row(serial, now)
            if row is not None:
                rows.append(row)
        return rows

    def _row(self, serial: str, now: datetime) -> dict[str, Any] | None:
        learner = self._learners[serial]
        kind = self._kinds.get(serial, "other")
        data = learner.to_json()
        if not _all_finite(data):
            self.failures.record("energy rows", serial, ValueError("a figure is not finite"))
            return None
        figures = learner.rates(self.prior(kind)[0]).to_json()
        return {
            "serial_number": serial,
            "kind": kind,
            "figures": figures,
            "learner": data,
            "updated_at": now,
        }

    async def flush(self, everything: bool = False) -> int:
        """Write the rows that are due (in a worker thread); returns how many."""
        if self.store is None:
            return 0
        rows = self.take_due(everything)
        if not rows:
            return 0
        try:
            await asyncio.to_thread(self.store.save, rows)
        except Exception as exc:
            # Kept for the next flush (the database may be away for a while).
            self._changed.update(str(row["serial_number"]) for row in rows)
            self.failures.record("energy rows", "batch", exc)
            return 0
        return len(rows)


def _shown(action: str, robot: Robot, basis: dict[str, tuple[float, float]]) -> bool:
    """Whether an action's figure is shown: one the robot ran, or one it declares (every one
    with a figure while its factsheet is not known)."""
    return WORK + action in basis or not robot.actions or action in robot.actions


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def _all_finite(data: Any) -> bool:
    if isinstance(data, dict):
        return all(_all_finite(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        return all(_all_finite(v) for v in data)
    if isinstance(data, float):
        return math.isfinite(data)
    return True


# A robot clock further than this from the server's is not trusted for timing its intervals.
CLOCK_TRUST_S = 300.0


def _robot_time(state: State, now: datetime) -> float:
    """When the robot measured the state: its header's timestamp, which a busy network or server
    does not delay (messages that arrive bunched would otherwise make charge rates look steep);
    the server's clock where the robot's is far off."""
    sent = state.timestamp.timestamp()
    return sent if abs(sent - now.timestamp()) <= CLOCK_TRUST_S else now.timestamp()
