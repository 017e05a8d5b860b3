"""The alerts' database side: the open alert of a subject, pages by filters, acknowledging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from fleet_server.alerts.models import Alert, AlertKind
from fleet_server.db import session_scope
from fleet_server.rows import Rows


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts a list shows; None leaves a field out."""

    kind: AlertKind | None = None
    acknowledged: bool | None = None
    robot: str | None = None
    incident_id: int | None = None
    since: datetime | None = None

    def apply(self, query: Any) -> Any:
        """The query narrowed to the alerts this filter admits."""
        if self.kind is not None:
            query = query.where(Alert.kind == self.kind)
        if self.acknowledged is not None:
            acknowledged = col(Alert.acknowledged_at)
            query = query.where(
                acknowledged.is_not(None) if self.acknowledged else acknowledged.is_(None)
            )
        if self.robot is not None:
            query = query.where(Alert.robot == self.robot)
        if self.incident_id is not None:
            query = query.where(Alert.incident_id == self.incident_id)
        if self.since is not None:
            query = query.where(col(Alert.last_at) >= self.since)
        return query


UNACKNOWLEDGED = AlertFilter(acknowledged=False)


class AlertStore(Rows):
    """Alerts in the database."""

    def open_alert(
        self, kind: AlertKind, robot: str | None, incident_id: int | None
    ) -> Alert | None:
        """The unacknowledged alert of this kind about this incident (when given), else about
        this robot, if any."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(Alert).where(Alert.kind == kind, col(Alert.acknowledged_at).is_(None))
            if incident_id is not None:
                query = query.where(Alert.incident_id == incident_id)
            else:
                query = query.where(col(Alert.incident_id).is_(None), Alert.robot == robot)
            found: Alert | None = session.exec(query.order_by(col(Alert.id).desc())).first()
            return found

    def latest(self, kind: AlertKind, incident_id: int) -> Alert | None:
        """The newest alert of this kind about an incident, acknowledged or not."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(Alert).where(Alert.kind == kind, Alert.incident_id == incident_id)
            found: Alert | None = session.exec(query.order_by(col(Alert.id).desc())).first()
            return found

    def page(self, where: AlertFilter, offset: int, limit: int) -> tuple[list[Alert], int]:
        """Alerts newest first (by when they last happened), and how many match in all."""
        with Session(self.engine, expire_on_commit=False) as session:
            total = session.exec(where.apply(select(func.count()).select_from(Alert))).one()
            query = where.apply(select(Alert)).order_by(
                col(Alert.last_at).desc(), col(Alert.id).desc()
            )
            return list(session.exec(query.offset(offset).limit(limit))), int(total)

    def count(self, where: AlertFilter) -> int:
        """How many alerts the filter admits."""
        with Session(self.engine) as session:
            return int(session.exec(where.apply(select(func.count()).select_from(Alert))).one())

    def acknowledge(self, ids: Sequence[int] | None, by: str, at: datetime) -> list[Alert]:
        """Acknowledge these unacknowledged alerts (every one when `ids` is None); returns them."""
        with session_scope(self.engine) as session:
            query = UNACKNOWLEDGED.apply(select(Alert))
            if ids is not None:
                query = query.where(col(Alert.id).in_(list(ids)))
            alerts = list(session.exec(query.order_by(col(Alert.id))))
            for alert in alerts:
                alert.acknowledged_by = by
                alert.acknowledged_at = at
                session.add(alert)
            return alerts
