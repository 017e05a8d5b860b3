"""Clawback cases (rule 10): a daily watch over the paid units in their lock-in opens a case,
with its evidence, when a unit was out of service for too long or its serial number turned up
under another holder; officers close cases as recovered or dismissed; every change audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid
from fleet_server.fleet.models.activity import RobotDay
from fleet_server.isolation import LoopFailures
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.evidence import unit_evidence
from fleet_server.vouchers.lockin import (
    OFFLINE,
    OUTSIDE_GEOFENCE,
    LockIn,
    Run,
    overdue_runs,
    pro_rata_fen,
    unit_paid_fen,
)
from fleet_server.vouchers.models.claim import Claim, ClaimStatus
from fleet_server.vouchers.models.clawback import (
    ClawbackCase,
    ClawbackClose,
    ClawbackPublic,
    ClawbackReason,
    ClawbackStatus,
    Recovery,
)
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.programmes import programme_zone
from fleet_server.vouchers.record_store import RecordStore, existing, matching
from fleet_server.vouchers.units import current_unit

ENTITY = "clawback"
WATCH_ACTOR = "system:lock-in-watch"
CLOSE_VERBS = {ClawbackStatus.RECOVERED: "recover", ClawbackStatus.DISMISSED: "dismiss"}


@dataclass(frozen=True)
class PaidUnit:
    """One unit of a paid claim under watch: its claim, payout, paid share and lock-in."""

    claim: Claim
    payout: Payout
    programme: Programme
    serial_number: str
    paid_fen: int
    lock_in: LockIn
    zone: ZoneInfo


@dataclass(frozen=True)
class Finding:
    """What the watch saw that opens a case: why, the first day not served, the evidence."""

    reason: ClawbackReason
    unserved_from: date
    evidence: dict[str, Any]


class ClawbackService:
    """Runs the lock-in watch, and closes and shows clawback cases."""

    def __init__(
        self,
        store: RecordStore,
        sites: SiteRegistry,
        clock: Callable[[], datetime] = utc_now,
        failures: LoopFailures | None = None,
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock
        self.failures = failures or LoopFailures()

    def watch(self, now: datetime | None = None) -> list[ClawbackPublic]:
        """The daily job: look at every paid unit's days from its payout to yesterday within
        its lock-in, and at its current registration; open the cases due and return them.
        Each claim is looked at in its own transaction; one that fails (a record that breaks a
        rule, a site no longer configured, a bug) is recorded and skipped, and tried again at
        the next watch."""
        now = now or self.clock()
        with Session(self.store.engine) as session:
            query = select(Claim.id).where(Claim.status == ClaimStatus.PAID)
            claim_ids = [claim_id for claim_id in session.exec(query.order_by(col(Claim.id)))]
        opened: list[ClawbackPublic] = []
        for claim_id in claim_ids:
            try:
                opened += self._watch_claim(claim_id, now)
            except Exception as exc:
                self.failures.record("lock-in watch", f"claim {claim_id}", exc)
        return opened

    def close(self, case_id: int, body: ClawbackClose, actor: str) -> ClawbackPublic:
        """Close an open case as recovered (the unit's full paid share, or the part for the
        lock-in days it did not serve) or dismissed, with the reason."""
        _check_close(body)
        with self.store.change() as session:
            case = _case(session, case_id)
            if case.status is not ClawbackStatus.OPEN:
                raise Conflict(
                    f"clawback case {case_id} is already {case.status.value}", field="case_id"
                )
            before = case.as_record()
            if body.outcome is ClawbackStatus.RECOVERED:
                assert body.recovery is not None
                _not_recovered_yet(session, case)
                case.recovered_fen = recovery_fen(case, body.recovery)
            case.status = body.outcome
            case.recovery = body.recovery
            case.closed_by = actor
            case.closed_at = self.clock()
            case.close_reason = body.reason.strip()
            session.add(case)
            session.flush()
            verb = CLOSE_VERBS[body.outcome]
            self.store.log(session, actor, ENTITY, verb, case.id, before, case.as_record())
            return ClawbackPublic.of(case)

    def get(self, case_id: int) -> ClawbackPublic:
        """One case, or NotFound."""
        with Session(self.store.engine) as session:
            return ClawbackPublic.of(_case(session, case_id))

    def find(
        self,
        programme_id: int | None = None,
        status: ClawbackStatus | None = None,
        serial_number: str | None = None,
    ) -> list[ClawbackPublic]:
        """The cases matching every filter given, by id."""
        query = matching(
            ClawbackCase, programme_id=programme_id, status=status, serial_number=serial_number
        )
        with Session(self.store.engine) as session:
            return [ClawbackPublic.of(case) for case in session.exec(query)]

    def _watch_claim(self, claim_id: int, now: datetime) -> list[ClawbackPublic]:
        """Open the cases due for one paid claim's units, in one transaction."""
        opened = []
        with self.store.change() as session:
            for unit in self._paid_units(session, claim_id):
                cases = _cases_of(session, unit)
                if any(case.status is ClawbackStatus.RECOVERED for case in cases):
                    continue  # the unit's money is back: its lock-in is no longer watched
                for finding in self._findings(session, unit, now):
                    if _is_new(finding, cases):
                        case = self._open(session, unit, finding, now)
                        cases.append(case)
                        opened.append(ClawbackPublic.of(case))
        return opened

    def _paid_units(self, session: Session, claim_id: int) -> list[PaidUnit]:
        """The claim's units with their paid shares and lock-in."""
        claim = session.get(Claim, claim_id)
        assert claim is not None
        payout = session.exec(select(Payout).where(Payout.claim_id == claim_id)).one()
        programme = session.get(Programme, claim.programme_id)
        contract = session.get(Contract, claim.contract_id)
        assert programme is not None and contract is not None
        zone = programme_zone(self.sites, programme)
        payout_day = payout.paid_at.astimezone(zone).date()
        lock_in = LockIn.after_payout(payout_day, programme.lock_in_months)
        return [
            PaidUnit(
                claim=claim,
                payout=payout,
                programme=programme,
                serial_number=item["serial_number"],
                paid_fen=unit_paid_fen(payout.amount_fen, item["amount_fen"], contract.amount_fen),
                lock_in=lock_in,
                zone=zone,
            )
            for item in contract.line_items
        ]

    def _findings(self, session: Session, unit: PaidUnit, now: datetime) -> list[Finding]:
        """Every reason the watch sees today to open a case for the unit, oldest first."""
        today = now.astimezone(unit.zone).date()
        return [*_out_of_service(session, unit, today), *_other_holder(session, unit)]

    def _open(
        self, session: Session, unit: PaidUnit, finding: Finding, now: datetime
    ) -> ClawbackCase:
        """Store a new open case and its audit entry."""
        case = ClawbackCase(
            programme_id=unit.programme.id or 0,
            claim_id=unit.claim.id or 0,
            payout_id=unit.payout.id or 0,
            serial_number=unit.serial_number,
            holder_id=unit.claim.holder_id,
            reason=finding.reason,
            opened_at=now,
            lock_in_from=unit.lock_in.start,
            lock_in_until=unit.lock_in.until,
            unserved_from=finding.unserved_from,
            unit_paid_fen=unit.paid_fen,
            evidence=finding.evidence,
        )
        session.add(case)
        session.flush()
        self.store.log(session, WATCH_ACTOR, ENTITY, "open", case.id, None, case.as_record())
        return case


def recovery_fen(case: ClawbackCase, recovery: Recovery) -> int:
    """What closing the case as recovered takes back, in fen."""
    if recovery is Recovery.FULL:
        return case.unit_paid_fen
    lock_in = LockIn(case.lock_in_from, case.lock_in_until)
    return pro_rata_fen(case.unit_paid_fen, lock_in, case.unserved_from)


def _out_of_service(session: Session, unit: PaidUnit, today: date) -> list[Finding]:
    """The out-of-service runs over the programme's limit, as findings with their days."""
    programme = unit.programme
    registration = _holder_registration(session, unit)
    reported: dict[date, dict[str, Any]] = {}
    if registration is not None:
        end = unit.lock_in.watched_until(today)
        rows = session.exec(
            select(RobotDay)
            .where(RobotDay.serial_number == registration.robot)
            .where(col(RobotDay.day) >= unit.lock_in.start)
            .where(col(RobotDay.day) < end)
        ).all()
        # The claim's own evidence figures: geofence time counts only at the geofence site.
        days = unit_evidence(registration, rows, programme, end).days
        reported = {date.fromisoformat(day["day"]): day for day in days}
    runs = overdue_runs(
        reported, unit.lock_in, today, programme.min_geofence_share_bp, programme.clawback_days
    )
    return [
        Finding(
            ClawbackReason.OUT_OF_SERVICE, run.first_day, _run_evidence(unit, registration, run)
        )
        for run in runs
    ]


def _run_evidence(unit: PaidUnit, registration: DeployedUnit | None, run: Run) -> dict[str, Any]:
    programme = unit.programme
    return {
        "rule": 10,
        "robot": None if registration is None else registration.robot,
        "unit_registration_id": None if registration is None else registration.id,
        "geofence": {"site": programme.geofence_site, "zone": programme.geofence_zone},
        "min_geofence_share_bp": programme.min_geofence_share_bp,
        "clawback_days": programme.clawback_days,
        "first_day": run.first_day.isoformat(),
        "last_day": run.last_day.isoformat(),
        "days_out_of_service": run.length,
        "offline_days": run.count(OFFLINE),
        "outside_geofence_days": run.count(OUTSIDE_GEOFENCE),
        "days": run.days,
    }


def _other_holder(session: Session, unit: PaidUnit) -> list[Finding]:
    """A finding when the serial number's current registration is another holder's and began
    before the lock-in ended."""
    current = current_unit(session, unit.serial_number)
    if current is None or current.holder_id == unit.claim.holder_id:
        return []
    began = current.registered_at.astimezone(unit.zone).date()
    if began >= unit.lock_in.until:
        return []
    unserved_from = max(began, unit.lock_in.start)
    evidence = {
        "rule": 10,
        "claim_holder_id": unit.claim.holder_id,
        "other_holder_id": current.holder_id,
        "registration": current.as_record(),
        "registered_on": began.isoformat(),
        "first_day": unserved_from.isoformat(),
    }
    return [Finding(ClawbackReason.OTHER_HOLDER, unserved_from, evidence)]


def _holder_registration(session: Session, unit: PaidUnit) -> DeployedUnit | None:
    """The latest registration of the unit's serial number with the claim's holder, if any:
    the fleet robot reporting for it while the holder had it."""
    query = (
        select(DeployedUnit)
        .where(DeployedUnit.serial_number == unit.serial_number)
        .where(DeployedUnit.holder_id == unit.claim.holder_id)
        .order_by(col(DeployedUnit.id).desc())
    )
    registration: DeployedUnit | None = session.exec(query).first()
    return registration


def _marker(reason: ClawbackReason, evidence: dict[str, Any]) -> str:
    """What a case is about: the run (its first day) or the other holder's registration."""
    if reason is ClawbackReason.OTHER_HOLDER:
        return str(evidence["registration"]["id"])
    return str(evidence["first_day"])


def _is_new(finding: Finding, cases: list[ClawbackCase]) -> bool:
    """Whether a finding opens a case: none open for its reason, and none ever for the same
    run or registration (a dismissed run is not reopened)."""
    same_reason = [case for case in cases if case.reason is finding.reason]
    if any(case.status is ClawbackStatus.OPEN for case in same_reason):
        return False
    marker = _marker(finding.reason, finding.evidence)
    return all(_marker(case.reason, case.evidence) != marker for case in same_reason)


def _cases_of(session: Session, unit: PaidUnit) -> list[ClawbackCase]:
    query = (
        select(ClawbackCase)
        .where(ClawbackCase.claim_id == unit.claim.id)
        .where(ClawbackCase.serial_number == unit.serial_number)
        .order_by(col(ClawbackCase.id))
    )
    return list(session.exec(query))


def _check_close(body: ClawbackClose) -> None:
    """Invalid, naming the field, for an outcome and recovery that do not go together."""
    if body.outcome is ClawbackStatus.OPEN:
        raise Invalid("outcome: a case is closed as recovered or dismissed", field="outcome")
    if body.outcome is ClawbackStatus.RECOVERED and body.recovery is None:
        raise Invalid("recovery: a recovered case needs full or pro_rata", field="recovery")
    if body.outcome is ClawbackStatus.DISMISSED and body.recovery is not None:
        raise Invalid("recovery: a dismissed case recovers nothing; leave it out", field="recovery")
    if not body.reason.strip():
        raise Invalid("reason: say why the case is closed", field="reason")


def _not_recovered_yet(session: Session, case: ClawbackCase) -> None:
    """Conflict if another case already recovered this unit's payout."""
    query = (
        select(ClawbackCase.id)
        .where(ClawbackCase.claim_id == case.claim_id)
        .where(ClawbackCase.serial_number == case.serial_number)
        .where(ClawbackCase.status == ClawbackStatus.RECOVERED)
    )
    earlier = session.exec(query).first()
    if earlier is not None:
        raise Conflict(
            f"unit {case.serial_number} of claim {case.claim_id} was already recovered in case "
            f"{earlier}; dismiss case {case.id} instead",
            field="case_id",
        )


def _case(session: Session, case_id: int) -> ClawbackCase:
    return existing(session, ClawbackCase, case_id, "clawback case", "case_id")
