"""Deployed units: each contract serial number tied to the fleet robot that reports for it, its
holder and site; re-registering a serial ends its earlier registration; every change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Invalid, NotFound
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.models.party import Enterprise
from fleet_server.vouchers.models.unit import DeployedUnit, DeployedUnitCreate, DeployedUnitPublic
from fleet_server.vouchers.record_store import RecordStore, matching
from fleet_server.vouchers.texts import (
    UNIT_COMMISSIONED_FUTURE,
    UNIT_NO_HOLDER,
    UNIT_NO_SITE,
    UNIT_NOT_FOUND,
    UNIT_UNKNOWN_ROBOT,
)

ENTITY = "unit"


def current_unit(session: Session, serial_number: str) -> DeployedUnit | None:
    """The registration of a serial number that has not been ended, if any."""
    query = (
        select(DeployedUnit)
        .where(DeployedUnit.serial_number == serial_number)
        .where(col(DeployedUnit.ended_at).is_(None))
    )
    unit: DeployedUnit | None = session.exec(query).first()
    return unit


class UnitService:
    """Registers and shows deployed units."""

    def __init__(
        self,
        store: RecordStore,
        sites: SiteRegistry,
        robot_known: Callable[[str], bool],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.sites = sites
        # The live registry knows robots before the batch writer has stored them.
        self.robot_known = robot_known
        self.clock = clock

    def register(self, body: DeployedUnitCreate, actor: str) -> DeployedUnitPublic:
        """Register a unit; a current registration of the same serial number is ended (both
        changes audited). The robot must be one the fleet knows; the site one the server has."""
        try:
            site = self.sites.get(body.site_id)
        except NotFound:
            raise Invalid(UNIT_NO_SITE.of(site=body.site_id), field="site_id") from None
        now = self.clock()
        if body.commissioned_on > now.astimezone(ZoneInfo(site.timezone)).date():
            raise Invalid(
                UNIT_COMMISSIONED_FUTURE.of(day=body.commissioned_on.isoformat()),
                field="commissioned_on",
            )
        with self.store.change() as session:
            if session.get(Enterprise, body.holder_id) is None:
                raise Invalid(UNIT_NO_HOLDER.of(enterprise=body.holder_id), field="holder_id")
            if not self.robot_known(body.robot):
                raise Invalid(UNIT_UNKNOWN_ROBOT.of(robot=body.robot), field="robot")
            earlier = current_unit(session, body.serial_number)
            if earlier is not None:
                before = earlier.as_record()
                earlier.ended_at = now
                session.add(earlier)
                session.flush()
                after = earlier.as_record()
                self.store.log(session, actor, ENTITY, "end", earlier.id, before, after)
            unit = DeployedUnit(**body.model_dump(), registered_at=now)
            session.add(unit)
            session.flush()
            self.store.log(session, actor, ENTITY, "register", unit.id, None, unit.as_record())
            return DeployedUnitPublic.of(unit)

    def get(self, unit_id: int) -> DeployedUnitPublic:
        """One registration, or NotFound."""
        unit = self.store.get(DeployedUnit, unit_id)
        if unit is None:
            raise NotFound(UNIT_NOT_FOUND.of(id=unit_id), field="unit_id")
        return DeployedUnitPublic.of(unit)

    def find(
        self,
        serial_number: str | None = None,
        holder_id: int | None = None,
        current: bool | None = None,
    ) -> list[DeployedUnitPublic]:
        """The registrations matching every filter given, by id."""
        query = matching(DeployedUnit, serial_number=serial_number, holder_id=holder_id)
        if current is not None:
            ended = col(DeployedUnit.ended_at)
            query = query.where(ended.is_(None) if current else ended.is_not(None))
        with Session(self.store.engine) as session:
            return [DeployedUnitPublic.of(unit) for unit in session.exec(query)]
