"""Voucher records for the console's tests, built through the services on the running server's
database: a past round of paid claims cut by the budget, the lock-in watch's cases after it, and
today a contract ready for its claim (its unit has no days of activity yet, so rule 8 fails)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from fleet_server.vouchers.models.claim import ClaimStatus
from fleet_server.vouchers.models.unit import DeployedUnitCreate
from tests.fleet_server.vouchers.voucher_world import SHANGHAI, YUAN, VoucherWorld, local

# Last year's round asks 700,000 yuan of a 560,000 yuan budget: each claim is paid 80 %.
PAST_BUDGET_FEN = 560_000 * YUAN
BUDGET_FEN = 50_000_000 * YUAN
FACE_VALUE_FEN = 1_000_000 * YUAN
CONTRACT_FEN = 400_000 * YUAN
CONTRACT_NUMBER = "LG-2026-007"


@dataclass(frozen=True)
class VoucherRecords:
    """What the console tests look for: the programme, the round, the cases and today's
    contract."""

    programme: int
    round_year: int
    cases: list[int]
    contract: int
    holder: int


def _unit(world: VoucherWorld, serial: str, robot: str, holder: int, commissioned: date) -> None:
    """A unit reporting through a robot of the simulated fleet."""
    body = DeployedUnitCreate(
        serial_number=serial,
        robot=robot,
        holder_id=holder,
        site_id="longgang-demo",
        commissioned_on=commissioned,
    )
    world.units.register(body, "officer-li")


def build_voucher_records(database_url: str) -> VoucherRecords:
    """The records, with the services' clock moved through last year and back to today."""
    today = datetime.now(SHANGHAI).date()
    start = today - timedelta(days=520)
    filed = start + timedelta(days=100)
    settled = filed + timedelta(days=7)
    years = sorted({settled.year, today.year})
    budgets = [
        {"year": year, "budget_fen": PAST_BUDGET_FEN if year == settled.year else BUDGET_FEN}
        for year in years
    ]
    world = VoucherWorld(database_url, local(start - timedelta(days=5)), annual_budgets=budgets)
    try:
        for number, name, serial, robot, amount in (
            (1, "坪地物业管理", "LG-DOG-0001", "dog-02", 800_000 * YUAN),
            (2, "大运中心运营", "LG-SAN-0001", "sweeper-01", 600_000 * YUAN),
        ):
            holder = world.holder(name)
            voucher = world.voucher(holder, FACE_VALUE_FEN)
            world.at(local(start))
            _unit(world, serial, robot, holder, start)
            world.operate(robot, start, 100)
            number_text = f"LG-{start.year}-00{number}"
            contract = world.contract(voucher, number_text, [serial], amount, start)
            world.at(local(filed))
            claim = world.file(contract)
            assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.checks
            world.approve(claim.id)
            world.at(local(start - timedelta(days=5)))
        world.at(local(settled))
        round_ = world.settle()
        assert round_.cut_numerator < round_.cut_denominator, "the round is cut"
        # Nothing reported since the payout: the watch opens a case for each unit.
        world.at(local(settled + timedelta(days=45)))
        cases = [case.id for case in world.clawbacks.watch()]
        assert len(cases) == 2, cases

        # The services' clock is UTC, as the server's is (the audit log hashes the time it keeps).
        world.at(datetime.now(timezone.utc))
        holder = world.holder("龙岗城管服务")
        voucher = world.voucher(holder, FACE_VALUE_FEN)
        commissioned = today - timedelta(days=100)
        _unit(world, "LG-DOG-0101", "dog-01", holder, commissioned)
        invoiced = commissioned + timedelta(days=5)
        contract = world.contract(voucher, CONTRACT_NUMBER, ["LG-DOG-0101"], CONTRACT_FEN, invoiced)
        return VoucherRecords(world.programme, settled.year, cases, contract, holder)
    finally:
        world.engine.dispose()
