"""Robot days in the database: pending activity added to each day's row, days read by range."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date

from sqlalchemy import tuple_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from fleet_server.db import session_scope
from fleet_server.fleet.activity import DayActivity
from fleet_server.fleet.models.activity import RobotDay

# Keys per SELECT ... IN, well under SQLite's limit on bound parameters.
KEYS_PER_QUERY = 400


class ActivityStore:
    """Reads and writes RobotDay rows; writes add to what is there, in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One write at a time: two overlapping writes (a batch still running in its thread when
        # the server's last flush starts) would both insert a new day's row; locking rows for
        # update cannot guard a row that does not exist yet.
        self._write_lock = threading.Lock()

    def add(self, days: Sequence[DayActivity]) -> None:
        """Add each day's figures to its row (creating the row), all in one transaction."""
        if not days:
            return
        with self._write_lock, session_scope(self.engine) as session:
            rows = self._rows(session, [(d.serial_number, d.day) for d in days])
            for day in days:
                row = rows.get((day.serial_number, day.day))
                if row is None:
                    row = RobotDay(serial_number=day.serial_number, day=day.day)
                    rows[(day.serial_number, day.day)] = row
                    session.add(row)
                _add_to(row, day)

    def days(
        self, serial_number: str, since: date | None = None, until: date | None = None
    ) -> list[RobotDay]:
        """A robot's days from `since` to `until` (both included), oldest first."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(RobotDay)
                .where(RobotDay.serial_number == serial_number)
                .order_by(col(RobotDay.day))
            )
            if since is not None:
                query = query.where(col(RobotDay.day) >= since)
            if until is not None:
                query = query.where(col(RobotDay.day) <= until)
            return list(session.exec(query))

    @staticmethod
    def _rows(session: Session, keys: list[tuple[str, date]]) -> dict[tuple[str, date], RobotDay]:
        """The existing rows for these keys, locked for update where the database can."""
        found: dict[tuple[str, date], RobotDay] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), KEYS_PER_QUERY):
            chunk = unique[start : start + KEYS_PER_QUERY]
            query = (
                select(RobotDay)
                .where(tuple_(col(RobotDay.serial_number), col(RobotDay.day)).in_(chunk))
                .with_for_update()
            )
            for row in session.exec(query):
                found[(row.serial_number, row.day)] = row
        return found


def _add_to(row: RobotDay, day: DayActivity) -> None:
    if day.site_id is not None:
        row.site_id = day.site_id
    row.seconds_online += day.seconds_online
    row.seconds_active += day.seconds_active
    zones = dict(row.zone_seconds)
    for zone_id, seconds in day.zone_seconds.items():
        zones[zone_id] = float(zones.get(zone_id, 0.0)) + seconds
    # A new dict, so the JSON column is seen as changed.
    row.zone_seconds = zones
    row.missions_completed += day.missions_completed
    row.distance_m += day.distance_m
    row.seconds_working += day.seconds_working
    row.seconds_charging += day.seconds_charging
    row.battery_used_percent += day.battery_used_percent
