"""Settlement rounds (rule 2): one pro-rata cut for an over-subscribed round, the annual cap
counted by payout year, and the pool's balances adding up with payouts (property-tested)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleet_server.errors import Conflict
from fleet_server.vouchers.models.claim import ClaimStatus
from fleet_server.vouchers.settlement import divide_round
from tests.fleet_server.vouchers.voucher_world import YUAN, VoucherWorld, local

START = datetime(2025, 12, 1, 1, 0, tzinfo=timezone.utc)
DAY_0 = date(2026, 1, 5)


def _approved_claim(world: VoucherWorld, holder: int, serial: str, amount_fen: int) -> int:
    """A unit deployed on DAY_0, worked 100 days, claimed and approved on day 100."""
    world.at(local(DAY_0))
    world.deploy(serial, holder, DAY_0)
    world.operate(serial, DAY_0, 100)
    contract = world.contract(world.voucher(holder), f"C-{serial}", [serial], amount_fen, DAY_0)
    world.at(local(DAY_0 + timedelta(days=100)))
    claim = world.file(contract)
    assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.checks
    return world.approve(claim.id).id


def test_an_oversubscribed_round_cuts_every_claim_by_the_same_factor(database_url: str) -> None:
    budgets = [{"year": 2026, "budget_fen": 1_000_000 * YUAN}]
    world = VoucherWorld(database_url, START, annual_budgets=budgets)
    asks = {"DOG-1": 1_200_000 * YUAN, "DOG-2": 1_000_000 * YUAN, "DOG-3": 800_000 * YUAN}
    claims = [
        _approved_claim(world, world.holder(f"企业{n}"), serial, amount)
        for n, (serial, amount) in enumerate(asks.items())
    ]
    world.clock.advance(6 * 86400)
    with pytest.raises(Conflict, match="no approved claim whose public notice has ended"):
        world.settle()  # the 7-day notice is still running
    world.clock.advance(86400)
    settled = world.settle()
    # 600k + 500k + 400k asked of a 1M budget: each is cut to two thirds, rounded down.
    assert settled.requested_fen == 1_500_000 * YUAN
    assert (settled.cut_numerator, settled.cut_denominator) == (1_000_000 * YUAN, 1_500_000 * YUAN)
    assert [p.amount_fen for p in settled.payouts] == [40_000_000, 33_333_333, 26_666_666]
    assert settled.paid_fen == 99_999_999 <= 1_000_000 * YUAN
    assert [p.claim_id for p in settled.payouts] == claims
    assert all(world.claims.get(c).status is ClaimStatus.PAID for c in claims)
    assert world.programmes.get(world.programme).balances.paid_fen == 99_999_999
    world.clock.advance(86400)
    with pytest.raises(Conflict):
        world.settle()  # nothing left to pay


def test_the_annual_cap_counts_by_payout_year(database_url: str) -> None:
    budgets = [{"year": year, "budget_fen": 50_000_000 * YUAN} for year in (2026, 2027)]
    world = VoucherWorld(database_url, START, annual_budgets=budgets)
    holder = world.holder()
    _approved_claim(world, holder, "DOG-1", 1_600_000 * YUAN)
    world.clock.advance(7 * 86400)
    assert world.settle().payouts[0].amount_fen == 800_000 * YUAN
    # Filed in 2026 when only 200,000 yuan of the cap was left ...
    world.at(local(date(2026, 6, 1)))
    world.deploy("DOG-2", holder, date(2026, 6, 1))
    world.operate("DOG-2", date(2026, 6, 1), 100)
    voucher = world.voucher(holder)
    contract = world.contract(voucher, "C-2", ["DOG-2"], 1_000_000 * YUAN, date(2026, 6, 1))
    world.at(local(date(2026, 12, 25)))
    claim = world.file(contract)
    assert claim.subsidy_fen == 200_000 * YUAN
    world.approve(claim.id)
    # ... but paid in 2027: the round counts that year's cap, untouched, so nothing is cut.
    world.at(local(date(2027, 1, 2)))
    settled = world.settle()
    assert settled.year == 2027
    assert settled.payouts[0].amount_fen == 200_000 * YUAN
    assert settled.payouts[0].capped_fen == 200_000 * YUAN


@given(
    claims=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 10**10)), min_size=1, max_size=12),
    caps=st.lists(st.integers(0, 10**10), min_size=4, max_size=4),
    budget=st.integers(0, 3 * 10**10),
)
def test_a_round_never_pays_more_than_the_budget_or_any_cap(
    claims: list[tuple[int, int]], caps: list[int], budget: int
) -> None:
    rows = [(n, holder, subsidy) for n, (holder, subsidy) in enumerate(claims)]
    cap_left = dict(enumerate(caps))
    shares, numerator, denominator = divide_round(rows, cap_left, budget)
    assert sum(share.amount_fen for share in shares) <= budget
    for holder, cap in cap_left.items():
        assert sum(s.capped_fen for s in shares if s.holder_id == holder) <= cap
    requested = sum(share.capped_fen for share in shares)
    for share in shares:
        assert share.capped_fen <= share.subsidy_fen
        # One factor for every claim in the round, rounded down to the fen.
        assert share.amount_fen == share.capped_fen * numerator // denominator
        if requested <= budget:
            assert share.amount_fen == share.capped_fen


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(st.integers(2, 3_000_000 * YUAN), min_size=1, max_size=3),
    budget=st.integers(1, 2_000_000 * YUAN),
)
def test_balances_add_up_after_payouts(
    tmp_path_factory: pytest.TempPathFactory, amounts: list[int], budget: int
) -> None:
    path: Path = tmp_path_factory.mktemp("balances") / "fleet.db"
    world = VoucherWorld(
        f"sqlite:///{path}",
        START,
        total_pool_fen=10_000_000 * YUAN,
        annual_budgets=[{"year": 2026, "budget_fen": budget}],
    )
    for n, amount in enumerate(amounts):
        _approved_claim(world, world.holder(f"企业{n}"), f"DOG-{n}", amount)
    world.clock.advance(7 * 86400)
    settled = world.settle()
    balances = world.programmes.get(world.programme).balances
    assert balances.reserved_fen + balances.paid_fen + balances.available_fen == 10_000_000 * YUAN
    assert balances.paid_fen == settled.paid_fen == sum(p.amount_fen for p in settled.payouts)
    assert balances.paid_fen <= budget
    vouchers = world.vouchers.find(programme_id=world.programme)
    assert all(v.status.value == "redeemed" for v in vouchers)
    assert [v.used_fen for v in vouchers] == [p.amount_fen for p in settled.payouts]
    world.engine.dispose()
