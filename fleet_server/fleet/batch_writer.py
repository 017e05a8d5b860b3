"""The batch writer: each flush's robot rows, telemetry samples and robot days, checked before they
are written, so that one bad row is set aside instead of costing the whole batch."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from fleet_server.fleet.activity import DayActivity
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.store import RobotStore

log = logging.getLogger(__name__)

Row = dict[str, Any]
ItemT = TypeVar("ItemT")

# Errors that say the database could not be reached, not that a row is bad: what failed is
# kept for the next flush rather than set aside.
TRANSIENT = (OperationalError, InterfaceError, DisconnectionError)
# At most this many samples and days wait for a database that is down (the oldest go first).
MAX_PENDING = 200_000

ROW_NUMBERS = ("battery", "x", "y", "theta")
SAMPLE_NUMBERS = ("x", "y", "theta")
DAY_NUMBERS = (
    "seconds_online",
    "seconds_active",
    "distance_m",
    "seconds_working",
    "seconds_charging",
    "battery_used_percent",
)


# The columns a state, connection or mission change touches (the rest comes with factsheets).
STATE_COLUMNS = (
    "serial_number",
    "connection_state",
    "online",
    "battery",
    "charging",
    "x",
    "y",
    "theta",
    "map_id",
    "driving",
    "paused",
    "errors",
    "order_id",
    "order_update_id",
    "last_node_id",
    "mission_id",
    "last_seen",
)
DESCRIPTION_COLUMNS = ("kind", "actions", "factsheet")


def state_row(robot: Robot, described: bool) -> dict[str, object]:
    """The row written for a changed robot: its state, and its description if that changed."""
    columns = STATE_COLUMNS + DESCRIPTION_COLUMNS if described else STATE_COLUMNS
    return {column: getattr(robot, column) for column in columns}


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def row_problem(row: Row) -> str | None:
    """Why a robot's state row cannot be written, or None."""
    if not row.get("serial_number"):
        return "no serial number"
    for name in ROW_NUMBERS:
        value = row.get(name)
        if value is not None and not _finite(value):
            return f"{name} is {value!r}"
    return None


def sample_problem(sample: Row) -> str | None:
    """Why a telemetry sample cannot be written, or None."""
    for name in SAMPLE_NUMBERS:
        if not _finite(sample.get(name)):
            return f"{name} is {sample.get(name)!r}"
    battery = sample.get("battery")
    if battery is not None and not _finite(battery):
        return f"battery is {battery!r}"
    if not sample.get("map_id") or sample.get("time") is None:
        return "no map or time"
    return None


def day_problem(day: DayActivity) -> str | None:
    """Why a robot day's figures cannot be added, or None."""
    for name in DAY_NUMBERS:
        value = getattr(day, name)
        if not _finite(value) or value < 0:
            return f"{name} is {value!r}"
    for zone, seconds in day.zone_seconds.items():
        if not _finite(seconds) or seconds < 0:
            return f"seconds in zone {zone} are {seconds!r}"
    return None


@dataclass
class Outcome:
    """What one batch came to: rows written, rows set aside, and what waits for the database."""

    written: int = 0
    set_aside: int = 0
    retry_rows: list[Row] = field(default_factory=list)
    retry_samples: list[Row] = field(default_factory=list)
    retry_days: list[DayActivity] = field(default_factory=list)


class BatchWriter:
    """Writes a batch in three transactions; a failing one is retried row by row, so only the
    rows that fail on their own are set aside (logged once per robot and problem)."""

    def __init__(self, store: RobotStore, activity_store: ActivityStore | None) -> None:
        self.store = store
        self.activity_store = activity_store
        self._logged: set[tuple[str, str]] = set()

    def write(self, rows: list[Row], samples: list[Row], days: list[DayActivity]) -> Outcome:
        """Check and write a batch (in a worker thread: it blocks on the database)."""
        outcome = Outcome()
        rows = self._checked(rows, row_problem, _serial_of_row, "robot row", outcome)
        samples = self._checked(samples, sample_problem, _serial_of_row, "sample", outcome)
        days = self._checked(days, day_problem, _serial_of_day, "robot day", outcome)
        before = outcome.set_aside
        outcome.retry_rows = self._write(rows, self.store.update_robots, _serial_of_row, outcome)
        outcome.written = len(rows) - len(outcome.retry_rows) - (outcome.set_aside - before)
        outcome.retry_samples = self._write(
            samples, self.store.add_samples, _serial_of_row, outcome
        )
        if self.activity_store is not None:
            outcome.retry_days = self._write(
                days, self.activity_store.add, _serial_of_day, outcome
            )
        return outcome

    def _checked(
        self,
        items: list[ItemT],
        problem_of: Callable[[ItemT], str | None],
        serial_of: Callable[[ItemT], str],
        what: str,
        outcome: Outcome,
    ) -> list[ItemT]:
        good = []
        for item in items:
            problem = problem_of(item)
            if problem is None:
                good.append(item)
            else:
                outcome.set_aside += 1
                self._log_once(serial_of(item), f"{what} set aside: {problem}")
        return good

    def _write(
        self,
        items: list[ItemT],
        write: Callable[[Sequence[ItemT]], None],
        serial_of: Callable[[ItemT], str],
        outcome: Outcome,
    ) -> list[ItemT]:
        """Write the items in one transaction, else one by one; returns the ones to retry."""
        if not items:
            return []
        try:
            write(items)
            return []
        except TRANSIENT as exc:
            self._log_once("", f"database unavailable, batch kept for the next flush: {exc}")
            return items
        except Exception as exc:
            self._log_once("", f"a batch failed ({type(exc).__name__}); writing it row by row")
        retry = []
        for item in items:
            try:
                write([item])
            except TRANSIENT:
                retry.append(item)
            except Exception as exc:
                outcome.set_aside += 1
                self._log_once(serial_of(item), f"row set aside: {type(exc).__name__}: {exc}")
        return retry

    def _log_once(self, serial: str, message: str) -> None:
        key = (serial, message.split(":", 1)[0])
        if key not in self._logged:
            self._logged.add(key)
            log.error("%s%s", f"{serial}: " if serial else "", message)


def _serial_of_row(row: Row) -> str:
    return str(row.get("serial_number") or "")


def _serial_of_day(day: DayActivity) -> str:
    return day.serial_number
