"""The lock-in watch and clawback cases (rule 10) through the services on a real database: paid
units driven through their days after payout, cases opened with their evidence, closed by an
officer for exact amounts that return to the pool; and the API's roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.vouchers.clawback_watch import WATCH_ACTOR
from fleet_server.vouchers.models.claim import ClaimStatus
from fleet_server.vouchers.models.clawback import (
    ClawbackCase,
    ClawbackClose,
    ClawbackPublic,
    ClawbackReason,
    ClawbackStatus,
    Recovery,
)
from tests.fleet_server.callers import api_key
from tests.fleet_server.vouchers.voucher_world import (
    INSIDE,
    OFFICER,
    OUTSIDE,
    YUAN,
    VoucherWorld,
    local,
)

START = datetime(2025, 12, 1, 1, 0, tzinfo=timezone.utc)
COMMISSIONED = date(2026, 1, 5)
PAID_ON = date(2026, 4, 22)  # filed 100 days after commissioning, paid after 7 days' notice
LOCK_IN_UNTIL = date(2028, 4, 22)  # 24 months: 731 days
CONTRACT_FEN = 120_000_001  # 1,200,000.01 yuan; the claim is paid 600,000 yuan
PAID_FEN = 60_000_000
POOL_FEN = 100_000_000 * YUAN
CLAWBACKS = "/api/v1/vouchers/clawbacks"


def _paid(world: VoucherWorld, serials: Sequence[str]) -> int:
    """A holder's units deployed, claimed, approved and paid on PAID_ON; the holder's id."""
    return _paid_holders(world, [serials])[0]


def _paid_holders(world: VoucherWorld, units: Sequence[Sequence[str]]) -> list[int]:
    """One holder per group of units, each group's claim paid on PAID_ON; the holders' ids."""
    holders = [world.holder(f"龙岗制造{n}") for n in range(len(units))]
    vouchers = [world.voucher(holder) for holder in holders]
    world.at(local(COMMISSIONED))
    contracts = []
    for n, (holder, voucher, serials) in enumerate(zip(holders, vouchers, units, strict=True)):
        for serial in serials:
            world.deploy(serial, holder, COMMISSIONED)
            world.operate(serial, COMMISSIONED, 100)
        number = f"LG-2026-{n + 1:03d}"
        contracts.append(world.contract(voucher, number, serials, CONTRACT_FEN, COMMISSIONED))
    world.at(local(COMMISSIONED + timedelta(days=100)))
    for contract in contracts:
        claim = world.file(contract)
        assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.checks
        world.approve(claim.id)
    world.clock.advance(7 * 86400)
    assert [payout.amount_fen for payout in world.settle().payouts] == [PAID_FEN] * len(units)
    assert world.clock.now == local(PAID_ON)
    return holders


def _world(database_url: str, serials: Sequence[str]) -> tuple[VoucherWorld, int]:
    world = VoucherWorld(
        database_url, START, annual_budgets=[{"year": 2026, "budget_fen": 50_000_000 * YUAN}]
    )
    return world, _paid(world, serials)


def _after_payout(offset: int) -> date:
    return PAID_ON + timedelta(days=offset)


def _works(world: VoucherWorld, serial: str, first: int, until: int, outside: bool = False) -> None:
    """The unit reports ten hours a day from payout day `first` to `until` (excluded)."""
    where = OUTSIDE if outside else INSIDE
    segments = [(7200.0, True, where), (28800.0, False, where)]
    world.operate(serial, _after_payout(first), until - first, segments)


def _watch(world: VoucherWorld, offset: int) -> list[ClawbackPublic]:
    """Run the watch early in the morning of a day after payout."""
    world.at(local(_after_payout(offset), 2))
    return world.clawbacks.watch()


def _close(
    world: VoucherWorld, case_id: int, outcome: ClawbackStatus, recovery: Recovery | None = None
) -> ClawbackPublic:
    body = ClawbackClose(outcome=outcome, recovery=recovery, reason="供应商维修记录核实")
    return world.clawbacks.close(case_id, body, OFFICER)


def test_more_than_thirty_days_out_of_service_opens_one_case_with_the_days(
    database_url: str,
) -> None:
    world, holder = _world(database_url, ["DOG-001", "DOG-002", "DOG-003"])
    # DOG-001 silent 31 days, DOG-002 silent 30, DOG-003 online but outside the geofence 31.
    _works(world, "DOG-001", 0, 10)
    _works(world, "DOG-001", 41, 60)
    _works(world, "DOG-002", 0, 10)
    _works(world, "DOG-002", 40, 60)
    _works(world, "DOG-003", 0, 10)
    _works(world, "DOG-003", 10, 41, outside=True)
    _works(world, "DOG-003", 41, 60)

    opened = _watch(world, 60)

    assert [(case.serial_number, case.reason) for case in opened] == [
        ("DOG-001", ClawbackReason.OUT_OF_SERVICE),
        ("DOG-003", ClawbackReason.OUT_OF_SERVICE),
    ]
    silent, outside = opened
    assert silent.status is ClawbackStatus.OPEN and silent.holder_id == holder
    assert (silent.lock_in_from, silent.lock_in_until) == (PAID_ON, LOCK_IN_UNTIL)
    assert silent.unserved_from == _after_payout(10)
    # 600,000 yuan over three units of 400,000.01, 400,000 and 400,000 yuan, rounded down.
    assert (silent.unit_paid_fen, outside.unit_paid_fen) == (20_000_000, 19_999_999)
    assert silent.opened_at == local(_after_payout(60), 2)
    evidence = silent.evidence
    assert evidence["robot"] == "DOG-001"
    assert (evidence["clawback_days"], evidence["min_geofence_share_bp"]) == (30, 9_000)
    assert evidence["first_day"] == "2026-05-02" and evidence["last_day"] == "2026-06-01"
    assert evidence["days_out_of_service"] == 31
    assert (evidence["offline_days"], evidence["outside_geofence_days"]) == (31, 0)
    assert [day["day"] for day in evidence["days"]][:2] == ["2026-05-02", "2026-05-03"]
    assert evidence["days"][0] == {
        "day": "2026-05-02",
        "state": "offline",
        "reported": False,
        "seconds_online": 0,
    }
    assert (outside.evidence["offline_days"], outside.evidence["outside_geofence_days"]) == (0, 31)
    first_outside = outside.evidence["days"][0]
    assert first_outside["state"] == "outside_geofence" and first_outside["reported"]
    assert first_outside["site_id"] == "longgang-demo"
    assert (first_outside["seconds_online"], first_outside["seconds_in_geofence"]) == (36_000, 0)
    assert first_outside["geofence_share_bp"] == 0

    # The job again, the same day and the next: the runs already have their cases.
    assert _watch(world, 60) == []
    _works(world, "DOG-001", 60, 61)
    _works(world, "DOG-002", 60, 61)
    _works(world, "DOG-003", 60, 61)
    assert _watch(world, 61) == []
    assert len(world.clawbacks.find(status=ClawbackStatus.OPEN)) == 2
    assert world.clawbacks.find(serial_number="DOG-002") == []
    entries = world.store.audit.find(entity="clawback")
    assert [(e.action, e.actor) for e in entries] == [("clawback.open", WATCH_ACTOR)] * 2
    assert world.store.audit.verify().ok


def test_one_open_case_per_reason_and_a_dismissed_run_stays_closed(database_url: str) -> None:
    world, _ = _world(database_url, ["DOG-001"])
    _works(world, "DOG-001", 0, 10)  # then silent 31 days
    _works(world, "DOG-001", 41, 51)  # then silent 35 days
    _works(world, "DOG-001", 86, 100)
    (first,) = _watch(world, 45)
    assert first.unserved_from == _after_payout(10) and first.unit_paid_fen == PAID_FEN

    assert _watch(world, 100) == []  # the second run waits: a case for the unit is open
    with pytest.raises(Conflict), world.store.change() as session:
        # The database too holds one open case per unit and reason.
        stored = session.get(ClawbackCase, first.id)
        assert stored is not None
        session.add(ClawbackCase(**{**stored.model_dump(), "id": None, "unserved_from": PAID_ON}))
    dismissed = _close(world, first.id, ClawbackStatus.DISMISSED)
    assert dismissed.status is ClawbackStatus.DISMISSED and dismissed.recovered_fen == 0
    assert (dismissed.closed_by, dismissed.close_reason) == (OFFICER, "供应商维修记录核实")
    assert dismissed.closed_at == local(_after_payout(100), 2)

    (second,) = _watch(world, 100)
    assert second.unserved_from == _after_payout(51)
    assert second.evidence["days_out_of_service"] == 35
    assert _watch(world, 100) == []  # neither run is opened again
    assert world.programmes.get(world.programme).balances.paid_fen == PAID_FEN


def test_another_holder_and_a_pro_rata_recovery(database_url: str) -> None:
    world, holder = _world(database_url, ["DOG-001", "DOG-002"])
    _works(world, "DOG-001", 0, 142)
    _works(world, "DOG-002", 0, 100)  # then sold, and silent for the old holder
    buyer = world.holder("坪山物业")
    world.at(local(_after_payout(100), 10))
    world.deploy("DOG-002", buyer, _after_payout(100))

    (moved,) = _watch(world, 101)
    assert (moved.serial_number, moved.reason) == ("DOG-002", ClawbackReason.OTHER_HOLDER)
    assert moved.unit_paid_fen == 29_999_999 and moved.unserved_from == _after_payout(100)
    assert moved.evidence["claim_holder_id"] == holder
    assert moved.evidence["other_holder_id"] == buyer
    assert moved.evidence["registration"]["holder_id"] == buyer
    assert moved.evidence["registered_on"] == "2026-07-31"

    # 40 silent days later the out-of-service case opens beside it.
    (silent,) = _watch(world, 140)
    assert silent.reason is ClawbackReason.OUT_OF_SERVICE
    assert silent.unserved_from == _after_payout(100)

    recovered = _close(world, moved.id, ClawbackStatus.RECOVERED, Recovery.PRO_RATA)
    # 631 of the 731 lock-in days not served: 29,999,999 x 631 / 731 = 25,896,031.97 fen.
    assert recovered.recovered_fen == 25_896_031
    assert (recovered.status, recovered.recovery) == (ClawbackStatus.RECOVERED, Recovery.PRO_RATA)
    balances = world.programmes.get(world.programme).balances
    assert balances.paid_fen == PAID_FEN - 25_896_031
    assert balances.available_fen == POOL_FEN - balances.reserved_fen - balances.paid_fen

    with pytest.raises(Conflict) as twice:
        _close(world, silent.id, ClawbackStatus.RECOVERED, Recovery.FULL)
    assert twice.value.field == "case_id" and f"case {moved.id}" in twice.value.message
    assert _close(world, silent.id, ClawbackStatus.DISMISSED).status is ClawbackStatus.DISMISSED

    # Its money is back: the unit is no longer watched, whoever registers it next.
    world.at(local(_after_payout(141), 10))
    world.deploy("DOG-002", world.holder("罗湖物业"), _after_payout(141))
    assert _watch(world, 142) == []


def test_recovering_in_full_and_what_closing_refuses(database_url: str) -> None:
    world, _ = _world(database_url, ["DOG-001"])
    _works(world, "DOG-001", 0, 5)
    (case,) = _watch(world, 40)

    def refused(outcome: ClawbackStatus, recovery: Recovery | None, reason: str = "核实") -> str:
        body = ClawbackClose(outcome=outcome, recovery=recovery, reason=reason)
        with pytest.raises(Invalid) as error:
            world.clawbacks.close(case.id, body, OFFICER)
        return str(error.value.field)

    assert refused(ClawbackStatus.RECOVERED, None) == "recovery"
    assert refused(ClawbackStatus.DISMISSED, Recovery.FULL) == "recovery"
    assert refused(ClawbackStatus.OPEN, None) == "outcome"
    assert refused(ClawbackStatus.DISMISSED, None, "  ") == "reason"
    with pytest.raises(NotFound):
        _close(world, 999, ClawbackStatus.DISMISSED)

    recovered = _close(world, case.id, ClawbackStatus.RECOVERED, Recovery.FULL)
    assert recovered.recovered_fen == PAID_FEN and recovered.recovery is Recovery.FULL
    assert world.clawbacks.get(case.id).status is ClawbackStatus.RECOVERED
    balances = world.programmes.get(world.programme).balances
    assert (balances.paid_fen, balances.reserved_fen) == (0, 0)
    assert balances.available_fen == POOL_FEN  # all of it back in the pool

    with pytest.raises(Conflict) as again:
        _close(world, case.id, ClawbackStatus.DISMISSED)
    assert again.value.field == "case_id" and "already recovered" in again.value.message
    entries = world.store.audit.find(entity="clawback", entity_id=str(case.id))
    assert [(e.action, e.actor) for e in entries] == [
        ("clawback.recover", OFFICER),
        ("clawback.open", WATCH_ACTOR),
    ]
    assert entries[0].after is not None and entries[0].after["recovered_fen"] == PAID_FEN
    assert world.store.audit.verify().ok


def test_an_auditor_reads_cases_but_cannot_close_them(
    client: TestClient, database_url: str
) -> None:
    world, _ = _world(database_url, ["DOG-001"])
    (case,) = _watch(world, 40)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)

    listed = client.get(CLAWBACKS, params={"status": "open"}, headers=auditor)
    assert listed.status_code == 200, listed.text
    assert [c["serial_number"] for c in listed.json()] == ["DOG-001"]
    shown = client.get(f"{CLAWBACKS}/{case.id}", headers=auditor).json()
    assert shown["evidence"]["days_out_of_service"] == 40
    full = {"outcome": "recovered", "recovery": "full", "reason": "未满锁定期即停运"}
    close = f"{CLAWBACKS}/{case.id}/close"
    assert client.post(close, json=full, headers=auditor).status_code == 403
    assert client.post(f"{CLAWBACKS}/watch", headers=auditor).status_code == 403

    mixed = {**full, "outcome": "dismissed"}
    bad = client.post(close, json=mixed, headers=officer)
    assert bad.status_code == 422 and bad.json()["field"] == "recovery"
    closed = client.post(close, json=full, headers=officer)
    assert closed.status_code == 200, closed.text
    assert closed.json()["recovered_fen"] == PAID_FEN and closed.json()["closed_by"] == "officer-li"
    again = client.post(close, json=full, headers=officer)
    assert again.status_code == 409


def test_a_claim_the_watch_cannot_look_at_is_set_aside_and_the_others_are_watched(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = VoucherWorld(
        database_url, START, annual_budgets=[{"year": 2026, "budget_fen": 50_000_000 * YUAN}]
    )
    _paid_holders(world, [["DOG-001"], ["DOG-002"]])
    _works(world, "DOG-001", 0, 10)
    _works(world, "DOG-002", 0, 10)
    watch_claim = world.clawbacks._watch_claim
    broken = min(claim.id for claim in world.claims.find())

    def failing(claim_id: int, now: datetime) -> list[ClawbackPublic]:
        if claim_id == broken:
            raise RuntimeError("this claim's records cannot be read")
        return watch_claim(claim_id, now)

    monkeypatch.setattr(world.clawbacks, "_watch_claim", failing)
    opened = _watch(world, 60)
    assert [case.serial_number for case in opened] == ["DOG-002"]
    assert dict(world.clawbacks.failures.by_loop) == {"lock-in watch": 1}
    # Mended, the next watch looks at it too.
    monkeypatch.setattr(world.clawbacks, "_watch_claim", watch_claim)
    assert [case.serial_number for case in _watch(world, 61)] == ["DOG-001"]
