"""The fleet's database side: robots' rows and telemetry samples, read and written in batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, update
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

    def history(
        self, serial_number: str, since: datetime, until: datetime, max_points: int
    ) -> list[TelemetrySample]:
        """A robot's samples in [since, until), oldest first, thinned in the database to at most
        `max_points` (every k-th sample, evenly) so that a week of them stays one small answer."""
        return self._thinned(
            max_points,
            TelemetrySample.serial_number == serial_number,
            col(TelemetrySample.time) >= since,
            col(TelemetrySample.time) < until,
        )

    def mission_track(
        self, mission_id: int, since: datetime, until: datetime, max_points: int
    ) -> list[TelemetrySample]:
        """The samples taken while robots ran the mission, between its start and end (the time
        index narrows them), oldest first, thinned like `history`."""
        return self._thinned(
            max_points,
            col(TelemetrySample.time) >= since,
            col(TelemetrySample.time) <= until,
            TelemetrySample.mission_id == mission_id,
        )

    def _thinned(self, max_points: int, *where: Any) -> list[TelemetrySample]:
        """The samples `where` selects, every k-th of them by time so that at most `max_points`."""
        with Session(self.engine) as session:
            count = session.exec(select(func.count()).where(*where)).one()
            step = max(1, -(-count // max_points))
            numbered = (
                select(
                    col(TelemetrySample.id),
                    func.row_number().over(order_by=col(TelemetrySample.time)).label("n"),
                )
                .where(*where)
                .subquery()
            )
            query = (
                select(TelemetrySample)
                .join(numbered, col(TelemetrySample.id) == numbered.c.id)
                .where((numbered.c.n - 1) % step == 0)
                .order_by(col(TelemetrySample.time))
            )
            return list(session.exec(query))
