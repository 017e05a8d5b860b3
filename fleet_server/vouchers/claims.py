"""Claims: filed for a contract's units, checked against every rule from the records and the
fleet's telemetry at once (auto_verified, 秒批, or needs_review), then approved with a public
notice or rejected by an officer; each change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.fleet.models.activity import RobotDay
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.claim_checks import CONTRACT, INVOICE, SERIAL, ClaimFacts, check_claim
from fleet_server.vouchers.evidence import (
    DayFigures,
    UnitEvidence,
    digest,
    evidence_pack,
    unit_evidence,
)
from fleet_server.vouchers.models.claim import (
    OPEN_STATUSES,
    Claim,
    ClaimApprove,
    ClaimKey,
    ClaimPublic,
    ClaimReject,
    ClaimStatus,
)
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.models.voucher import Voucher
from fleet_server.vouchers.record_store import RecordStore, existing, matching
from fleet_server.vouchers.units import current_unit

ENTITY = "claim"
UNDECIDED = (ClaimStatus.AUTO_VERIFIED, ClaimStatus.NEEDS_REVIEW)


def programme_zone(sites: SiteRegistry, programme: Programme) -> ZoneInfo:
    """The timezone the programme's days and years are counted in: its geofence site's."""
    return ZoneInfo(sites.get(programme.geofence_site).timezone)


def sum_fen(session: Session, column: Any, *where: Any) -> int:
    """The sum of a fen column over the rows matching `where`, 0 when none."""
    query = select(func.coalesce(func.sum(column), 0))
    for condition in where:
        query = query.where(condition)
    # PostgreSQL sums BIGINT into NUMERIC (a Decimal here): back to an integer of fen.
    return int(session.exec(query).one())


class ClaimService:
    """Files, re-checks, decides and shows claims, and serves their evidence packs."""

    def __init__(
        self,
        store: RecordStore,
        sites: SiteRegistry,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock

    def file(self, contract_id: int, actor: str) -> ClaimPublic:
        """File a claim for every unit of the contract; it is checked in the same transaction."""
        now = self.clock()
        with self.store.change() as session:
            contract = session.get(Contract, contract_id)
            if contract is None:
                raise NotFound(f"contract_id: no contract {contract_id}", field="contract_id")
            voucher = session.get(Voucher, contract.voucher_id)
            assert voucher is not None
            claim = Claim(
                programme_id=voucher.programme_id,
                contract_id=contract_id,
                voucher_id=voucher.id,
                holder_id=voucher.holder_id,
                supplier_id=contract.supplier_id,
                serial_numbers=[item["serial_number"] for item in contract.line_items],
                filed_at=now,
                filed_by=actor,
                status=ClaimStatus.NEEDS_REVIEW,
                subsidy_fen=0,
                checked_at=now,
                evidence="",
                evidence_sha256="",
            )
            session.add(claim)
            session.flush()
            self._check(session, claim, contract, voucher)
            self.store.log(session, actor, ENTITY, "file", claim.id, None, claim.as_record())
            return ClaimPublic.of(claim)

    def recheck(self, claim_id: int, actor: str) -> ClaimPublic:
        """Check an undecided claim again (say, after its papers were completed); its window
        still ends on the day it was filed."""
        with self.store.change() as session:
            claim = _claim(session, claim_id)
            _expect(claim, UNDECIDED, "re-checked")
            before = claim.as_record()
            contract = session.get(Contract, claim.contract_id)
            voucher = session.get(Voucher, claim.voucher_id)
            assert contract is not None and voucher is not None
            self._check(session, claim, contract, voucher)
            self.store.log(session, actor, ENTITY, "recheck", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def approve(self, claim_id: int, body: ClaimApprove, actor: str) -> ClaimPublic:
        """Approve an auto-verified claim, or one needing review with a reason (its failed rules
        are recorded as overridden). A claim whose contract, invoice or serial number another
        claim holds, or that would pay nothing, cannot be approved. The public notice starts."""
        with self.store.change() as session:
            claim = _claim(session, claim_id)
            _expect(claim, UNDECIDED, "approved")
            failed = claim.failed_rules()
            if failed and not (body.reason and body.reason.strip()):
                raise Invalid(
                    f"reason: claim {claim_id} failed rule(s) {_rules(failed)}; approving it "
                    "needs a reason",
                    field="reason",
                )
            if not _holds_keys(session, claim):
                raise Conflict(
                    f"claim {claim_id} shares its contract, an invoice or a serial number with "
                    "another claim (rule 7); reject one of them first",
                    field="claim_id",
                )
            if claim.subsidy_fen <= 0:
                raise Conflict(f"claim {claim_id} would pay nothing (rule 6)", field="claim_id")
            programme = session.get(Programme, claim.programme_id)
            assert programme is not None
            before = claim.as_record()
            now = self.clock()
            claim.status = ClaimStatus.APPROVED
            claim.overridden_rules = failed
            claim.notice_from = now
            claim.notice_until = now + timedelta(days=programme.public_notice_days)
            _decide(claim, actor, now, body.reason, body.decision_reference)
            session.add(claim)
            session.flush()
            self.store.log(session, actor, ENTITY, "approve", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def reject(self, claim_id: int, body: ClaimReject, actor: str) -> ClaimPublic:
        """Reject an undecided claim, or an approved one not yet paid (an objection during its
        notice); its contract, invoices and serial numbers become claimable again."""
        if not body.reason.strip():
            raise Invalid("reason: say why the claim is rejected", field="reason")
        with self.store.change() as session:
            claim = _claim(session, claim_id)
            _expect(claim, OPEN_STATUSES, "rejected")
            before = claim.as_record()
            claim.status = ClaimStatus.REJECTED
            _decide(claim, actor, self.clock(), body.reason, body.decision_reference)
            session.exec(delete(ClaimKey).where(col(ClaimKey.claim_id) == claim.id))
            session.add(claim)
            session.flush()
            self.store.log(session, actor, ENTITY, "reject", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def get(self, claim_id: int) -> ClaimPublic:
        """One claim, or NotFound."""
        with Session(self.store.engine) as session:
            return ClaimPublic.of(_claim(session, claim_id))

    def find(
        self,
        programme_id: int | None = None,
        holder_id: int | None = None,
        status: ClaimStatus | None = None,
    ) -> list[ClaimPublic]:
        """The claims matching every filter given, by id."""
        query = matching(Claim, programme_id=programme_id, holder_id=holder_id, status=status)
        with Session(self.store.engine) as session:
            return [ClaimPublic.of(claim) for claim in session.exec(query)]

    def evidence(self, claim_id: int) -> tuple[str, str]:
        """The claim's evidence pack exactly as hashed, and the digest stored with the claim."""
        with Session(self.store.engine) as session:
            claim = _claim(session, claim_id)
            return claim.evidence, claim.evidence_sha256

    def verify_evidence(self, claim_id: int) -> dict[str, Any]:
        """Whether the stored pack still hashes to its digest, and whether the fleet's activity
        records today still give the same pack (they are added to, never rewritten)."""
        with Session(self.store.engine) as session:
            claim = _claim(session, claim_id)
            contract = session.get(Contract, claim.contract_id)
            programme = session.get(Programme, claim.programme_id)
            assert contract is not None and programme is not None
            (rebuilt, _), _ = self._pack(session, claim, contract, programme)
            return {
                "claim_id": claim_id,
                "evidence_sha256": claim.evidence_sha256,
                "pack_matches_digest": digest(claim.evidence) == claim.evidence_sha256,
                "telemetry_matches_pack": rebuilt == claim.evidence,
            }

    def _check(self, session: Session, claim: Claim, contract: Contract, voucher: Voucher) -> None:
        """Run every rule's check on the claim and store the results, the subsidy, the status,
        the evidence pack and (when free) the claim's hold on its numbers."""
        programme = session.get(Programme, claim.programme_id)
        holder = session.get(Enterprise, claim.holder_id)
        supplier = session.get(Institution, claim.supplier_id)
        assert programme is not None and holder is not None and supplier is not None
        zone = programme_zone(self.sites, programme)
        filed_on = filed_day(claim, zone)
        year = filed_on.year
        pack, units = self._pack(session, claim, contract, programme)
        open_claims = (col(Claim.status).in_(OPEN_STATUSES), col(Claim.id) != claim.id)
        facts = ClaimFacts(
            programme=programme,
            voucher=voucher,
            contract=contract,
            holder=holder,
            supplier=supplier,
            affiliated=self.store.institutions_of(session, holder.id or 0),
            filed_at=claim.filed_at,
            filed_on=filed_on,
            units={serial: current_unit(session, serial) for serial in claim.serial_numbers},
            evidence=units,
            taken=_taken(session, claim, contract),
            holder_paid_in_year=sum_fen(
                session,
                Payout.amount_fen,
                col(Payout.holder_id) == holder.id,
                col(Payout.year) == year,
            ),
            holder_open_fen=sum_fen(
                session, Claim.subsidy_fen, col(Claim.holder_id) == holder.id, *open_claims
            ),
            voucher_open_fen=sum_fen(
                session, Claim.subsidy_fen, col(Claim.voucher_id) == voucher.id, *open_claims
            ),
            year_budget_fen=_year_budget(programme, year),
            year_paid_fen=sum_fen(
                session,
                Payout.amount_fen,
                col(Payout.programme_id) == programme.id,
                col(Payout.year) == year,
            ),
        )
        checks, subsidy = check_claim(facts)
        claim.checks = [check.model_dump(mode="json") for check in checks]
        claim.subsidy_fen = subsidy
        claim.checked_at = self.clock()
        claim.evidence, claim.evidence_sha256 = pack[0], pack[1]
        claim.status = (
            ClaimStatus.AUTO_VERIFIED
            if all(check.passed for check in checks)
            else ClaimStatus.NEEDS_REVIEW
        )
        if not facts.taken:
            _hold_keys(session, claim, contract)
        session.add(claim)
        session.flush()

    def _pack(
        self, session: Session, claim: Claim, contract: Contract, programme: Programme
    ) -> tuple[tuple[str, str], list[UnitEvidence]]:
        """The claim's evidence pack (text, digest) and each unit's evidence."""
        zone = programme_zone(self.sites, programme)
        filed_on = filed_day(claim, zone)
        registered = [current_unit(session, serial) for serial in claim.serial_numbers]
        units = [unit for unit in registered if unit is not None]
        days = _robot_days(session, units, filed_on)
        evidence = [
            unit_evidence(unit, days.get(unit.robot, []), programme, filed_on) for unit in units
        ]
        header = {
            "claim_id": claim.id,
            "programme_id": programme.id,
            "contract_number": contract.contract_number,
            "voucher_id": claim.voucher_id,
            "holder_id": claim.holder_id,
            "filed_at": claim.filed_at.isoformat(),
            "filed_on": filed_on.isoformat(),
            "timezone": str(zone),
            "geofence": {"site": programme.geofence_site, "zone": programme.geofence_zone},
        }
        return evidence_pack(header, evidence), evidence


def _robot_days(
    session: Session, units: list[DeployedUnit], until: date
) -> dict[str, list[DayFigures]]:
    """The units' robots' days from the earliest commissioning up to (not including) `until`,
    by robot, in one query of plain columns (a large claim reads a hundred thousand days)."""
    if not units:
        return {}
    query = (
        sa_select(
            *(
                col(column)
                for column in (
                    RobotDay.serial_number,
                    RobotDay.day,
                    RobotDay.site_id,
                    RobotDay.seconds_online,
                    RobotDay.seconds_active,
                    RobotDay.zone_seconds,
                    RobotDay.missions_completed,
                    RobotDay.distance_m,
                )
            )
        )
        .where(col(RobotDay.serial_number).in_({unit.robot for unit in units}))
        .where(col(RobotDay.day) >= min(unit.commissioned_on for unit in units))
        .where(col(RobotDay.day) < until)
    )
    days: dict[str, list[DayFigures]] = {}
    for row in session.connection().execute(query):
        days.setdefault(row.serial_number, []).append(row)
    return days


def _year_budget(programme: Programme, year: int) -> int | None:
    for budget in programme.annual_budgets:
        if budget["year"] == year:
            return int(budget["budget_fen"])
    return None


def _keys(claim: Claim, contract: Contract) -> list[tuple[str, str]]:
    """The numbers a claim must hold alone: its contract's, its invoices', its serials'."""
    keys = [(CONTRACT, contract.contract_number)]
    keys += [(INVOICE, str(invoice["number"])) for invoice in contract.invoices]
    keys += [(SERIAL, serial) for serial in claim.serial_numbers]
    return keys


def _taken(session: Session, claim: Claim, contract: Contract) -> dict[tuple[str, str], int]:
    """Which of the claim's numbers another claim holds, and which claim."""
    taken = {}
    for kind, value in _keys(claim, contract):
        holder = session.exec(
            select(ClaimKey).where(ClaimKey.kind == kind).where(ClaimKey.value == value)
        ).first()
        if holder is not None and holder.claim_id != claim.id:
            taken[(kind, value)] = holder.claim_id
    return taken


def _hold_keys(session: Session, claim: Claim, contract: Contract) -> None:
    """Hold the claim's numbers (again: a re-check replaces them, say after new invoices)."""
    assert claim.id is not None
    session.exec(delete(ClaimKey).where(col(ClaimKey.claim_id) == claim.id))
    for kind, value in _keys(claim, contract):
        session.add(ClaimKey(kind=kind, value=value, claim_id=claim.id))
    session.flush()


def _holds_keys(session: Session, claim: Claim) -> bool:
    contract = session.get(Contract, claim.contract_id)
    assert contract is not None
    held = session.exec(select(ClaimKey).where(ClaimKey.claim_id == claim.id)).all()
    return {(key.kind, key.value) for key in held} == set(_keys(claim, contract))


def _decide(
    claim: Claim, actor: str, now: datetime, reason: str | None, reference: str | None
) -> None:
    claim.decided_by = actor
    claim.decided_at = now
    claim.decision_reason = reason.strip() if reason else None
    claim.decision_reference = reference


def _expect(claim: Claim, statuses: tuple[ClaimStatus, ...], verb: str) -> None:
    if claim.status not in statuses:
        allowed = ", ".join(status.value for status in statuses)
        raise Conflict(
            f"claim {claim.id} is {claim.status.value}; only {allowed} claims can be {verb}",
            field="claim_id",
        )


def _rules(rules: list[int]) -> str:
    return ", ".join(str(rule) for rule in rules)


def _claim(session: Session, claim_id: int) -> Claim:
    return existing(session, Claim, claim_id, "claim", "claim_id")


def filed_day(claim: Claim, zone: ZoneInfo) -> date:
    """The local day a claim was filed."""
    return claim.filed_at.astimezone(zone).date()
