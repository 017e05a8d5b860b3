"""The schedules' and templates' database side: each listed in id order."""

from __future__ import annotations

from sqlmodel import Session, col, select

from fleet_server.rows import Rows
from fleet_server.schedules.models.schedule import Schedule
from fleet_server.schedules.models.template import Template


class ScheduleStore(Rows):
    """Schedules and templates in the database."""

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
