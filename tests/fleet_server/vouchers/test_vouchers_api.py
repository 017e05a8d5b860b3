"""/vouchers/programmes, /vouchers/enterprises, /vouchers/institutions and /audit over HTTP:
defaults, validation, roles, and an audit entry for every change that verify re-checks."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from fleet_server.accounts.models import Role
from tests.fleet_server.callers import api_key, create_record, without_credentials

PROGRAMMES = "/api/v1/vouchers/programmes"
ENTERPRISES = "/api/v1/vouchers/enterprises"
INSTITUTIONS = "/api/v1/vouchers/institutions"
AUDIT = "/api/v1/audit"
CODES = ["91350100M000100Y43", "91230184MA1BUFLT44", "92371000MA3MXH0E3W"]
PROGRAMME = {
    "name": "龙岗机器人券 2026",
    "geofence_site": "longgang-demo",
    "geofence_zone": "longgang-geofence",
}


def _officer(client: TestClient) -> dict[str, str]:
    return api_key(client, "officer-li", Role.SUBSIDY_OFFICER)


def test_programmes_default_validate_and_show_balances(client: TestClient) -> None:
    officer = _officer(client)
    created = create_record(client, PROGRAMMES, PROGRAMME, officer)
    assert created["total_pool_fen"] == 10_000_000_000  # 100,000,000 yuan
    assert created["enterprise_annual_cap_fen"] == 100_000_000  # 1,000,000 yuan
    assert created["ratio_bp"] == 5000 and created["unit_cap_fen"] is None
    assert (created["voucher_validity_days"], created["min_deployment_days"]) == (365, 90)
    assert (created["min_active_days"], created["min_geofence_share_bp"]) == (60, 9000)
    assert (created["claim_deadline_months"], created["lock_in_months"]) == (12, 24)
    assert created["clawback_days"] == 30 and created["payee"] == "holder"
    assert created["balances"] == {
        "reserved_fen": 0,
        "paid_fen": 0,
        "available_fen": 10_000_000_000,
    }

    changed = client.patch(
        f"{PROGRAMMES}/{created['id']}",
        json={"total_pool_fen": 50_000_000, "annual_budgets": [{"year": 2026, "budget_fen": 1}]},
        headers=officer,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["balances"]["available_fen"] == 50_000_000
    assert client.get(PROGRAMMES, headers=officer).json()[0]["annual_budgets"] == [
        {"year": 2026, "budget_fen": 1}
    ]

    def refused(body: dict[str, Any]) -> Any:
        response = client.post(PROGRAMMES, json={**PROGRAMME, **body}, headers=officer)
        assert response.status_code == 422, response.text
        return response.json()

    floated = refused({"enterprise_annual_cap_fen": 100_000_000.0})
    assert floated["detail"].startswith("enterprise_annual_cap_fen:")
    assert "whole number of fen" in floated["detail"]
    in_budget = refused({"annual_budgets": [{"year": 2026, "budget_fen": 0.5}]})
    assert "annual_budgets[0].budget_fen" in in_budget["detail"]
    assert refused({"ratio_bp": 10_001})["detail"].startswith("ratio_bp:")
    not_fence = refused({"geofence_zone": "uc-forecourt"})
    assert not_fence["field"] == "geofence_zone" and "cleaning zone" in not_fence["detail"]
    # The console words a refusal by its code and parameters (the zone's kind as a zone kind).
    assert not_fence["code"] == "programme.error.zone_not_geofence"
    assert not_fence["params"] == {
        "zone": "uc-forecourt",
        "site": "longgang-demo",
        "zone_kind": "cleaning",
    }
    assert refused({"geofence_zone": "nowhere"})["field"] == "geofence_zone"
    assert refused({"geofence_site": "atlantis"})["field"] == "geofence_site"
    assert refused({"min_active_days": 91})["field"] == "min_active_days"
    twice = refused({"annual_budgets": [{"year": 2026, "budget_fen": 1}] * 2})
    assert twice["field"] == "annual_budgets"
    assert (twice["code"], twice["params"]) == ("programme.error.year_repeated", {"year": 2026})
    missing = client.get(f"{PROGRAMMES}/999", headers=officer)
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "no programme 999",
        "field": "programme_id",
        "code": "programme.error.not_found",
        "params": {"id": 999},
    }
    # Two programmes' changes were audited; the refused ones were not.
    actions = [e["action"] for e in client.get(AUDIT, headers=officer).json()]
    assert actions == ["programme.update", "programme.create"]


def test_enterprises_and_institutions_check_codes_and_link(client: TestClient) -> None:
    officer = _officer(client)
    supplier = create_record(
        client,
        INSTITUTIONS,
        {
            "name": "深圳机器狗科技",
            "uscc": CODES[2],
            "registered_in_district": True,
            "catalogue": [{"model": "D1", "manufacturer": "宇树", "kind": "patrol_dog"}],
        },
        officer,
    )
    holder = create_record(
        client,
        ENTERPRISES,
        {
            "name": "龙岗清洁服务有限公司",
            "uscc": CODES[0].lower(),
            "registered_in_district": True,
            "affiliated_institutions": [supplier["id"]],
        },
        officer,
    )
    assert holder["uscc"] == CODES[0] and holder["blacklisted"] is False
    assert holder["affiliated_institutions"] == [supplier["id"]]
    shown = client.get(f"{INSTITUTIONS}/{supplier['id']}", headers=officer).json()
    assert shown["affiliated_enterprises"] == [holder["id"]]
    assert shown["catalogue"][0]["model"] == "D1"

    bad = client.post(
        ENTERPRISES,
        json={"name": "错码", "uscc": "91350100M000100Y44", "registered_in_district": True},
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "uscc"
    assert bad.json()["detail"] == (
        "uscc: check character (position 18) is '4' but the first 17 characters give '3': "
        "the code is mistyped"
    )
    assert bad.json()["code"] == "uscc.error.check_character"
    assert bad.json()["params"] == {"field": "uscc", "char": "4", "expected": "3"}
    duplicate = client.post(
        ENTERPRISES,
        json={"name": "同码", "uscc": CODES[0], "registered_in_district": False},
        headers=officer,
    )
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "uscc"
    assert duplicate.json()["code"] == "enterprise.error.code_taken"
    assert duplicate.json()["params"] == {"holder": holder["id"], "uscc": CODES[0]}
    # The same code may be an enterprise and an institution: uniqueness is per table.
    create_record(
        client,
        INSTITUTIONS,
        {"name": "同一家", "uscc": CODES[0], "registered_in_district": True},
        officer,
    )
    unknown = client.post(
        ENTERPRISES,
        json={
            "name": "x",
            "uscc": CODES[1],
            "registered_in_district": True,
            "affiliated_institutions": [999],
        },
        headers=officer,
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "affiliated_institutions"

    blacklisted = client.patch(
        f"{ENTERPRISES}/{holder['id']}",
        json={"blacklisted": True, "affiliated_institutions": []},
        headers=officer,
    )
    assert blacklisted.status_code == 200
    assert blacklisted.json()["blacklisted"] is True
    assert blacklisted.json()["affiliated_institutions"] == []

    update = client.get(AUDIT, params={"entity": "enterprise"}, headers=officer).json()[0]
    assert update["action"] == "enterprise.update" and update["actor"] == "officer-li"
    assert update["before"]["blacklisted"] is False and update["after"]["blacklisted"] is True
    assert update["before"]["affiliated_institutions"] == [supplier["id"]]
    assert update["after"]["affiliated_institutions"] == []
    assert len(client.get(AUDIT, headers=officer).json()) == 4


def test_roles(client: TestClient) -> None:
    officer = _officer(client)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    viewer = api_key(client, "viewer", Role.VIEWER)
    create_record(client, PROGRAMMES, PROGRAMME, officer)
    enterprise = {"name": "x", "uscc": CODES[0], "registered_in_district": True}
    for url in (PROGRAMMES, ENTERPRISES, INSTITUTIONS, AUDIT, f"{AUDIT}/verify"):
        assert client.get(url, headers=auditor).status_code == 200, url
        assert client.get(url, headers=viewer).status_code == 403, url
        with without_credentials(client):
            assert client.get(url).status_code == 401, url
    stored = client.get(f"{PROGRAMMES}/1", headers=auditor).json()
    # Read back from the database: 10^10 fen needs a 64-bit column.
    assert stored["name"] == PROGRAMME["name"] and stored["total_pool_fen"] == 10_000_000_000
    for who in (auditor, viewer):
        assert client.post(PROGRAMMES, json=PROGRAMME, headers=who).status_code == 403
        assert client.patch(f"{PROGRAMMES}/1", json={"name": "y"}, headers=who).status_code == 403
        assert client.post(ENTERPRISES, json=enterprise, headers=who).status_code == 403
        assert client.post(INSTITUTIONS, json=enterprise, headers=who).status_code == 403
    assert len(client.get(AUDIT, headers=auditor).json()) == 1


def test_tampering_is_found_by_verify(client: TestClient) -> None:
    officer = _officer(client)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    programme = create_record(client, PROGRAMMES, PROGRAMME, officer)
    for pool in (1_000_000, 2_000_000, 3_000_000):
        response = client.patch(
            f"{PROGRAMMES}/{programme['id']}", json={"total_pool_fen": pool}, headers=officer
        )
        assert response.status_code == 200
    assert client.get(f"{AUDIT}/verify", headers=auditor).json() == {
        "ok": True,
        "entries": 4,
        "first_broken": None,
        "problem": None,
        "problem_code": None,
        "problem_params": None,
    }
    engine = client.app.state.fleet.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET actor = 'nobody' WHERE id = 3"))
    assert client.get(f"{AUDIT}/verify", headers=auditor).json() == {
        "ok": False,
        "entries": 2,
        "first_broken": 3,
        "problem": "entry 3 its content does not match its hash",
        "problem_code": "audit.entry_altered",
        "problem_params": {"entry": 3},
    }
