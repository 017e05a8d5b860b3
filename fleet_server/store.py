"""The database side of the server: robots, missions and telemetry, read and written in batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from fleet_server.db import session_scope
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.missions.models.mission import FINISHED_STATUSES, Mission, MissionStatus
from fleet_server.schedules.models.schedule import Schedule
from fleet_server.schedules.models.template import Template

RowT = TypeVar("RowT", bound=SQLModel)


class Store:
    """All database access of the server, in short transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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

    def save(self, row: RowT) -> RowT:
        """Insert or update one record (schedule, template ...); returns it with its key."""
        with session_scope(self.engine) as session:
            merged = session.merge(type(row).model_validate(row.model_dump()))
            session.flush()
            for key in row.__table__.primary_key.columns:  # type: ignore[attr-defined]
                setattr(row, key.name, getattr(merged, key.name))
        return row

    def get(self, model: type[RowT], key: object) -> RowT | None:
        """One record by its primary key, or None."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(model, key)

    def remove(self, model: type[RowT], key: object) -> None:
        """Remove one record by its primary key."""
        with session_scope(self.engine) as session:
            row = session.get(model, key)
            if row is not None:
                session.delete(row)

    def list_schedules(self, enabled_only: bool = False) -> list[Schedule]:
        """Schedules by id."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(Schedule).order_by(col(Schedule.id))
            if enabled_only:
                query = query.where(col(Schedule.enabled).is_(True))
            return list(session.exec(query))

    def list_templates(self) -> list[Template]:
        """Templates by id."""
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.exec(select(Template).order_by(col(Template.id))))

    def list_incidents(
        self,
        *,
        site_id: str | None = None,
        status: IncidentStatus | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[Incident]:
        """Incidents newest first, optionally by site, status and time reported."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(Incident).order_by(col(Incident.id).desc()).limit(limit)
            if site_id is not None:
                query = query.where(Incident.site_id == site_id)
            if status is not None:
                query = query.where(Incident.status == status)
            if since is not None:
                query = query.where(col(Incident.created_at) >= since)
            if until is not None:
                query = query.where(col(Incident.created_at) < until)
            return list(session.exec(query))

    def handled_incidents(
        self, site_id: str, incident_type: IncidentType, since: datetime
    ) -> list[Incident]:
        """Incidents of a type on a site reported since a time that a robot was sent to."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(Incident)
                .where(
                    Incident.site_id == site_id,
                    Incident.type == incident_type,
                    col(Incident.created_at) >= since,
                    col(Incident.dispatched_at).is_not(None),
                )
                .order_by(col(Incident.id))
            )
            return list(session.exec(query))

    def unfinished_incidents(self) -> list[Incident]:
        """Incidents still open, dispatched or on scene, oldest first."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(Incident)
                .where(
                    col(Incident.status).in_(
                        [IncidentStatus.OPEN, IncidentStatus.DISPATCHED, IncidentStatus.ON_SCENE]
                    )
                )
                .order_by(col(Incident.id))
            )
            return list(session.exec(query))
