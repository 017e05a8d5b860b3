"""The missions' database side: mission rows saved one by one or written in batches, and the
records of their assignments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from fleet_server.db import session_scope
from fleet_server.missions.models.choice import MissionAssignmentRecord
from fleet_server.missions.models.mission import FINISHED_STATUSES, Mission, MissionStatus
from fleet_server.rows import Rows


class MissionStore(Rows):
    """Missions in the database."""

    def save_mission(self, mission: Mission) -> Mission:
        """Insert or update one mission now; returns it with its id."""
        with session_scope(self.engine) as session:
            merged = session.merge(Mission.model_validate(mission.model_dump()))
            session.flush()
            mission.id = merged.id
        return mission

    def update_missions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write several missions' fields in one transaction (rows keyed by id)."""
        if rows:
            with session_scope(self.engine) as session:
                session.execute(update(Mission), list(rows))

    def get_mission(self, mission_id: int) -> Mission | None:
        """One mission, or None."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(Mission, mission_id)

    def list_missions(
        self, status: MissionStatus | None = None, robot: str | None = None, limit: int = 100
    ) -> list[Mission]:
        """Missions, newest first, optionally by status or robot."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(Mission).order_by(col(Mission.id).desc()).limit(limit)
            if status is not None:
                query = query.where(Mission.status == status)
            if robot is not None:
                query = query.where(Mission.robot == robot)
            return list(session.exec(query))

    def unfinished_missions(self) -> list[Mission]:
        """Missions not yet completed, failed or cancelled, oldest first."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(Mission)
                .where(col(Mission.status).not_in(list(FINISHED_STATUSES)))
                .order_by(col(Mission.id))
            )
            return list(session.exec(query))

    def save_assignment(self, record: MissionAssignmentRecord) -> MissionAssignmentRecord:
        """Store one assignment of a mission with its prediction and runners-up."""
        return self.save(record)

    def assignments_of(self, mission_id: int) -> list[MissionAssignmentRecord]:
        """A mission's assignments, oldest first."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(MissionAssignmentRecord)
                .where(MissionAssignmentRecord.mission_id == mission_id)
                .order_by(col(MissionAssignmentRecord.id))
            )
            return list(session.exec(query))
