"""Robots' energy rows in the database: all read at start, changed ones written in one batch."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from fleet_server.db import session_scope
from fleet_server.fleet.models.energy import RobotEnergy

# Keys per SELECT ... IN, well under SQLite's limit on bound parameters.
KEYS_PER_QUERY = 400


class EnergyStore:
    """Reads and writes RobotEnergy rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One batch at a time, so that two never both insert a new robot's row.
        self._lock = threading.Lock()

    def load(self) -> list[RobotEnergy]:
        """Every robot's row."""
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.exec(select(RobotEnergy)))

    def save(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert or update rows (keyed by serial_number) in one transaction."""
        if not rows:
            return
        with self._lock, session_scope(self.engine) as session:
            serials = [str(row["serial_number"]) for row in rows]
            known: set[str] = set()
            for start in range(0, len(serials), KEYS_PER_QUERY):
                chunk = serials[start : start + KEYS_PER_QUERY]
                query = select(RobotEnergy.serial_number).where(
                    col(RobotEnergy.serial_number).in_(chunk)
                )
                known.update(session.exec(query))
            old = [row for row in rows if row["serial_number"] in known]
            new = [row for row in rows if row["serial_number"] not in known]
            if old:
                session.execute(update(RobotEnergy), old)
            if new:
                session.execute(insert(RobotEnergy), new)
