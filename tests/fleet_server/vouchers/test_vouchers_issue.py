"""Issuing, revoking and expiring vouchers (rules 1, 3 and 5): all-or-nothing batches within the
pool, eligible holders only, no transfers, value returned to the pool, every change audited."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from fleet_server.accounts.models import Role
from fleet_server.audit.audit import AuditLog
from fleet_server.audit.models.audit import AuditEntry
from fleet_server.errors import Conflict
from fleet_server.vouchers.models.party import Enterprise
from fleet_server.vouchers.models.programme import Programme, ProgrammeRules
from fleet_server.vouchers.programmes import programme_balances
from fleet_server.vouchers.record_store import RecordStore
from fleet_server.vouchers.vouchers import VoucherService
from tests.clock import ManualClock
from tests.databases import engine_at_head
from tests.fleet_server.callers import api_key, create_record, credit_code, without_credentials
from tests.fleet_server.vouchers.voucher_world import VoucherWorld

PROGRAMMES = "/api/v1/vouchers/programmes"
ENTERPRISES = "/api/v1/vouchers/enterprises"
BATCHES = "/api/v1/vouchers/batches"
ISSUED = "/api/v1/vouchers/issued"
AUDIT = "/api/v1/audit"
START = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def _programme(client: TestClient, who: dict[str, str], pool_fen: int) -> int:
    body = {
        "name": "龙岗机器人券",
        "geofence_site": "longgang-demo",
        "geofence_zone": "longgang-geofence",
        "total_pool_fen": pool_fen,
        "voucher_validity_days": 30,
    }
    programme_id: int = create_record(client, PROGRAMMES, body, who)["id"]
    return programme_id


def _enterprise(
    client: TestClient,
    who: dict[str, str],
    serial: int,
    registered: bool = True,
    blacklisted: bool = False,
) -> int:
    body = {
        "name": f"龙岗企业{serial}",
        "uscc": credit_code(serial),
        "registered_in_district": registered,
        "blacklisted": blacklisted,
    }
    enterprise_id: int = create_record(client, ENTERPRISES, body, who)["id"]
    return enterprise_id


def _balances(client: TestClient, who: dict[str, str], programme_id: int) -> dict[str, int]:
    response = client.get(f"{PROGRAMMES}/{programme_id}", headers=who)
    assert response.status_code == 200, response.text
    # Money is integer fen: the JSON text must not hold a single float.
    balances = json.loads(response.text, parse_float=_no_float)["balances"]
    assert all(type(value) is int for value in balances.values()), balances
    return dict(balances)


def _no_float(text: str) -> float:
    raise AssertionError(f"a float {text} in the balances JSON")


def _issue(
    client: TestClient, who: dict[str, str], programme_id: int, holders: list[int], face: int
) -> Any:
    body = {"programme_id": programme_id, "holders": holders, "face_value_fen": face}
    return client.post(BATCHES, json=body, headers=who)


def _audit_ok(client: TestClient, who: dict[str, str]) -> None:
    assert client.get(f"{AUDIT}/verify", headers=who).json()["ok"] is True


def test_batch_at_the_pool_and_one_fen_over(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    programme = _programme(client, officer, pool_fen=1_000_001)
    holders = [_enterprise(client, officer, n) for n in (1, 2, 3)]

    over = _issue(client, officer, programme, holders, 333_334)  # 1,000,002 fen: one fen over
    assert over.status_code == 409, over.text
    assert over.json()["detail"] == (
        f"programme {programme} has 1000001 fen available but the batch needs 1000002 fen "
        "(3 x 333334 fen); nothing was issued"
    )
    assert client.get(ISSUED, headers=officer).json() == []
    assert _balances(client, officer, programme) == {
        "reserved_fen": 0,
        "paid_fen": 0,
        "available_fen": 1_000_001,
    }

    first = _issue(client, officer, programme, holders[:2], 500_000)
    assert first.status_code == 201, first.text
    last = _issue(client, officer, programme, holders[2:], 1)  # the pool's last fen
    assert last.status_code == 201, last.text
    assert _balances(client, officer, programme) == {
        "reserved_fen": 1_000_001,
        "paid_fen": 0,
        "available_fen": 0,
    }
    vouchers = first.json() + last.json()
    assert [v["holder_id"] for v in vouchers] == holders
    assert [v["face_value_fen"] for v in vouchers] == [500_000, 500_000, 1]
    assert all(v["status"] == "issued" and v["used_fen"] == 0 for v in vouchers)
    assert vouchers[0]["batch_id"] == vouchers[1]["batch_id"] != vouchers[2]["batch_id"]
    issued = datetime.fromisoformat(vouchers[0]["issued_at"])
    assert datetime.fromisoformat(vouchers[0]["valid_until"]) - issued == timedelta(days=30)
    assert _issue(client, officer, programme, holders[:1], 1).status_code == 409
    # The pool cannot shrink below what the vouchers hold.
    shrink = client.patch(
        f"{PROGRAMMES}/{programme}", json={"total_pool_fen": 1_000_000}, headers=officer
    )
    assert shrink.status_code == 409 and shrink.json()["field"] == "total_pool_fen"
    _audit_ok(client, officer)


def test_pool_exhausted_mid_batch_issues_nothing(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    programme = _programme(client, officer, pool_fen=250_000)
    holders = [_enterprise(client, officer, n) for n in (1, 2, 3)]
    before_audit = len(client.get(AUDIT, headers=officer).json())

    refused = _issue(client, officer, programme, holders, 100_000)  # room for 2 of 3
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "250000 fen available" in detail and "needs 300000 fen" in detail
    assert client.get(ISSUED, headers=officer).json() == []
    assert _balances(client, officer, programme)["available_fen"] == 250_000
    assert len(client.get(AUDIT, headers=officer).json()) == before_audit


def test_ineligible_holders_are_refused_by_name(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    programme = _programme(client, officer, pool_fen=1_000_000)
    good = _enterprise(client, officer, 1)
    banned = _enterprise(client, officer, 2, blacklisted=True)
    outside = _enterprise(client, officer, 3, registered=False)

    black = _issue(client, officer, programme, [good, banned], 100)
    assert black.status_code == 422 and black.json()["field"] == "holders"
    assert black.json()["detail"] == (
        f"holders: enterprise {banned} (龙岗企业2, {credit_code(2)}) is blacklisted, "
        "so it may not hold a voucher"
    )
    unregistered = _issue(client, officer, programme, [good, outside], 100)
    assert unregistered.status_code == 422
    assert f"enterprise {outside} (龙岗企业3" in unregistered.json()["detail"]
    assert "not registered in the district" in unregistered.json()["detail"]
    unknown = _issue(client, officer, programme, [good, 999], 100)
    assert unknown.status_code == 422 and "no enterprise 999" in unknown.json()["detail"]
    twice = _issue(client, officer, programme, [good, good], 100)
    assert twice.status_code == 422 and "more than once" in twice.json()["detail"]
    assert _issue(client, officer, programme, [good], 0).status_code == 422
    floated = client.post(
        BATCHES,
        json={"programme_id": programme, "holders": [good], "face_value_fen": 100.0},
        headers=officer,
    )
    assert floated.status_code == 422 and "whole number of fen" in floated.json()["detail"]
    assert _issue(client, officer, 999, [good], 100).status_code == 404
    assert client.get(ISSUED, headers=officer).json() == []


def test_revoke_and_expiry_return_value_and_are_audited(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    fleet = client.app.state.fleet  # type: ignore[attr-defined]
    clock = ManualClock(START)
    fleet.vouchers.clock = clock
    programme = _programme(client, officer, pool_fen=1_000_000)
    holders = [_enterprise(client, officer, n) for n in (1, 2, 3)]
    issued = _issue(client, officer, programme, holders, 200_000).json()
    assert _balances(client, officer, programme)["available_fen"] == 400_000

    revoked = client.post(
        f"{ISSUED}/{issued[0]['id']}/revoke", json={"reason": "企业已注销"}, headers=officer
    )
    assert revoked.status_code == 200, revoked.text
    assert (
        revoked.json()["status"] == "revoked" and revoked.json()["revoked_reason"] == "企业已注销"
    )
    assert _balances(client, officer, programme) == {
        "reserved_fen": 400_000,
        "paid_fen": 0,
        "available_fen": 600_000,
    }
    again = client.post(f"{ISSUED}/{issued[0]['id']}/revoke", json={"reason": "x"}, headers=officer)
    assert again.status_code == 409 and "is revoked" in again.json()["detail"]
    assert (
        client.post(f"{ISSUED}/999/revoke", json={"reason": "x"}, headers=officer).status_code
        == 404
    )
    empty = client.post(f"{ISSUED}/{issued[1]['id']}/revoke", json={"reason": " "}, headers=officer)
    assert empty.status_code == 422

    # Valid for 30 days: on the last valid instant nothing expires; just after, both do.
    clock.now = START + timedelta(days=30)
    assert fleet.vouchers.expire_due() == []
    clock.now = START + timedelta(days=30, seconds=1)
    assert fleet.vouchers.expire_due() == [issued[1]["id"], issued[2]["id"]]
    assert fleet.vouchers.expire_due() == []
    assert _balances(client, officer, programme) == {
        "reserved_fen": 0,
        "paid_fen": 0,
        "available_fen": 1_000_000,
    }
    statuses = {v["id"]: v["status"] for v in client.get(ISSUED, headers=officer).json()}
    assert list(statuses.values()) == ["revoked", "expired", "expired"]
    expired = client.get(ISSUED, params={"status": "expired"}, headers=officer).json()
    assert [v["id"] for v in expired] == [issued[1]["id"], issued[2]["id"]]
    by_holder = client.get(ISSUED, params={"holder_id": holders[0]}, headers=officer).json()
    assert [v["id"] for v in by_holder] == [issued[0]["id"]]
    assert client.get(ISSUED, params={"programme_id": 999}, headers=officer).json() == []

    entries = client.get(AUDIT, params={"entity": "voucher"}, headers=officer).json()
    assert sorted(e["action"] for e in entries) == [
        "voucher.expire",
        "voucher.expire",
        "voucher.issue",
        "voucher.issue",
        "voucher.issue",
        "voucher.revoke",
    ]
    revoke_entry = next(e for e in entries if e["action"] == "voucher.revoke")
    assert revoke_entry["actor"] == "officer-li"
    assert revoke_entry["before"]["status"] == "issued"
    assert revoke_entry["after"]["status"] == "revoked"
    expire_actors = {e["actor"] for e in entries if e["action"] == "voucher.expire"}
    assert expire_actors == {"system:voucher-expiry"}
    _audit_ok(client, officer)


def test_vouchers_are_not_transferable_and_auditors_only_read(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    viewer = api_key(client, "viewer", Role.VIEWER)
    programme = _programme(client, officer, pool_fen=1_000_000)
    holders = [_enterprise(client, officer, n) for n in (1, 2)]
    voucher = _issue(client, officer, programme, holders[:1], 1000).json()[0]
    url = f"{ISSUED}/{voucher['id']}"

    transfer = client.patch(url, json={"holder_id": holders[1]}, headers=officer)
    assert transfer.status_code == 422 and transfer.json()["field"] == "holder_id"
    assert "not transferable" in transfer.json()["detail"]
    edit = client.patch(url, json={"face_value_fen": 5}, headers=officer)
    assert edit.status_code == 422 and "revoke it" in edit.json()["detail"]
    assert client.patch(f"{ISSUED}/999", json={"holder_id": 1}, headers=officer).status_code == 404
    assert client.get(url, headers=officer).json() == voucher

    assert client.get(url, headers=auditor).json() == voucher
    assert len(client.get(ISSUED, headers=auditor).json()) == 1
    for who in (auditor, viewer):
        assert _issue(client, who, programme, holders[1:], 1000).status_code == 403
        assert client.post(f"{url}/revoke", json={"reason": "x"}, headers=who).status_code == 403
        assert client.patch(url, json={"holder_id": holders[1]}, headers=who).status_code == 403
    assert client.get(ISSUED, headers=viewer).status_code == 403
    with without_credentials(client):
        assert client.get(ISSUED).status_code == 401
    assert client.get(url, headers=officer).json()["status"] == "issued"
    _audit_ok(client, auditor)


# The property: whatever is issued, revoked or expired, the balances add up to the pool and
# match the live vouchers beneath them. One SQLite database; a fresh programme per example.

ISSUE = st.tuples(st.just("issue"), st.integers(1, 3), st.integers(1, 400))
REVOKE = st.tuples(st.just("revoke"), st.integers(0, 20), st.just(0))
EXPIRE = st.tuples(st.just("expire"), st.integers(1, 40), st.just(0))
STEPS = st.lists(st.one_of(ISSUE, REVOKE, EXPIRE), max_size=12)


@pytest.fixture(scope="module")
def voucher_db(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[VoucherService, ManualClock, list[int]]:
    """A voucher service on one SQLite database, with three eligible enterprises."""
    path: Path = tmp_path_factory.mktemp("vouchers") / "fleet.db"
    engine = engine_at_head(f"sqlite:///{path}")
    clock = ManualClock(START)
    service = VoucherService(RecordStore(engine, AuditLog(engine)), clock)
    with Session(engine) as session:
        for n in (1, 2, 3):
            session.add(
                Enterprise(
                    name=f"e{n}",
                    uscc=credit_code(n),
                    registered_in_district=True,
                    created_at=START,
                    updated_at=START,
                )
            )
        session.commit()
    return service, clock, [1, 2, 3]


def _new_programme(service: VoucherService, pool_fen: int) -> Programme:
    with Session(service.store.engine, expire_on_commit=False) as session:
        rules = ProgrammeRules(
            total_pool_fen=pool_fen, enterprise_annual_cap_fen=pool_fen, voucher_validity_days=10
        )
        programme = Programme(
            **rules.model_dump(),
            name="p",
            geofence_site="longgang-demo",
            geofence_zone="longgang-geofence",
            created_at=START,
            updated_at=START,
        )
        session.add(programme)
        session.commit()
        return programme


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pool=st.integers(0, 1000), steps=STEPS)
def test_balances_always_add_up_to_the_pool(
    voucher_db: tuple[VoucherService, ManualClock, list[int]], pool: int, steps: list[Any]
) -> None:
    service, clock, holders = voucher_db
    programme = _new_programme(service, pool)
    assert programme.id is not None
    for verb, number, face in steps:
        if verb == "issue":
            try:
                service.issue_batch(programme.id, holders[:number], face, "officer")
            except Conflict:
                assert face * number > _available(service, programme)
        elif verb == "revoke":
            live = [v for v in service.find(programme_id=programme.id) if v.status == "issued"]
            if live:
                service.revoke(live[number % len(live)].id, "test", "officer")
        else:
            clock.now += timedelta(days=number)
            service.expire_due()
        vouchers = service.find(programme_id=programme.id)
        with Session(service.store.engine) as session:
            balances = programme_balances(session, programme)
        live_fen = sum(v.unused_fen for v in vouchers if v.status in ("issued", "in_use"))
        assert balances.reserved_fen == live_fen
        assert balances.paid_fen == 0
        assert balances.available_fen >= 0
        assert balances.available_fen + balances.reserved_fen + balances.paid_fen == pool


def _available(service: VoucherService, programme: Programme) -> int:
    with Session(service.store.engine) as session:
        return programme_balances(session, programme).available_fen


def test_a_voucher_that_cannot_be_expired_is_set_aside_and_the_others_expire(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    budgets = [{"year": 2026, "budget_fen": 10**9}]
    world = VoucherWorld(database_url, START, annual_budgets=budgets)
    stuck, fine = world.voucher(world.holder("甲")), world.voucher(world.holder("乙"))
    log = world.store.log

    def failing_log(
        session: Session, actor: str, entity: str, verb: str, row_id: Any, *rest: Any
    ) -> None:
        if row_id == stuck:
            raise RuntimeError("audit write failed for this row")
        log(session, actor, entity, verb, row_id, *rest)

    monkeypatch.setattr(world.store, "log", failing_log)
    world.at(START + timedelta(days=400))
    assert world.vouchers.expire_due() == [fine]
    assert world.vouchers.get(stuck).status == "issued"  # its transaction rolled back whole
    assert dict(world.vouchers.failures.by_loop) == {"voucher expiry": 1}
    # Mended, the next hourly run expires it.
    monkeypatch.setattr(world.store, "log", log)
    assert world.vouchers.expire_due() == [stuck]
    with world.session() as session:
        expiries = session.exec(select(AuditEntry).where(AuditEntry.action == "voucher.expire"))
        assert sorted(int(e.entity_id) for e in expiries) == sorted([stuck, fine])
