"""The rules a claim must meet (CONTEXT.md, rules 2-9), checked from facts gathered beforehand:
no database here. Each check says what held or did not, as phrases with parameters (texts.py)
and in English, with the figures behind it."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fleet_server.texts import Text
from fleet_server.vouchers.evidence import UnitEvidence
from fleet_server.vouchers.models.claim import RuleCheck
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.unit import DeployedUnit
from fleet_server.vouchers.models.voucher import LIVE_STATUSES, Voucher
from fleet_server.vouchers.texts import (
    FOUND_ACTIVE_TOO_LITTLE,
    FOUND_BUDGET_LEFT,
    FOUND_BUDGET_USED_UP,
    FOUND_CLAIMED_ONCE,
    FOUND_CONTRACT_TAKEN,
    FOUND_DEPLOYED_TOO_SHORT,
    FOUND_FILED_IN_TIME,
    FOUND_FILED_LATE,
    FOUND_HOLDER_BLACKLISTED,
    FOUND_HOLDER_ELIGIBLE,
    FOUND_HOLDER_OUTSIDE,
    FOUND_INVOICE_TAKEN,
    FOUND_INVOICES_SHORT,
    FOUND_MODELS_OUTSIDE,
    FOUND_NO_ACCEPTANCE,
    FOUND_NO_BUDGET,
    FOUND_NO_INVOICE,
    FOUND_NO_TELEMETRY,
    FOUND_NOTHING_PAYABLE,
    FOUND_OUTSIDE_GEOFENCE,
    FOUND_PAPERS_COMPLETE,
    FOUND_PAYMENTS_SHORT,
    FOUND_REAL_USE,
    FOUND_SERIAL_TAKEN,
    FOUND_SUBSIDY,
    FOUND_SUPPLIER_AFFILIATED,
    FOUND_SUPPLIER_BLACKLISTED,
    FOUND_SUPPLIER_ELIGIBLE,
    FOUND_SUPPLIER_IS_HOLDER,
    FOUND_UNIT_OTHER_HOLDER,
    FOUND_UNIT_UNREGISTERED,
    FOUND_VOUCHER_EXPIRED,
    FOUND_VOUCHER_NOT_LIVE,
    FOUND_VOUCHER_VALID,
    LIMIT_HOLDER_CAP_LEFT,
    LIMIT_RATIO,
    LIMIT_UNIT_CAP,
    LIMIT_VOUCHER_LEFT,
    yuan_of,
)

CONTRACT, INVOICE, SERIAL = "contract", "invoice", "serial"


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


def _check(
    rule: int,
    title: str,
    problems: Sequence[Text],
    ok: Text | None,
    *,
    labels: Sequence[Text] = (),
    **figures: object,
) -> RuleCheck:
    """The rule's check: passed when nothing is wrong; its findings (the problems, else what
    held) as phrases and, joined, in English; `labels` name figures in words (rule 6's limits)."""
    found = list(problems) if problems or ok is None else [ok]
    return RuleCheck(
        rule=rule,
        title=title,
        passed=not problems,
        message="; ".join(text.message for text in found),
        figures=dict(figures),
        texts=[text.wire() for text in found],
        labels={label.message: label.wire() for label in labels},
    )


def _rule_2(facts: ClaimFacts) -> RuleCheck:
    year = facts.filed_on.year
    problems: list[Text] = []
    if facts.year_budget_fen is None:
        problems.append(FOUND_NO_BUDGET.of(year=year))
        left = 0
    else:
        left = facts.year_budget_fen - facts.year_paid_fen
        if left <= 0:
            problems.append(FOUND_BUDGET_USED_UP.of(year=year))
    return _check(
        2,
        "Annual budget left",
        problems,
        FOUND_BUDGET_LEFT.of(left=yuan_of(left), year=year),
        year=year,
        budget_fen=facts.year_budget_fen,
        paid_fen=facts.year_paid_fen,
        left_fen=left,
    )


def _rule_3(facts: ClaimFacts) -> RuleCheck:
    holder = facts.holder
    problems = []
    if not holder.registered_in_district:
        problems.append(FOUND_HOLDER_OUTSIDE.of(holder=holder.name))
    if holder.blacklisted:
        problems.append(FOUND_HOLDER_BLACKLISTED.of(holder=holder.name))
    return _check(
        3,
        "Holder eligible",
        problems,
        FOUND_HOLDER_ELIGIBLE.of(holder=holder.name, uscc=holder.uscc),
        holder_id=holder.id,
        uscc=holder.uscc,
        registered_in_district=holder.registered_in_district,
        blacklisted=holder.blacklisted,
    )


def _rule_4(facts: ClaimFacts) -> RuleCheck:
    supplier, holder = facts.supplier, facts.holder
    problems = []
    if supplier.blacklisted:
        problems.append(FOUND_SUPPLIER_BLACKLISTED.of(supplier=supplier.name))
    if supplier.uscc == holder.uscc:
        problems.append(FOUND_SUPPLIER_IS_HOLDER.of(supplier=supplier.name))
    if supplier.id in facts.affiliated:
        problems.append(FOUND_SUPPLIER_AFFILIATED.of(supplier=supplier.name))
    catalogue = {str(entry.get("model")) for entry in supplier.catalogue}
    models = [item["model"] for item in facts.contract.line_items]
    outside = [model for model in models if model not in catalogue]
    if outside:
        problems.append(FOUND_MODELS_OUTSIDE.of(models=", ".join(sorted(set(outside)))))
    return _check(
        4,
        "Supplier eligible",
        problems,
        FOUND_SUPPLIER_ELIGIBLE.of(supplier=supplier.name),
        supplier_id=supplier.id,
        uscc=supplier.uscc,
        affiliated=supplier.id in facts.affiliated,
        models_outside_catalogue=sorted(set(outside)),
    )


def _rule_5(facts: ClaimFacts) -> RuleCheck:
    voucher = facts.voucher
    valid_until = voucher.valid_until.date().isoformat()
    problems = []
    if voucher.status not in LIVE_STATUSES:
        problems.append(
            FOUND_VOUCHER_NOT_LIVE.of(voucher=voucher.id, voucher_status=voucher.status.value)
        )
    elif facts.filed_at > voucher.valid_until:
        problems.append(FOUND_VOUCHER_EXPIRED.of(voucher=voucher.id, day=valid_until))
    return _check(
        5,
        "Voucher valid",
        problems,
        FOUND_VOUCHER_VALID.of(
            voucher=voucher.id, voucher_status=voucher.status.value, day=valid_until
        ),
        voucher_id=voucher.id,
        status=voucher.status.value,
        valid_until=voucher.valid_until.isoformat(),
    )


def _rule_6(facts: ClaimFacts) -> tuple[RuleCheck, int]:
    programme, voucher = facts.programme, facts.voucher
    limits = [
        (
            LIMIT_RATIO.of(ratio=f"{programme.ratio_bp / 100:g}"),
            facts.contract.amount_fen * programme.ratio_bp // 10_000,
        ),
        (
            LIMIT_VOUCHER_LEFT.of(),
            voucher.face_value_fen - voucher.used_fen - facts.voucher_open_fen,
        ),
        (
            LIMIT_HOLDER_CAP_LEFT.of(),
            programme.enterprise_annual_cap_fen - facts.holder_paid_in_year - facts.holder_open_fen,
        ),
    ]
    if programme.unit_cap_fen is not None:
        units = len(facts.contract.line_items)
        limits.append((LIMIT_UNIT_CAP.of(units=units), programme.unit_cap_fen * units))
    subsidy = max(0, min(fen for _, fen in limits))
    binding, binding_fen = min(limits, key=lambda limit: limit[1])
    figures = {
        "contract_fen": facts.contract.amount_fen,
        "ratio_bp": programme.ratio_bp,
        "limits_fen": {name.message: fen for name, fen in limits},
        "holder_paid_in_year_fen": facts.holder_paid_in_year,
        "holder_open_claims_fen": facts.holder_open_fen,
        "voucher_open_claims_fen": facts.voucher_open_fen,
        "subsidy_fen": subsidy,
    }
    problems = (
        []
        if subsidy > 0
        else [FOUND_NOTHING_PAYABLE.of(limit=binding, amount=yuan_of(binding_fen))]
    )
    check = _check(
        6,
        "Subsidy",
        problems,
        FOUND_SUBSIDY.of(subsidy=yuan_of(subsidy), limit=binding),
        labels=[name for name, _ in limits],
        **figures,
    )
    return check, subsidy


def _rule_7_papers(facts: ClaimFacts) -> RuleCheck:
    contract = facts.contract
    invoiced = sum(invoice["amount_fen"] for invoice in contract.invoices)
    paid = sum(proof["amount_fen"] for proof in contract.payment_proofs)
    amount = yuan_of(contract.amount_fen)
    problems = []
    if invoiced < contract.amount_fen:
        problems.append(FOUND_INVOICES_SHORT.of(covered=yuan_of(invoiced), amount=amount))
    if paid < contract.amount_fen:
        problems.append(FOUND_PAYMENTS_SHORT.of(covered=yuan_of(paid), amount=amount))
    if contract.acceptance is None:
        problems.append(FOUND_NO_ACCEPTANCE.of())
    return _check(
        7,
        "Papers complete",
        problems,
        FOUND_PAPERS_COMPLETE.of(),
        contract_fen=contract.amount_fen,
        invoiced_fen=invoiced,
        paid_fen=paid,
        accepted=contract.acceptance is not None,
        serial_numbers=[item["serial_number"] for item in contract.line_items],
    )


def _rule_7_once(facts: ClaimFacts) -> RuleCheck:
    taken = {
        CONTRACT: FOUND_CONTRACT_TAKEN,
        INVOICE: FOUND_INVOICE_TAKEN,
        SERIAL: FOUND_SERIAL_TAKEN,
    }
    problems = [
        taken[kind].of(value=value, claim=claim_id)
        for (kind, value), claim_id in sorted(facts.taken.items())
    ]
    return _check(
        7,
        "Claimed once only",
        problems,
        FOUND_CLAIMED_ONCE.of(),
        already_claimed=[
            {"kind": kind, "value": value, "claim_id": claim_id}
            for (kind, value), claim_id in sorted(facts.taken.items())
        ],
    )


def _rule_8(facts: ClaimFacts) -> RuleCheck:
    programme = facts.programme
    min_share = f"{programme.min_geofence_share_bp / 100:g}"
    problems = []
    for serial, unit in facts.units.items():
        if unit is None:
            problems.append(FOUND_UNIT_UNREGISTERED.of(serial=serial))
        elif unit.holder_id != facts.holder.id:
            problems.append(FOUND_UNIT_OTHER_HOLDER.of(serial=serial))
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
        serial = seen.serial_number
        if seen.deployment_days < programme.min_deployment_days:
            problems.append(
                FOUND_DEPLOYED_TOO_SHORT.of(
                    serial=serial, days=seen.deployment_days, min_days=programme.min_deployment_days
                )
            )
        if seen.active_days < programme.min_active_days:
            problems.append(
                FOUND_ACTIVE_TOO_LITTLE.of(
                    serial=serial, days=seen.active_days, min_days=programme.min_active_days
                )
            )
        if share is None:
            problems.append(FOUND_NO_TELEMETRY.of(serial=serial))
        elif share < programme.min_geofence_share_bp:
            problems.append(
                FOUND_OUTSIDE_GEOFENCE.of(
                    serial=serial, share=f"{share / 100:.2f}", min_share=min_share
                )
            )
    return _check(
        8,
        "Real use shown by telemetry",
        problems,
        FOUND_REAL_USE.of(
            min_deployment_days=programme.min_deployment_days,
            min_active_days=programme.min_active_days,
            min_share=min_share,
        ),
        min_deployment_days=programme.min_deployment_days,
        min_active_days=programme.min_active_days,
        min_geofence_share_bp=programme.min_geofence_share_bp,
        units=per_unit,
    )


def _rule_9(facts: ClaimFacts) -> RuleCheck:
    months = facts.programme.claim_deadline_months
    dates = sorted(date.fromisoformat(str(invoice["date"])) for invoice in facts.contract.invoices)
    if not dates:
        return _check(9, "Filed in time", [FOUND_NO_INVOICE.of()], None)
    deadline = add_months(dates[0], months)
    days = {"filed_on": facts.filed_on.isoformat(), "deadline": deadline.isoformat()}
    problems = []
    if facts.filed_on > deadline:
        problems.append(
            FOUND_FILED_LATE.of(**days, months=months, invoice_day=dates[0].isoformat())
        )
    return _check(
        9,
        "Filed in time",
        problems,
        FOUND_FILED_IN_TIME.of(**days),
        first_invoice_date=dates[0].isoformat(),
        deadline=deadline.isoformat(),
        filed_on=facts.filed_on.isoformat(),
    )
