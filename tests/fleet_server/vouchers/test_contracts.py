"""Contracts under vouchers (rule 4): the supplier is neither the holder nor affiliated with it
and supplies models from its catalogue; amounts add up; serial, contract and invoice numbers are
unique; only a live voucher takes a contract; every change audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from tests.fleet_server.callers import api_key, create_record, credit_code, without_credentials

PROGRAMMES = "/api/v1/vouchers/programmes"
ENTERPRISES = "/api/v1/vouchers/enterprises"
INSTITUTIONS = "/api/v1/vouchers/institutions"
BATCHES = "/api/v1/vouchers/batches"
ISSUED = "/api/v1/vouchers/issued"
CONTRACTS = "/api/v1/vouchers/contracts"
AUDIT = "/api/v1/audit"
YUAN = 100


class District:
    """A programme, a holder with a live voucher, and suppliers: a fair one, an affiliated one
    and one sharing the holder's credit code."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
        programme = create_record(
            client,
            PROGRAMMES,
            {
                "name": "龙岗机器人券",
                "geofence_site": "longgang-demo",
                "geofence_zone": "longgang-geofence",
                "total_pool_fen": 100_000_000 * YUAN,
                "voucher_validity_days": 365,
            },
            self.officer,
        )["id"]
        self.supplier = self._institution(101, "焊接机器人集成商")
        self.affiliated = self._institution(102, "关联机构")
        self.same_code = self._institution(1, "同一法人的机构")
        self.holder = create_record(
            client,
            ENTERPRISES,
            {
                "name": "龙岗制造",
                "uscc": credit_code(1),
                "registered_in_district": True,
                "affiliated_institutions": [self.affiliated],
            },
            self.officer,
        )["id"]
        body = {"programme_id": programme, "holders": [self.holder], "face_value_fen": 60_000_000}
        self.voucher = create_record(client, BATCHES, body, self.officer)[0]["id"]

    def _institution(self, serial: int, name: str) -> int:
        body = {
            "name": name,
            "uscc": credit_code(serial),
            "registered_in_district": True,
            "catalogue": [
                {"model": "WR-6", "manufacturer": "埃斯顿", "kind": "other"},
                {"model": "WR-3", "manufacturer": "埃斯顿", "kind": "other"},
            ],
        }
        institution_id: int = create_record(self.client, INSTITUTIONS, body, self.officer)["id"]
        return institution_id

    def contract(self, number: str = "LG-2026-001", **changes: Any) -> dict[str, Any]:
        """The district's example: 6 welding robots on a 1,200,000 yuan contract."""
        body: dict[str, Any] = {
            "voucher_id": self.voucher,
            "supplier_id": self.supplier,
            "contract_number": number,
            "amount_fen": 1_200_000 * YUAN,
            "signed_date": "2026-03-02",
            "line_items": [
                {"serial_number": f"{number}-SN{n}", "model": "WR-6", "amount_fen": 200_000 * YUAN}
                for n in range(1, 7)
            ],
            "invoices": [
                {"number": f"INV-{number}-1", "amount_fen": 600_000 * YUAN, "date": "2026-03-05"}
            ],
            "payment_proofs": [],
            "acceptance": None,
        }
        body.update(changes)
        return body

    def post(self, body: dict[str, Any], who: dict[str, str] | None = None) -> Any:
        return self.client.post(CONTRACTS, json=body, headers=who or self.officer)


def _refused(response: Any, code: int, field: str, *words: str) -> None:
    assert response.status_code == code, response.text
    assert response.json()["field"] == field, response.json()
    for word in words:
        assert word in response.json()["detail"], response.json()


def _audit_ok(client: TestClient, who: dict[str, str]) -> None:
    assert client.get(f"{AUDIT}/verify", headers=who).json()["ok"] is True


def test_the_district_example_is_stored_updated_and_audited(client: TestClient) -> None:
    district = District(client)
    officer = district.officer
    created = district.post(district.contract())
    assert created.status_code == 201, created.text
    contract = created.json()
    assert contract["amount_fen"] == 120_000_000
    assert type(contract["amount_fen"]) is int
    assert len(contract["line_items"]) == 6
    assert contract["voucher_id"] == district.voucher
    assert contract["supplier_id"] == district.supplier
    assert contract["acceptance"] is None
    # Invoices short of the full amount are the claim's business, not the contract's.
    assert contract["invoices"][0]["amount_fen"] == 60_000_000

    url = f"{CONTRACTS}/{contract['id']}"
    papers = {
        "invoices": [
            {"number": "INV-LG-2026-001-1", "amount_fen": 60_000_000, "date": "2026-03-05"},
            {"number": "INV-LG-2026-001-2", "amount_fen": 60_000_000, "date": "2026-03-20"},
        ],
        "payment_proofs": [
            {"reference": "BANK-77", "amount_fen": 120_000_000, "date": "2026-03-21"}
        ],
        "acceptance": {"date": "2026-03-25", "accepted_by": "王工", "document": "验收单-001"},
    }
    patched = client.patch(url, json=papers, headers=officer)
    assert patched.status_code == 200, patched.text
    assert patched.json()["invoices"] == papers["invoices"]
    assert patched.json()["acceptance"]["accepted_by"] == "王工"
    assert client.get(url, headers=officer).json() == patched.json()
    other_fields = client.patch(url, json={"amount_fen": 1}, headers=officer)
    assert other_fields.status_code == 422
    assert client.get(f"{CONTRACTS}/999", headers=officer).status_code == 404

    listed = client.get(CONTRACTS, params={"voucher_id": district.voucher}, headers=officer)
    assert [c["id"] for c in listed.json()] == [contract["id"]]
    none = client.get(CONTRACTS, params={"supplier_id": district.affiliated}, headers=officer)
    assert none.json() == []

    entries = client.get(AUDIT, headers=officer).json()
    mine = sorted((e for e in entries if e["entity"] == "contract"), key=lambda e: e["id"])
    assert [e["action"] for e in mine] == ["contract.create", "contract.update"]
    assert all(e["entity_id"] == str(contract["id"]) for e in mine)
    assert mine[0]["before"] is None and mine[1]["before"]["acceptance"] is None
    assert mine[1]["after"]["acceptance"]["document"] == "验收单-001"
    _audit_ok(client, officer)


def test_rule_4_suppliers_and_catalogue(client: TestClient) -> None:
    district = District(client)
    affiliated = district.post(district.contract(supplier_id=district.affiliated))
    _refused(affiliated, 422, "supplier_id", "affiliated", "rule 4")
    same = district.post(district.contract(supplier_id=district.same_code))
    _refused(same, 422, "supplier_id", "same credit code", credit_code(1))
    items = district.contract()["line_items"]
    items[3]["model"] = "X-9"
    unlisted = district.post(district.contract(line_items=items))
    _refused(unlisted, 422, "line_items", "model X-9", "not in the catalogue")
    unknown = district.post(district.contract(supplier_id=999))
    _refused(unknown, 404, "supplier_id", "no institution 999")
    assert client.get(CONTRACTS, headers=district.officer).json() == []


def test_amounts_and_serials_are_checked(client: TestClient) -> None:
    district = District(client)
    short = district.post(district.contract(amount_fen=120_000_001))
    _refused(short, 422, "amount_fen", "120000001", "120000000")
    items = district.contract()["line_items"]
    items[5]["serial_number"] = items[0]["serial_number"]
    twice = district.post(district.contract(line_items=items))
    _refused(twice, 422, "line_items", items[0]["serial_number"], "more than once")
    floated = district.post(district.contract(amount_fen=120_000_000.0))
    assert floated.status_code == 422
    assert floated.json()["detail"].startswith("amount_fen: ")
    assert "whole number of fen" in floated.json()["detail"]
    items = district.contract()["line_items"]
    items[2]["amount_fen"] = 20_000_000.0
    item_float = district.post(district.contract(line_items=items))
    assert item_float.status_code == 422
    assert "line_items[2].amount_fen" in item_float.json()["detail"]
    zero = district.post(district.contract(amount_fen=0))
    assert zero.status_code == 422
    assert client.get(CONTRACTS, headers=district.officer).json() == []


def test_contract_and_invoice_numbers_are_unique_across_contracts(client: TestClient) -> None:
    district = District(client)
    first = district.post(district.contract()).json()
    again = district.post(district.contract())
    _refused(again, 409, "contract_number", f"contract {first['id']}", "LG-2026-001")
    reused = district.contract(
        "LG-2026-002",
        invoices=[{"number": "INV-LG-2026-001-1", "amount_fen": 1, "date": "2026-04-01"}],
    )
    _refused(district.post(reused), 409, "invoices", "INV-LG-2026-001-1", f"contract {first['id']}")
    second = district.post(district.contract("LG-2026-002"))
    assert second.status_code == 201, second.text
    steal = {"invoices": [{"number": "INV-LG-2026-001-1", "amount_fen": 1, "date": "2026-04-01"}]}
    patched = client.patch(
        f"{CONTRACTS}/{second.json()['id']}", json=steal, headers=district.officer
    )
    _refused(patched, 409, "invoices", f"contract {first['id']}")
    # A contract may keep its own invoices when its papers are replaced.
    own = {"invoices": first["invoices"]}
    kept = client.patch(f"{CONTRACTS}/{first['id']}", json=own, headers=district.officer)
    assert kept.status_code == 200, kept.text
    _audit_ok(client, district.officer)


def test_only_a_live_voucher_takes_a_contract(client: TestClient) -> None:
    district = District(client)
    revoke = client.post(
        f"{ISSUED}/{district.voucher}/revoke", json={"reason": "退出"}, headers=district.officer
    )
    assert revoke.status_code == 200, revoke.text
    refused = district.post(district.contract())
    _refused(refused, 409, "voucher_id", "revoked")
    missing = district.post(district.contract(voucher_id=999))
    _refused(missing, 404, "voucher_id", "no voucher 999")


def test_auditors_read_but_do_not_write(client: TestClient) -> None:
    district = District(client)
    auditor = api_key(client, "auditor-zhao", Role.AUDITOR)
    contract = district.post(district.contract()).json()
    url = f"{CONTRACTS}/{contract['id']}"
    assert client.get(url, headers=auditor).json() == contract
    assert len(client.get(CONTRACTS, headers=auditor).json()) == 1
    assert district.post(district.contract("LG-2026-009"), who=auditor).status_code == 403
    assert client.patch(url, json={"acceptance": None}, headers=auditor).status_code == 403
    with without_credentials(client):
        assert client.get(CONTRACTS).status_code == 401
    _audit_ok(client, auditor)
