"""Claims end to end through the services: the district's example (rule 6 and the annual cap),
auto-verification (rule 11), decisions, settlement and the pool's balances."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from fleet_server.vouchers.claim_filing import UNDECIDED
from fleet_server.vouchers.models.claim import OPEN_STATUSES, Claim, ClaimReject, ClaimStatus
from fleet_server.vouchers.texts import (
    CLAIM_NOT_APPROVABLE,
    CLAIM_NOT_RECHECKABLE,
    CLAIM_NOT_REJECTABLE,
)
from tests.fleet_server.vouchers.voucher_world import YUAN, VoucherWorld, local

START = datetime(2025, 12, 1, 1, 0, tzinfo=timezone.utc)
COMMISSIONED = date(2026, 1, 5)
BUDGET_2026 = {"year": 2026, "budget_fen": 50_000_000 * YUAN}


def _deployed_fleet(world: VoucherWorld, holder: int, serials: list[str]) -> None:
    for serial in serials:
        world.deploy(serial, holder, COMMISSIONED)
        world.operate(serial, COMMISSIONED, 100)


def test_the_districts_example_and_the_annual_cap(database_url: str) -> None:
    world = VoucherWorld(database_url, START, annual_budgets=[BUDGET_2026])
    holder = world.holder()
    first, second = world.voucher(holder), world.voucher(holder)
    welding = [f"DOG-{n:03d}" for n in range(1, 7)]
    more = ["DOG-101", "DOG-102"]
    world.at(local(COMMISSIONED))
    _deployed_fleet(world, holder, welding + more)
    big = world.contract(first, "LG-2026-001", welding, 1_200_000 * YUAN, COMMISSIONED)
    small = world.contract(second, "LG-2026-002", more, 1_000_000 * YUAN, COMMISSIONED)

    world.at(local(COMMISSIONED + timedelta(days=100)))
    claim = world.file(big)
    assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.checks
    assert claim.subsidy_fen == 600_000 * YUAN
    later = world.file(small)
    assert later.status is ClaimStatus.AUTO_VERIFIED, later.checks
    # 50% would be 500,000 yuan; the enterprise has only 400,000 of its yearly million left.
    assert later.subsidy_fen == 400_000 * YUAN
    rule_6 = next(check for check in later.checks if check.rule == 6)
    assert "remaining annual cap" in rule_6.message
    assert rule_6.figures["holder_open_claims_fen"] == 600_000 * YUAN

    for filed in (claim, later):
        approved = world.approve(filed.id)
        assert approved.status is ClaimStatus.APPROVED
        assert approved.notice_until == approved.notice_from + timedelta(days=7)
    world.clock.advance(7 * 86400)
    settled = world.settle()
    assert [p.amount_fen for p in settled.payouts] == [600_000 * YUAN, 400_000 * YUAN]
    assert settled.year == 2026
    assert (settled.cut_numerator, settled.cut_denominator) == (1, 1)
    balances = world.programmes.get(world.programme).balances
    assert balances.paid_fen == 1_000_000 * YUAN
    assert balances.reserved_fen == 0  # both vouchers redeemed: their unused value went back
    assert balances.available_fen == 100_000_000 * YUAN - 1_000_000 * YUAN
    assert world.claims.get(claim.id).status is ClaimStatus.PAID
    assert world.store.audit.verify().ok


def test_a_voucher_with_an_open_claim_keeps_its_value_past_its_validity(
    database_url: str,
) -> None:
    world = VoucherWorld(database_url, START, annual_budgets=[BUDGET_2026])
    holder = world.holder()
    voucher = world.voucher(holder, face_value_fen=700_000 * YUAN)
    assert world.vouchers.get(voucher).status.value == "issued"
    world.at(local(COMMISSIONED))
    _deployed_fleet(world, holder, ["DOG-1"])
    contract = world.contract(voucher, "LG-1", ["DOG-1"], 1_200_000 * YUAN, COMMISSIONED)
    assert world.vouchers.get(voucher).status.value == "in_use"  # a contract draws on it
    world.at(local(COMMISSIONED + timedelta(days=100)))
    claim = world.file(contract)
    assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.checks
    # The voucher's validity ends while the claim waits for a decision: it is not expired, so
    # the value the claim will be paid from stays reserved.
    after_validity = world.vouchers.get(voucher).valid_until + timedelta(days=1)
    assert world.vouchers.expire_due(after_validity) == []
    assert world.programmes.get(world.programme).balances.reserved_fen == 700_000 * YUAN
    world.claims.reject(claim.id, ClaimReject(reason="duplicate filing"), "officer-li")
    assert world.vouchers.expire_due(after_validity) == [voucher]
    assert world.programmes.get(world.programme).balances.reserved_fen == 0


def test_a_claim_checked_before_findings_were_kept_still_loads_rechecks_and_verifies(
    database_url: str,
) -> None:
    world = VoucherWorld(database_url, START, annual_budgets=[BUDGET_2026])
    holder = world.holder()
    voucher = world.voucher(holder)
    world.at(local(COMMISSIONED))
    _deployed_fleet(world, holder, ["DOG-1"])
    contract = world.contract(voucher, "LG-1", ["DOG-1"], 1_200_000 * YUAN, COMMISSIONED)
    world.at(local(COMMISSIONED + timedelta(days=100)))
    filed = world.file(contract)
    assert all(check.texts for check in filed.checks)
    # The checks as an earlier server stored them: the English message alone.
    with world.session() as session:
        stored = session.get(Claim, filed.id)
        assert stored is not None
        stored.checks = [
            {key: value for key, value in check.items() if key not in ("texts", "labels")}
            for check in stored.checks
        ]
        session.add(stored)
        session.commit()

    old = world.claims.get(filed.id)
    assert [check.message for check in old.checks] == [check.message for check in filed.checks]
    assert all(check.texts == [] and check.labels == {} for check in old.checks)
    # Checked again, the claim's audit entry holds the old checks before and the new after,
    # and the chain still verifies.
    again = world.claims.recheck(filed.id, "officer-li")
    assert [check.texts for check in again.checks] == [check.texts for check in filed.checks]
    entry = world.store.audit.find(entity="claim", entity_id=str(filed.id))[0]
    assert entry.action == "claim.recheck"
    assert entry.before is not None and "texts" not in entry.before["checks"][0]
    assert entry.after is not None and entry.after["checks"][0]["texts"]
    assert world.store.audit.verify().ok


def test_a_claims_status_refusals_name_the_statuses_it_may_be_in() -> None:
    # The refusals' English names the statuses as the server had them joined from the tuples.
    for refusal, statuses in (
        (CLAIM_NOT_RECHECKABLE, UNDECIDED),
        (CLAIM_NOT_APPROVABLE, UNDECIDED),
        (CLAIM_NOT_REJECTABLE, OPEN_STATUSES),
    ):
        assert f"; only {', '.join(s.value for s in statuses)} claims can be" in refusal.english
