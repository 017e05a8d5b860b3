"""A claim's evidence pack from the fleet's activity records: its units' days up to the day it
was filed, read in one query, with the claim's header, as text and digest."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from fleet_server.fleet.models.activity import RobotDay
from fleet_server.vouchers.evidence import DayFigures, UnitEvidence, evidence_pack, unit_evidence
from fleet_server.vouchers.models.claim import Claim
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.units import current_unit


def claim_pack(
    session: Session, claim: Claim, contract: Contract, programme: Programme, zone: ZoneInfo
) -> tuple[tuple[str, str], list[UnitEvidence]]:
    """The claim's evidence pack (text, digest) and each unit's evidence."""
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


def filed_day(claim: Claim, zone: ZoneInfo) -> date:
    """The local day a claim was filed."""
    return claim.filed_at.astimezone(zone).date()


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
