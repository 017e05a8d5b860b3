"""Each claim rule (2-9, 11) at its boundary: what passes exactly at a limit and what fails one
day, one fen or one second past it, with the failed rule named in words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from fleet_server.errors import Conflict, Invalid
from fleet_server.vouchers.models.claim import ClaimPublic, ClaimReject, ClaimStatus, RuleCheck
from fleet_server.vouchers.models.contract import ContractUpdate
from fleet_server.vouchers.models.party import EnterpriseUpdate
from tests.fleet_server.vouchers.voucher_world import (
    INSIDE,
    OFFICER,
    OUTSIDE,
    YUAN,
    VoucherWorld,
    local,
    working_day,
)

START = datetime(2025, 12, 1, 1, 0, tzinfo=timezone.utc)
DAY_0 = date(2026, 1, 5)
BUDGETS = [{"year": year, "budget_fen": 50_000_000 * YUAN} for year in (2026, 2027)]
CONTRACT_FEN = 1_200_000 * YUAN


def _world(database_url: str, **rules: Any) -> VoucherWorld:
    """A programme whose holders' annual cap stays out of the way unless a test sets it."""
    defaults = {"annual_budgets": BUDGETS, "enterprise_annual_cap_fen": 10_000_000 * YUAN}
    return VoucherWorld(database_url, START, **{**defaults, **rules})


def _unit_contract(
    world: VoucherWorld,
    holder: int,
    number: str,
    serial: str,
    commissioned: date = DAY_0,
    days: int = 100,
    **contract: Any,
) -> int:
    """A deployed, working unit and its own contract under a new voucher."""
    world.deploy(serial, holder, commissioned)
    if days:
        world.operate(serial, commissioned, days)
    voucher = world.voucher(holder)
    amount = contract.pop("amount_fen", CONTRACT_FEN)
    invoice = contract.pop("invoice_date", commissioned)
    return world.contract(voucher, number, [serial], amount, invoice, **contract)


def _check(claim: ClaimPublic, rule: int) -> RuleCheck:
    """The claim's (first) check of a rule."""
    return next(check for check in claim.checks if check.rule == rule)


def _failed_only(claim: ClaimPublic, rule: int) -> RuleCheck:
    assert claim.status is ClaimStatus.NEEDS_REVIEW
    assert claim.failed_rules == [rule], [c for c in claim.checks if not c.passed]
    check = next(check for check in claim.checks if check.rule == rule and not check.passed)
    return check


def test_rule_8_deployment_of_90_days_passes_and_89_fails(database_url: str) -> None:
    world = _world(database_url)
    holder = world.holder()
    world.at(local(DAY_0))
    ninety = _unit_contract(world, holder, "C-90", "DOG-90", DAY_0, days=90)
    world.at(local(DAY_0 + timedelta(days=1)))
    eighty_nine = _unit_contract(
        world, holder, "C-89", "DOG-89", DAY_0 + timedelta(days=1), days=89
    )
    world.at(local(DAY_0 + timedelta(days=90)))
    passed = world.file(ninety)
    assert passed.status is ClaimStatus.AUTO_VERIFIED, passed.checks
    assert _check(passed, 8).figures["units"][0]["deployment_days"] == 90
    check = _failed_only(world.file(eighty_nine), 8)
    assert "unit DOG-89 was deployed 89 days, fewer than 90" in check.message


def test_rule_8_sixty_active_days_pass_and_59_fail(database_url: str) -> None:
    world = _world(database_url)
    holder = world.holder()
    world.at(local(DAY_0))
    idle = working_day(active_h=0.0)
    sixty = _unit_contract(world, holder, "C-60", "DOG-60", days=0)
    world.operate("DOG-60", DAY_0, 60)
    world.operate("DOG-60", DAY_0 + timedelta(days=60), 40, idle)
    fifty_nine = _unit_contract(world, holder, "C-59", "DOG-59", days=0)
    world.operate("DOG-59", DAY_0, 59)
    world.operate("DOG-59", DAY_0 + timedelta(days=59), 41, idle)
    # A day one second short of the programme's 60 active minutes is not an active day.
    short = _unit_contract(world, holder, "C-SHORT", "DOG-SHORT", days=0)
    world.operate("DOG-SHORT", DAY_0, 100, [(3599, True, INSIDE), (8 * 3600, False, INSIDE)])
    world.at(local(DAY_0 + timedelta(days=100)))
    assert world.file(sixty).status is ClaimStatus.AUTO_VERIFIED
    check = _failed_only(world.file(fifty_nine), 8)
    assert "unit DOG-59 was active on 59 days, fewer than 60" in check.message
    check = _failed_only(world.file(short), 8)
    assert "unit DOG-SHORT was active on 0 days" in check.message


def test_rule_8_geofence_share_at_90_percent_passes_and_just_below_fails(
    database_url: str,
) -> None:
    world = _world(database_url)
    holder = world.holder()
    world.at(local(DAY_0))
    outside_day = [(2 * 3600, True, OUTSIDE), (8 * 3600, False, OUTSIDE)]
    # 100 days of 10 h online, 10 of them outside: exactly 90% inside ...
    at_limit = _unit_contract(world, holder, "C-IN", "DOG-IN", days=90)
    world.operate("DOG-IN", DAY_0 + timedelta(days=90), 10, outside_day)
    # ... and the same with one second of one day moved outside.
    below = _unit_contract(world, holder, "C-OUT", "DOG-OUT", days=89)
    odd_day = [(2 * 3600, True, INSIDE), (8 * 3600 - 1, False, INSIDE), (1, False, OUTSIDE)]
    world.operate("DOG-OUT", DAY_0 + timedelta(days=89), 1, odd_day)
    world.operate("DOG-OUT", DAY_0 + timedelta(days=90), 10, outside_day)
    world.at(local(DAY_0 + timedelta(days=100)))
    passed = world.file(at_limit)
    assert passed.status is ClaimStatus.AUTO_VERIFIED, passed.checks
    assert _check(passed, 8).figures["units"][0]["geofence_share_bp"] == 9_000
    check = _failed_only(world.file(below), 8)
    assert check.figures["units"][0]["geofence_share_bp"] == 8_999
    assert "inside the geofence 89.99% of its reported time, less than 90%" in check.message


def test_rule_9_filed_on_the_deadline_passes_and_a_day_late_fails(database_url: str) -> None:
    world = _world(database_url, voucher_validity_days=800)
    holder = world.holder()
    world.at(local(DAY_0))
    in_time = _unit_contract(world, holder, "C-A", "DOG-A", invoice_date=date(2026, 1, 5))
    late = _unit_contract(world, holder, "C-B", "DOG-B", invoice_date=date(2026, 1, 4))
    world.at(local(date(2027, 1, 5), hour=23))
    passed = world.file(in_time)
    assert passed.status is ClaimStatus.AUTO_VERIFIED, passed.checks
    assert _check(passed, 9).figures["deadline"] == "2027-01-05"
    check = _failed_only(world.file(late), 9)
    assert check.message == (
        "filed on 2027-01-05, after the deadline 2027-01-04 (12 months from the invoice of "
        "2026-01-04)"
    )


def test_rule_7_papers_one_fen_short_then_completed(database_url: str) -> None:
    world = _world(database_url)
    holder = world.holder()
    world.at(local(DAY_0))
    short = [{"number": "INV-1", "amount_fen": CONTRACT_FEN - 1, "date": str(DAY_0)}]
    contract = _unit_contract(
        world, holder, "C-1", "DOG-1", invoices=short, acceptance=None, payment_proofs=[]
    )
    world.at(local(DAY_0 + timedelta(days=100)))
    claim = world.file(contract)
    check = _failed_only(claim, 7)
    assert check.message == (
        "invoices cover 1,199,999.99 yuan of the 1,200,000.00 yuan contract; payment proofs "
        "cover 0.00 yuan of the 1,200,000.00 yuan contract; the contract has no acceptance record"
    )
    # Each finding as the console words it: its code, its parameters (amounts as sentences of
    # their own, so that yuan is 元 in Chinese) and its English.
    contract_yuan = {
        "code": "voucher.money.yuan",
        "params": {"amount": "1,200,000.00"},
        "message": "1,200,000.00 yuan",
    }
    assert [(found["code"], found["params"]) for found in check.texts] == [
        (
            "claim.finding.invoices_short",
            {
                "covered": {
                    "code": "voucher.money.yuan",
                    "params": {"amount": "1,199,999.99"},
                    "message": "1,199,999.99 yuan",
                },
                "amount": contract_yuan,
            },
        ),
        (
            "claim.finding.payments_short",
            {
                "covered": {
                    "code": "voucher.money.yuan",
                    "params": {"amount": "0.00"},
                    "message": "0.00 yuan",
                },
                "amount": contract_yuan,
            },
        ),
        ("claim.finding.no_acceptance", {}),
    ]
    assert "; ".join(found["message"] for found in check.texts) == check.message
    papers = ContractUpdate.model_validate(
        {
            "invoices": [*short, {"number": "INV-2", "amount_fen": 1, "date": str(DAY_0)}],
            "payment_proofs": [
                {"reference": "PAY", "amount_fen": CONTRACT_FEN, "date": str(DAY_0)}
            ],
            "acceptance": {"date": str(DAY_0), "accepted_by": "王工", "document": "验收.pdf"},
        }
    )
    world.contracts.update(contract, papers, OFFICER)
    rechecked = world.claims.recheck(claim.id, OFFICER)
    assert rechecked.status is ClaimStatus.AUTO_VERIFIED, rechecked.checks
    # A check that held says what held.
    assert [found["code"] for found in _check(rechecked, 7).texts] == [
        "claim.finding.papers_complete"
    ]


def test_rule_7_a_serial_or_contract_is_claimed_once_across_vouchers(database_url: str) -> None:
    world = _world(database_url)
    holder = world.holder()
    world.at(local(DAY_0))
    first = _unit_contract(world, holder, "C-1", "DOG-1")
    # The same robot on a second contract, under another voucher.
    again = world.contract(world.voucher(holder), "C-2", ["DOG-1"], CONTRACT_FEN, DAY_0)
    world.at(local(DAY_0 + timedelta(days=100)))
    claim = world.file(first)
    assert claim.status is ClaimStatus.AUTO_VERIFIED
    second = world.file(again)
    check = next(c for c in second.checks if c.rule == 7 and not c.passed)
    assert check.message == f"serial number DOG-1 is already claimed by claim {claim.id}"
    assert [(found["code"], found["params"]) for found in check.texts] == [
        ("claim.finding.serial_taken", {"value": "DOG-1", "claim": claim.id})
    ]
    twice = world.file(first)
    held = next(c for c in twice.checks if c.rule == 7 and not c.passed)
    assert f"contract C-1 is already claimed by claim {claim.id}" in held.message
    assert f"invoice C-1-INV is already claimed by claim {claim.id}" in held.message
    with pytest.raises(Conflict, match="shares its contract"):
        world.approve(twice.id, reason="officer insists")
    # Once the first claim is rejected, the robot can be claimed on the other contract.
    world.claims.reject(claim.id, ClaimReject(reason="wrong contract"), OFFICER)
    assert world.claims.recheck(second.id, OFFICER).status is ClaimStatus.AUTO_VERIFIED


def test_rule_6_exactly_at_the_cap_and_one_fen_over(database_url: str) -> None:
    cap = 600_000 * YUAN
    world = _world(database_url, enterprise_annual_cap_fen=cap)
    at_cap, over = world.holder(), world.holder("坪地制造")
    world.at(local(DAY_0))
    exact = _unit_contract(world, at_cap, "C-EXACT", "DOG-1", amount_fen=2 * cap)
    one_over = _unit_contract(world, over, "C-OVER", "DOG-2", amount_fen=2 * cap + 2)
    world.at(local(DAY_0 + timedelta(days=100)))
    claim = world.file(exact)
    assert claim.subsidy_fen == cap
    capped = world.file(one_over)
    assert capped.subsidy_fen == cap  # 50% would be one fen more
    assert "set by the holder's remaining annual cap" in _check(capped, 6).message
    assert _check(capped, 6).figures["limits_fen"]["50% of the contract amount"] == cap + 1
    # The limit that set the subsidy is a sentence inside the finding; every limit's name in
    # the figures has its words (labels) too.
    (found,) = _check(capped, 6).texts
    assert found["code"] == "claim.finding.subsidy"
    assert found["params"]["limit"]["code"] == "claim.limit.holder_cap_left"
    assert found["params"]["subsidy"]["params"] == {"amount": "600,000.00"}
    labels = _check(capped, 6).labels
    assert set(labels) == set(_check(capped, 6).figures["limits_fen"])
    assert labels["50% of the contract amount"]["code"] == "claim.limit.ratio"
    assert labels["50% of the contract amount"]["params"] == {"ratio": "50"}
    # The cap is used up: a further claim in the same year would pay nothing.
    world.at(local(DAY_0))
    more = _unit_contract(world, at_cap, "C-MORE", "DOG-3")
    world.at(local(DAY_0 + timedelta(days=100)))
    check = _failed_only(world.file(more), 6)
    assert check.message == "nothing can be paid: the holder's remaining annual cap is 0.00 yuan"


def test_rule_6_voucher_value_and_per_unit_cap_limit_the_subsidy(database_url: str) -> None:
    world = _world(database_url, unit_cap_fen=50_000 * YUAN)
    holder = world.holder()
    world.at(local(DAY_0))
    serials = [f"DOG-{n}" for n in range(6)]
    for serial in serials:
        world.deploy(serial, holder, DAY_0)
        world.operate(serial, DAY_0, 100)
    per_unit = world.contract(world.voucher(holder), "C-6", serials, CONTRACT_FEN, DAY_0)
    small_voucher = world.voucher(holder, face_value_fen=100_000 * YUAN)
    world.deploy("DOG-V", holder, DAY_0)
    world.operate("DOG-V", DAY_0, 100)
    by_voucher = world.contract(small_voucher, "C-V", ["DOG-V"], 400_000 * YUAN, DAY_0)
    world.at(local(DAY_0 + timedelta(days=100)))
    claim = world.file(per_unit)
    assert claim.subsidy_fen == 6 * 50_000 * YUAN
    assert "set by the per-unit cap x 6 units" in _check(claim, 6).message
    assert world.file(by_voucher).subsidy_fen == 50_000 * YUAN  # the unit cap, below the voucher


def test_rule_5_a_claim_after_the_voucher_expired_fails(database_url: str) -> None:
    world = _world(database_url, voucher_validity_days=120)
    holder = world.holder()
    world.at(local(DAY_0))
    contract = _unit_contract(world, holder, "C-1", "DOG-1")
    voucher = world.contracts.get(contract).voucher_id
    valid_until = world.vouchers.get(voucher).valid_until
    world.at(valid_until + timedelta(seconds=1))
    late = world.file(contract)
    check = _failed_only(late, 5)
    assert f"voucher {voucher} expired on {valid_until.date()}" in check.message
    # Once that claim is rejected, the hourly job expires the voucher; a new claim says so.
    world.claims.reject(late.id, ClaimReject(reason="filed after the voucher expired"), OFFICER)
    assert world.vouchers.expire_due() == [voucher]
    again = _failed_only(world.file(contract), 5)
    assert again.message == f"voucher {voucher} is expired"
    assert again.texts[0]["code"] == "claim.finding.voucher_not_live"
    assert again.texts[0]["params"] == {"voucher": voucher, "voucher_status": "expired"}


def test_rules_3_and_4_holder_blacklisted_or_supplier_affiliated_after_signing(
    database_url: str,
) -> None:
    world = _world(database_url)
    holder, other = world.holder(), world.holder("坪地制造")
    world.at(local(DAY_0))
    blacklisted = _unit_contract(world, holder, "C-1", "DOG-1")
    affiliated = _unit_contract(world, other, "C-2", "DOG-2")
    world.enterprises.update(holder, EnterpriseUpdate(blacklisted=True), OFFICER)
    update = EnterpriseUpdate(affiliated_institutions=[world.supplier])
    world.enterprises.update(other, update, OFFICER)
    world.at(local(DAY_0 + timedelta(days=100)))
    assert "the holder 龙岗制造 is blacklisted" in _failed_only(world.file(blacklisted), 3).message
    check = _failed_only(world.file(affiliated), 4)
    assert "is affiliated with the holder" in check.message


def test_rule_2_no_budget_for_the_year_or_none_left(database_url: str) -> None:
    world = _world(database_url, annual_budgets=[{"year": 2027, "budget_fen": 1}])
    holder = world.holder()
    world.at(local(DAY_0))
    contract = _unit_contract(world, holder, "C-1", "DOG-1")
    world.at(local(DAY_0 + timedelta(days=100)))
    check = _failed_only(world.file(contract), 2)
    assert check.message == "the programme has no budget for 2026"


def test_rule_11_review_needs_a_reason_and_decisions_are_recorded(database_url: str) -> None:
    world = _world(database_url, public_notice_days=5)
    holder = world.holder()
    world.at(local(DAY_0))
    good = _unit_contract(world, holder, "C-1", "DOG-1")
    young = _unit_contract(world, holder, "C-2", "DOG-2", days=80)
    world.at(local(DAY_0 + timedelta(days=85)))
    review = world.file(young)
    assert review.failed_rules == [8]
    with pytest.raises(Invalid, match="failed rule\\(s\\) 8; approving it needs a reason"):
        world.approve(review.id)
    approved = world.approve(review.id, reason="commissioning delayed by the district's works")
    assert approved.overridden_rules == [8]
    assert approved.decided_by == OFFICER
    assert approved.decision_reason == "commissioning delayed by the district's works"
    assert approved.notice_until == approved.notice_from + timedelta(days=5)
    world.at(local(DAY_0 + timedelta(days=100)))
    auto = world.file(good)
    assert auto.status is ClaimStatus.AUTO_VERIFIED and auto.failed_rules == []
    assert auto.checked_at == auto.filed_at  # checked in the filing's own transaction
    rejected = world.claims.reject(
        auto.id, ClaimReject(reason="objection during notice", decision_reference="R-1"), OFFICER
    )
    assert rejected.status is ClaimStatus.REJECTED
    with pytest.raises(Conflict, match="only auto_verified, needs_review claims can be approved"):
        world.approve(auto.id)
    actions = [entry.action for entry in world.store.audit.find(entity="claim")]
    assert actions.count("claim.file") == 2
    assert {"claim.approve", "claim.reject"} <= set(actions)
    assert world.store.audit.verify().ok
