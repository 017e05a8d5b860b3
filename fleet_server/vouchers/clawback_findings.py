"""What the lock-in watch finds for a paid unit (rule 10): a run of days out of service longer
than the programme allows, or its serial number registered to another holder; each finding with
its evidence, and whether it opens a new case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from fleet_server.fleet.models.activity import RobotDay
from fleet_server.vouchers.evidence import unit_evidence
from fleet_server.vouchers.lockin import OFFLINE, OUTSIDE_GEOFENCE, LockIn, Run, overdue_runs
from fleet_server.vouchers.models.claim import Claim
from fleet_server.vouchers.models.clawback import ClawbackCase, ClawbackReason, ClawbackStatus
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.units import current_unit


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


def unit_findings(session: Session, unit: PaidUnit, now: datetime) -> list[Finding]:
    """Every reason the watch sees today to open a case for the unit, oldest first."""
    today = now.astimezone(unit.zone).date()
    return [*_out_of_service(session, unit, today), *_other_holder(session, unit)]


def opens_case(finding: Finding, cases: list[ClawbackCase]) -> bool:
    """Whether a finding opens a case: none open for its reason, and none ever for the same
    run or registration (a dismissed run is not reopened)."""
    same_reason = [case for case in cases if case.reason is finding.reason]
    if any(case.status is ClawbackStatus.OPEN for case in same_reason):
        return False
    marker = _marker(finding.reason, finding.evidence)
    return all(_marker(case.reason, case.evidence) != marker for case in same_reason)


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
