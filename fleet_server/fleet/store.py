"""The fleet's database side: robots' rows and telemetry samples, read and written in batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from fleet_server.db import session_scope
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.rows import Rows


class RobotStore(Rows):
    """Robots and their telemetry in the database."""

    def load_robots(self) -> list[Robot]:
        """Every robot row."""
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.exec(select(Robot)))

    def insert_robot(self, robot: Robot) -> None:
        """Add a robot seen or registered for the first time."""
        with session_scope(self.engine) as session:
            session.add(Robot.model_validate(robot.model_dump()))

    def update_robots(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write many robots' latest state in one transaction (rows keyed by serial_number)."""
        if rows:
            with session_scope(self.engine) as session:
                session.execute(update(Robot), list(rows))

    def add_samples(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append telemetry samples in one transaction."""
        if rows:
            with session_scope(self.engine) as session:
                session.execute(insert(TelemetrySample), list(rows))

    def prune_samples(self, before: datetime) -> int:
        """Delete telemetry older than `before`; returns how many rows went."""
        with session_scope(self.engine) as session:
            result = session.execute(
                delete(TelemetrySample).where(col(TelemetrySample.time) < before)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def samples(
        self, serial_number: str, limit: int = 1000, since: datetime | None = None
    ) -> list[TelemetrySample]:
        """A robot's most recent telemetry samples (none before `since`), oldest first."""
        with Session(self.engine) as session:
            query = (
                select(TelemetrySample)
                .where(TelemetrySample.serial_number == serial_number)
                .order_by(col(TelemetrySample.time).desc())
                .limit(limit)
            )
            if since is not None:
                query = query.where(col(TelemetrySample.time) >= since)
            return list(reversed(list(session.exec(query))))
