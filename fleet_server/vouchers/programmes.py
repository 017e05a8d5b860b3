"""Voucher programmes: created and changed by officers, each change audited; their balances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from fleet_protocol.base import utc_now
from fleet_protocol.site import ZoneKind
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.models.clawback import ClawbackCase, ClawbackStatus
from fleet_server.vouchers.models.programme import (
    Balances,
    Programme,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
)
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.models.voucher import LIVE_STATUSES, Voucher
from fleet_server.vouchers.record_store import RecordStore, existing, sum_fen
from fleet_server.vouchers.texts import (
    NOT_NULL,
    PROGRAMME_ACTIVE_OVER_DEPLOYMENT,
    PROGRAMME_BUDGET_OVER_POOL,
    PROGRAMME_NO_SITE,
    PROGRAMME_NO_ZONE,
    PROGRAMME_NOT_FOUND,
    PROGRAMME_POOL_TOO_SMALL,
    PROGRAMME_YEAR_REPEATED,
    PROGRAMME_ZONE_NOT_GEOFENCE,
)

ENTITY = "programme"


def programme_zone(sites: SiteRegistry, programme: Programme) -> ZoneInfo:
    """The timezone the programme's days and years are counted in: its geofence site's."""
    return ZoneInfo(sites.get(programme.geofence_site).timezone)


def year_budget(programme: Programme, year: int) -> int | None:
    """The programme's budget for the year in fen, or None if it has none."""
    for budget in programme.annual_budgets:
        if budget["year"] == year:
            return int(budget["budget_fen"])
    return None


def programme_balances(session: Session, programme: Programme) -> Balances:
    """Reserved, paid and available fen of a programme's pool (rule 1).

    Summed from the vouchers, payouts and recovered clawback cases in the session the
    programme was read in, so the three always add up to the pool.
    """
    reserved = _reserved_fen(session, programme)
    paid = _paid_fen(session, programme)
    return Balances(
        reserved_fen=reserved,
        paid_fen=paid,
        available_fen=programme.total_pool_fen - reserved - paid,
    )


def _reserved_fen(session: Session, programme: Programme) -> int:
    """The unused value of the programme's live (issued or in-use) vouchers."""
    return sum_fen(
        session,
        col(Voucher.face_value_fen) - col(Voucher.used_fen),
        col(Voucher.programme_id) == programme.id,
        col(Voucher.status).in_(LIVE_STATUSES),
    )


def _paid_fen(session: Session, programme: Programme) -> int:
    """Fen paid out of the programme's pool by settlement rounds, less what clawback cases
    recovered (rule 10). A payout adds to its voucher's used_fen, so what it paid moves from
    reserved to paid; what is recovered returns from paid to available."""
    paid = sum_fen(session, col(Payout.amount_fen), col(Payout.programme_id) == programme.id)
    recovered = sum_fen(
        session,
        col(ClawbackCase.recovered_fen),
        col(ClawbackCase.programme_id) == programme.id,
        col(ClawbackCase.status) == ClawbackStatus.RECOVERED,
    )
    return paid - recovered


class ProgrammeService:
    """Creates, changes and shows programmes; checks their settings against each other and
    against the server's sites."""

    def __init__(
        self, store: RecordStore, sites: SiteRegistry, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock

    def create(self, body: ProgrammeCreate, actor: str) -> ProgrammePublic:
        """Store a new programme and its audit entry."""
        values = body.model_dump()
        self._check(values)
        now = self.clock()
        with self.store.change() as session:
            programme = Programme(**values, created_at=now, updated_at=now)
            session.add(programme)
            session.flush()
            after = _snapshot(programme)
            self.store.log(session, actor, ENTITY, "create", programme.id, None, after)
            return ProgrammePublic.of(programme, programme_balances(session, programme))

    def update(self, programme_id: int, body: ProgrammeUpdate, actor: str) -> ProgrammePublic:
        """Change the fields given; the audit entry holds the programme before and after."""
        changes = body.model_dump(exclude_unset=True)
        for name, value in changes.items():
            if value is None and name != "unit_cap_fen":
                raise Invalid(NOT_NULL.of(name=name), field=name)
        with self.store.change() as session:
            programme = _programme(session, programme_id)
            before = _snapshot(programme)
            self._check({**before, **changes})
            for name, value in changes.items():
                setattr(programme, name, value)
            _pool_covers_vouchers(session, programme)
            programme.updated_at = self.clock()
            session.add(programme)
            session.flush()
            after = _snapshot(programme)
            self.store.log(session, actor, ENTITY, "update", programme_id, before, after)
            return ProgrammePublic.of(programme, programme_balances(session, programme))

    def get(self, programme_id: int) -> ProgrammePublic:
        """One programme with its balances, or NotFound."""
        with Session(self.store.engine) as session:
            programme = _programme(session, programme_id)
            return ProgrammePublic.of(programme, programme_balances(session, programme))

    def list_all(self) -> list[ProgrammePublic]:
        """Every programme with its balances, by id."""
        with Session(self.store.engine) as session:
            return [
                ProgrammePublic.of(p, programme_balances(session, p))
                for p in self.store.all(Programme)
            ]

    def _check(self, values: dict[str, Any]) -> None:
        """Invalid naming the field, for settings that cannot hold together."""
        self._check_geofence(values["geofence_site"], values["geofence_zone"])
        years = [budget["year"] for budget in values["annual_budgets"]]
        repeated = sorted({year for year in years if years.count(year) > 1})
        if repeated:
            raise Invalid(PROGRAMME_YEAR_REPEATED.of(year=repeated[0]), field="annual_budgets")
        for budget in values["annual_budgets"]:
            if budget["budget_fen"] > values["total_pool_fen"]:
                raise Invalid(
                    PROGRAMME_BUDGET_OVER_POOL.of(
                        year=budget["year"],
                        budget_fen=budget["budget_fen"],
                        pool_fen=values["total_pool_fen"],
                    ),
                    field="annual_budgets",
                )
        if values["min_active_days"] > values["min_deployment_days"]:
            raise Invalid(
                PROGRAMME_ACTIVE_OVER_DEPLOYMENT.of(
                    active_days=values["min_active_days"],
                    deployment_days=values["min_deployment_days"],
                ),
                field="min_active_days",
            )

    def _check_geofence(self, site_id: str, zone_id: str) -> None:
        try:
            site = self.sites.get(site_id)
        except NotFound:
            raise Invalid(PROGRAMME_NO_SITE.of(site=site_id), field="geofence_site") from None
        try:
            zone = site.zone(zone_id)
        except KeyError:
            raise Invalid(
                PROGRAMME_NO_ZONE.of(site=site_id, zone=zone_id), field="geofence_zone"
            ) from None
        if zone.kind != ZoneKind.GEOFENCE:
            raise Invalid(
                PROGRAMME_ZONE_NOT_GEOFENCE.of(
                    zone=zone_id, site=site_id, zone_kind=zone.kind.value
                ),
                field="geofence_zone",
            )


def _pool_covers_vouchers(session: Session, programme: Programme) -> None:
    """Conflict if a smaller pool would no longer cover what vouchers and payouts hold."""
    balances = programme_balances(session, programme)
    if balances.available_fen < 0:
        held = balances.reserved_fen + balances.paid_fen
        raise Conflict(
            PROGRAMME_POOL_TOO_SMALL.of(pool_fen=programme.total_pool_fen, held_fen=held),
            field="total_pool_fen",
        )


def _programme(session: Session, programme_id: int) -> Programme:
    return existing(session, Programme, programme_id, PROGRAMME_NOT_FOUND, "programme_id")


def _snapshot(programme: Programme) -> dict[str, Any]:
    return programme.model_dump(mode="json")
