"""The rules a claim must meet (CONTEXT.md, rules 2-9), checked from facts gathered beforehand:
no database here. Each check says in words what held or did not, with the figures behind it."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fleet_server.vouchers.evidence import UnitEvidence
from fleet_server.vouchers.models.claim import RuleCheck
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.models.voucher import LIVE_STATUSES, Voucher

CONTRACT, INVOICE, SERIAL = "contract", "invoice", "serial"


def yuan(fen: int) -> str:
    """An amount in fen written as yuan for people: 1234567 -> '12,345.67 yuan'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d} yuan"


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class ClaimFacts:
    """Everything the checks look at, read in the claim's transaction."""

    programme: Programme
    voucher: Voucher
    contract: Contract
    holder: Enterprise
    supplier: Institution
    affiliated: list[int]
    filed_at: datetime
    filed_on: date
    # The current registration of each contract serial number, if any.
    units: dict[str, DeployedUnit | None]
    evidence: list[UnitEvidence]
    # Contract, invoice and serial numbers already held by another open or paid claim.
    taken: dict[tuple[str, str], int]
    holder_paid_in_year: int
    holder_open_fen: int
    voucher_open_fen: int
    year_budget_fen: int | None
    year_paid_fen: int


def check_claim(facts: ClaimFacts) -> tuple[list[RuleCheck], int]:
    """Every rule's check in order, and the subsidy (rule 6, before any round's cut)."""
    subsidy_check, subsidy = _rule_6(facts)
    checks = [
        _rule_2(facts),
        _rule_3(facts),
        _rule_4(facts),
        _rule_5(facts),
        subsidy_check,
        _rule_7_papers(facts),
        _rule_7_once(facts),
        _rule_8(facts),
        _rule_9(facts),
    ]
    return checks, subsidy


def _check(rule: int, title: str, problems: Sequence[str], ok: str, **figures: object) -> RuleCheck:
    return RuleCheck(
        rule=rule,
        title=title,
        passed=not problems,
        message="; ".join(problems) if problems else ok,
        figures=dict(figures),
    )


def _rule_2(facts: ClaimFacts) -> RuleCheck:
    year = facts.filed_on.year
    if facts.year_budget_fen is None:
        problems = [f"the programme has no budget for {year}"]
        left = 0
    else:
        left = facts.year_budget_fen - facts.year_paid_fen
        problems = [] if left > 0 else [f"the {year} budget is used up"]
    return _check(
        2,
        "Annual budget left",
        problems,
        f"{yuan(left)} of the {year} budget is left; if a round's claims exceed it, each is "
        "cut by the same factor",
        year=year,
        budget_fen=facts.year_budget_fen,
        paid_fen=facts.year_paid_fen,
        left_fen=left,
    )


def _rule_3(facts: ClaimFacts) -> RuleCheck:
    holder = facts.holder
    problems = []
    if not holder.registered_in_district:
        problems.append(f"the holder {holder.name} is not registered in the district")
    if holder.blacklisted:
        problems.append(f"the holder {holder.name} is blacklisted")
    return _check(
        3,
        "Holder eligible",
        problems,
        f"the holder {holder.name} ({holder.uscc}) is registered in the district and not "
        "blacklisted",
        holder_id=holder.id,
        uscc=holder.uscc,
        registered_in_district=holder.registered_in_district,
        blacklisted=holder.blacklisted,
    )


def _rule_4(facts: ClaimFacts) -> RuleCheck:
    supplier, holder = facts.supplier, facts.holder
    problems = []
    if supplier.blacklisted:
        problems.append(f"the supplier {supplier.name} is blacklisted")
    if supplier.uscc == holder.uscc:
        problems.append(f"the supplier {supplier.name} is the holder itself (same credit code)")
    if supplier.id in facts.affiliated:
        problems.append(f"the supplier {supplier.name} is affiliated with the holder")
    catalogue = {str(entry.get("model")) for entry in supplier.catalogue}
    models = [item["model"] for item in facts.contract.line_items]
    outside = [model for model in models if model not in catalogue]
    if outside:
        problems.append(
            f"model(s) {', '.join(sorted(set(outside)))} are not in the supplier's catalogue"
        )
    return _check(
        4,
        "Supplier eligible",
        problems,
        f"the supplier {supplier.name} is independent of the holder and supplies catalogue models",
        supplier_id=supplier.id,
        uscc=supplier.uscc,
        affiliated=supplier.id in facts.affiliated,
        models_outside_catalogue=sorted(set(outside)),
    )


def _rule_5(facts: ClaimFacts) -> RuleCheck:
    voucher = facts.voucher
    problems = []
    if voucher.status not in LIVE_STATUSES:
        problems.append(f"voucher {voucher.id} is {voucher.status.value}")
    elif facts.filed_at > voucher.valid_until:
        problems.append(
            f"voucher {voucher.id} expired on {voucher.valid_until.date().isoformat()}, before "
            "the claim was filed"
        )
    return _check(
        5,
        "Voucher valid",
        problems,
        f"voucher {voucher.id} is {voucher.status.value} and valid until "
        f"{voucher.valid_until.date().isoformat()}",
        voucher_id=voucher.id,
        status=voucher.status.value,
        valid_until=voucher.valid_until.isoformat(),
    )


def _rule_6(facts: ClaimFacts) -> tuple[RuleCheck, int]:
    programme, voucher = facts.programme, facts.voucher
    limits = {
        f"{programme.ratio_bp / 100:g}% of the contract amount": facts.contract.amount_fen
        * programme.ratio_bp
        // 10_000,
        "the voucher's unused value": voucher.face_value_fen
        - voucher.used_fen
        - facts.voucher_open_fen,
        "the holder's remaining annual cap": programme.enterprise_annual_cap_fen
        - facts.holder_paid_in_year
        - facts.holder_open_fen,
    }
    if programme.unit_cap_fen is not None:
        units = len(facts.contract.line_items)
        limits[f"the per-unit cap x {units} units"] = programme.unit_cap_fen * units
    subsidy = max(0, min(limits.values()))
    binding = min(limits, key=lambda name: limits[name])
    figures = {
        "contract_fen": facts.contract.amount_fen,
        "ratio_bp": programme.ratio_bp,
        "limits_fen": dict(limits),
        "holder_paid_in_year_fen": facts.holder_paid_in_year,
        "holder_open_claims_fen": facts.holder_open_fen,
        "voucher_open_claims_fen": facts.voucher_open_fen,
        "subsidy_fen": subsidy,
    }
    problems = [] if subsidy > 0 else [f"nothing can be paid: {binding} is {yuan(limits[binding])}"]
    check = _check(
        6,
        "Subsidy",
        problems,
        f"the subsidy is {yuan(subsidy)}, set by {binding}",
        **figures,
    )
    return check, subsidy


def _rule_7_papers(facts: ClaimFacts) -> RuleCheck:
    contract = facts.contract
    invoiced = sum(invoice["amount_fen"] for invoice in contract.invoices)
    paid = sum(proof["amount_fen"] for proof in contract.payment_proofs)
    problems = []
    if invoiced < contract.amount_fen:
        problems.append(
            f"invoices cover {yuan(invoiced)} of the {yuan(contract.amount_fen)} contract"
        )
    if paid < contract.amount_fen:
        problems.append(
            f"payment proofs cover {yuan(paid)} of the {yuan(contract.amount_fen)} contract"
        )
    if contract.acceptance is None:
        problems.append("the contract has no acceptance record")
    return _check(
        7,
        "Papers complete",
        problems,
        "invoices and payments cover the full amount and the units were accepted",
        contract_fen=contract.amount_fen,
        invoiced_fen=invoiced,
        paid_fen=paid,
        accepted=contract.acceptance is not None,
        serial_numbers=[item["serial_number"] for item in contract.line_items],
    )


def _rule_7_once(facts: ClaimFacts) -> RuleCheck:
    names = {CONTRACT: "contract", INVOICE: "invoice", SERIAL: "serial number"}
    problems = [
        f"{names[kind]} {value} is already claimed by claim {claim_id}"
        for (kind, value), claim_id in sorted(facts.taken.items())
    ]
    return _check(
        7,
        "Claimed once only",
        problems,
        "neither the contract nor any of its invoices or serial numbers was claimed before",
        already_claimed=[
            {"kind": kind, "value": value, "claim_id": claim_id}
            for (kind, value), claim_id in sorted(facts.taken.items())
        ],
    )


def _rule_8(facts: ClaimFacts) -> RuleCheck:
    programme = facts.programme
    problems = []
    for serial, unit in facts.units.items():
        if unit is None:
            problems.append(f"unit {serial} is not registered as deployed")
        elif unit.holder_id != facts.holder.id:
            problems.append(f"unit {serial} is registered to another holder")
    per_unit = []
    for seen in facts.evidence:
        share = seen.geofence_share_bp
        per_unit.append(
            {
                "serial_number": seen.serial_number,
                "deployment_days": seen.deployment_days,
                "active_days": seen.active_days,
                "geofence_share_bp": share,
            }
        )
        if seen.deployment_days < programme.min_deployment_days:
            problems.append(
                f"unit {seen.serial_number} was deployed {seen.deployment_days} days, fewer "
                f"than {programme.min_deployment_days}"
            )
        if seen.active_days < programme.min_active_days:
            problems.append(
                f"unit {seen.serial_number} was active on {seen.active_days} days, fewer than "
                f"{programme.min_active_days}"
            )
        if share is None:
            problems.append(f"unit {seen.serial_number} has no telemetry")
        elif share < programme.min_geofence_share_bp:
            problems.append(
                f"unit {seen.serial_number} was inside the geofence {share / 100:.2f}% of its "
                f"reported time, less than {programme.min_geofence_share_bp / 100:g}%"
            )
    return _check(
        8,
        "Real use shown by telemetry",
        problems,
        f"every unit was deployed at least {programme.min_deployment_days} days, active on at "
        f"least {programme.min_active_days} and inside the geofence at least "
        f"{programme.min_geofence_share_bp / 100:g}% of its reported time",
        min_deployment_days=programme.min_deployment_days,
        min_active_days=programme.min_active_days,
        min_geofence_share_bp=programme.min_geofence_share_bp,
        units=per_unit,
    )


def _rule_9(facts: ClaimFacts) -> RuleCheck:
    months = facts.programme.claim_deadline_months
    dates = sorted(date.fromisoformat(str(invoice["date"])) for invoice in facts.contract.invoices)
    if not dates:
        return _check(9, "Filed in time", ["the contract has no invoice to count from"], "")
    deadline = add_months(dates[0], months)
    problems = []
    if facts.filed_on > deadline:
        problems.append(
            f"filed on {facts.filed_on.isoformat()}, after the deadline {deadline.isoformat()} "
            f"({months} months from the invoice of {dates[0].isoformat()})"
        )
    return _check(
        9,
        "Filed in time",
        problems,
        f"filed on {facts.filed_on.isoformat()}, by the deadline {deadline.isoformat()}",
        first_invoice_date=dates[0].isoformat(),
        deadline=deadline.isoformat(),
        filed_on=facts.filed_on.isoformat(),
    )
