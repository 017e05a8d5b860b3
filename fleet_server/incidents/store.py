"""The incidents' database side: incidents listed by site, status and time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.rows import Rows


class IncidentStore(Rows):
    """Incidents in the database."""

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
        """Incidents not yet resolved or escalated (those awaiting a person's confirmation too),
        oldest first."""
        unfinished = [status for status in IncidentStatus if not status.finished]
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(Incident)
                .where(col(Incident.status).in_(unfinished))
                .order_by(col(Incident.id))
            )
            return list(session.exec(query))
