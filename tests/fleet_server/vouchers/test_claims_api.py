"""Claims through the real server's API: filed and auto-verified in the request, the evidence
pack downloaded and re-checked against its digest and the robot's activity, roles enforced."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import text

from fleet_server.accounts.models import Role
from fleet_server.fleet.activity import DayActivity
from fleet_server.fleet.activity_store import ActivityStore
from tests.fleet_server.callers import api_key, create_record, credit_code

V = "/api/v1/vouchers"
YUAN = 100
FENCE = "longgang-geofence"


def _robot_days(client: TestClient, serial: str, first: date, days: int) -> None:
    """The robot's activity for past days, as the server's batch writer stores it."""
    store = ActivityStore(client.app.state.fleet.engine)  # type: ignore[attr-defined]
    store.add(
        [
            DayActivity(
                serial_number=serial,
                day=first + timedelta(days=n),
                site_id="longgang-demo",
                seconds_online=36_000.4,
                seconds_active=7_200.0,
                zone_seconds={FENCE: 36_000.4},
                missions_completed=3,
                distance_m=5_400.25,
            )
            for n in range(days)
        ]
    )


def _records(client: TestClient, officer: dict[str, str], today: date) -> dict[str, Any]:
    programme = create_record(
        client,
        f"{V}/programmes",
        {
            "name": "龙岗机器人券",
            "geofence_site": "longgang-demo",
            "geofence_zone": FENCE,
            "annual_budgets": [{"year": today.year, "budget_fen": 50_000_000 * YUAN}],
        },
        officer,
    )
    supplier = create_record(
        client,
        f"{V}/institutions",
        {
            "name": "巡检机器人集成商",
            "uscc": credit_code(900),
            "registered_in_district": True,
            "catalogue": [{"model": "DOG-X", "manufacturer": "云深处", "kind": "patrol_dog"}],
        },
        officer,
    )
    holder = create_record(
        client,
        f"{V}/enterprises",
        {"name": "龙岗城管服务", "uscc": credit_code(1), "registered_in_district": True},
        officer,
    )
    batch = {"programme_id": programme["id"], "holders": [holder["id"]], "face_value_fen": 10**8}
    voucher = create_record(client, f"{V}/batches", batch, officer)[0]
    return {"programme": programme, "supplier": supplier, "holder": holder, "voucher": voucher}


def test_a_claim_is_auto_verified_with_a_re_checkable_evidence_pack(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    viewer = api_key(client, "viewer", Role.VIEWER)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    commissioned = today - timedelta(days=100)
    records = _records(client, officer, today)
    client.post("/api/v1/robots", json={"serial_number": "dog-07", "manufacturer": "deeprobotics"})
    _robot_days(client, "dog-07", commissioned, 100)
    unit = {
        "serial_number": "SN-DOG-07",
        "robot": "dog-07",
        "holder_id": records["holder"]["id"],
        "site_id": "longgang-demo",
        "commissioned_on": str(commissioned),
    }
    create_record(client, f"{V}/units", unit, officer)
    amount = 400_000 * YUAN
    contract = create_record(
        client,
        f"{V}/contracts",
        {
            "voucher_id": records["voucher"]["id"],
            "supplier_id": records["supplier"]["id"],
            "contract_number": "LG-2026-007",
            "amount_fen": amount,
            "signed_date": str(commissioned),
            "line_items": [{"serial_number": "SN-DOG-07", "model": "DOG-X", "amount_fen": amount}],
            "invoices": [{"number": "INV-7", "amount_fen": amount, "date": str(commissioned)}],
            "payment_proofs": [
                {"reference": "P-7", "amount_fen": amount, "date": str(commissioned)}
            ],
            "acceptance": {"date": str(commissioned), "accepted_by": "王工", "document": "验收单"},
        },
        officer,
    )

    assert (
        client.post(
            f"{V}/claims", json={"contract_id": contract["id"]}, headers=auditor
        ).status_code
        == 403
    )
    claim = create_record(client, f"{V}/claims", {"contract_id": contract["id"]}, officer)
    assert claim["status"] == "auto_verified", claim["checks"]
    assert claim["subsidy_fen"] == 200_000 * YUAN
    assert [check["rule"] for check in claim["checks"]] == [2, 3, 4, 5, 6, 7, 7, 8, 9]
    # Each check carries what it found as codes with parameters, for the console to word.
    found = [[text["code"] for text in check["texts"]] for check in claim["checks"]]
    assert found == [
        ["claim.finding.budget_left"],
        ["claim.finding.holder_eligible"],
        ["claim.finding.supplier_eligible"],
        ["claim.finding.voucher_valid"],
        ["claim.finding.subsidy"],
        ["claim.finding.papers_complete"],
        ["claim.finding.claimed_once"],
        ["claim.finding.real_use"],
        ["claim.finding.filed_in_time"],
    ]
    real_use = claim["checks"][7]["texts"][0]
    assert real_use["params"] == {
        "min_deployment_days": 90,
        "min_active_days": 60,
        "min_share": "90",
    }
    assert real_use["message"] == claim["checks"][7]["message"]
    voucher_valid = claim["checks"][3]["texts"][0]["params"]
    assert voucher_valid["voucher"] == records["voucher"]["id"]
    assert voucher_valid["voucher_status"] == "in_use"
    assert client.get(f"{V}/claims/{claim['id']}", headers=auditor).json() == claim
    assert client.get(f"{V}/claims/{claim['id']}", headers=viewer).status_code == 403
    voucher = client.get(f"{V}/issued/{records['voucher']['id']}", headers=officer).json()
    assert voucher["status"] == "in_use"

    pack = client.get(f"{V}/claims/{claim['id']}/evidence", headers=auditor)
    assert pack.status_code == 200
    digest = hashlib.sha256(pack.content).hexdigest()
    assert digest == pack.headers["X-Evidence-SHA256"] == claim["evidence_sha256"]
    document = json.loads(pack.content)
    days = document["units"][0]["days"]
    assert len(days) == 100 and days[0]["day"] == str(commissioned)
    activity = client.get(
        "/api/v1/robots/dog-07/activity", params={"since": str(commissioned)}
    ).json()
    assert [d["seconds_online"] for d in days] == [round(a["seconds_online"]) for a in activity]
    assert document["units"][0]["totals"]["active_days"] == 100
    verify = client.get(f"{V}/claims/{claim['id']}/evidence/verify", headers=auditor).json()
    assert verify["pack_matches_digest"] and verify["telemetry_matches_pack"]

    # Someone edits a figure of the stored pack in the database: the digest no longer matches.
    engine = client.app.state.fleet.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE claim SET evidence = replace(evidence, '36000', '36999') WHERE id = :id"),
            {"id": claim["id"]},
        )
    verify = client.get(f"{V}/claims/{claim['id']}/evidence/verify", headers=auditor).json()
    assert verify["pack_matches_digest"] is False and verify["telemetry_matches_pack"] is False

    approve = {"decision_reference": "龙科券〔2026〕7号"}
    approved = client.post(f"{V}/claims/{claim['id']}/approve", json=approve, headers=officer)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    early = client.post(
        f"{V}/settlements", json={"programme_id": records["programme"]["id"]}, headers=officer
    )
    assert early.status_code == 409
    assert "public notice" in early.json()["detail"]
    assert early.json()["code"] == "settlement.error.nothing_due"
    assert early.json()["params"] == {"programme": records["programme"]["id"]}
    again = client.post(f"{V}/claims/{claim['id']}/approve", json=approve, headers=officer)
    assert again.status_code == 409
    assert again.json() == {
        "detail": f"claim {claim['id']} is approved; only auto_verified, needs_review claims "
        "can be approved",
        "field": "claim_id",
        "code": "claim.error.not_approvable",
        "params": {"claim": claim["id"], "claim_status": "approved"},
    }
    assert client.get("/api/v1/audit/verify", headers=auditor).json()["ok"] is True


def test_units_must_name_a_known_robot_and_a_past_commissioning(client: TestClient) -> None:
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    holder = _records(client, officer, today)["holder"]["id"]
    unit = {
        "serial_number": "SN-1",
        "robot": "ghost",
        "holder_id": holder,
        "site_id": "longgang-demo",
        "commissioned_on": str(today),
    }
    unknown = client.post(f"{V}/units", json=unit, headers=officer)
    assert unknown.status_code == 422 and "the fleet has no robot 'ghost'" in unknown.text
    client.post("/api/v1/robots", json={"serial_number": "dog-01", "manufacturer": "deeprobotics"})
    future = {**unit, "robot": "dog-01", "commissioned_on": str(today + timedelta(days=2))}
    response = client.post(f"{V}/units", json=future, headers=officer)
    assert response.status_code == 422 and "is in the future" in response.text
    first = create_record(client, f"{V}/units", {**unit, "robot": "dog-01"}, officer)
    other = create_record(
        client,
        f"{V}/enterprises",
        {"name": "坪地物业", "uscc": credit_code(2), "registered_in_district": True},
        officer,
    )
    moved = create_record(
        client, f"{V}/units", {**unit, "robot": "dog-01", "holder_id": other["id"]}, officer
    )
    units = client.get(f"{V}/units", params={"serial_number": "SN-1"}, headers=officer).json()
    assert [(u["id"], u["current"]) for u in units] == [(first["id"], False), (moved["id"], True)]
