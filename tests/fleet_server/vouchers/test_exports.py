"""CSV exports of the voucher records as an officer opens them in Excel: UTF-8 with a BOM, CRLF,
Chinese names intact, amounts exact in fen and yuan, local times, failed rules in words, user
text that could run as a formula guarded; downloads for officers and auditors only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.vouchers.exports import (
    CLAIM_COLUMNS,
    claims_csv,
    clawbacks_csv,
    guarded,
    payouts_csv,
    read_directory,
    vouchers_csv,
    yuan_text,
)
from fleet_server.vouchers.models.clawback import ClawbackClose, ClawbackStatus, Recovery
from tests.fleet_server.callers import api_key
from tests.fleet_server.vouchers.voucher_world import OFFICER, YUAN, VoucherWorld, local

START = datetime(2025, 12, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shenzhen
COMMISSIONED = date(2026, 1, 5)
FILED_ON = COMMISSIONED + timedelta(days=100)  # 2026-04-15
BUDGET_2026 = {"year": 2026, "budget_fen": 50_000_000 * YUAN}
MAKER = "龙岗智造科技有限公司"
TRAP = '=HYPERLINK("http://example.com/x","点击领取补贴")'
EXPORTS = "/api/v1/vouchers/exports"


def _rows(data: bytes) -> list[dict[str, str]]:
    """The rows as csv reads the downloaded bytes with utf-8-sig, after checking that they
    start with the BOM and end every line with CRLF, as Excel expects."""
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") > 0
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


class Records:
    """A paid claim of a Chinese-named holder with a closed clawback case, a claim needing
    review (no acceptance record, too few active days) of a holder whose name is a formula, and
    a revoked voucher."""

    def __init__(self, database_url: str) -> None:
        world = self.world = VoucherWorld(database_url, START, annual_budgets=[BUDGET_2026])
        self.maker, self.trap = world.holder(MAKER), world.holder(TRAP)
        # 800,000.05 yuan: the odd fen shows that no float touched it.
        self.paid_voucher = world.voucher(self.maker, 80_000_005)
        self.open_voucher = world.voucher(self.trap)
        self.spare = world.voucher(self.maker, 1_000 * YUAN)
        world.at(local(COMMISSIONED))
        for serial in ("DOG-001", "DOG-002"):
            world.deploy(serial, self.maker, COMMISSIONED)
            world.operate(serial, COMMISSIONED, 100)
        world.deploy("DOG-201", self.trap, COMMISSIONED)
        world.operate("DOG-201", COMMISSIONED, 30)
        paid = world.contract(
            self.paid_voucher, "LG-2026-001", ["DOG-001", "DOG-002"], 123_456_789, COMMISSIONED
        )
        review = world.contract(
            self.open_voucher, "LG-2026-002", ["DOG-201"], 20_000_001, COMMISSIONED, acceptance=None
        )
        world.at(local(FILED_ON, 10))
        self.paid = world.file(paid).id
        self.review = world.file(review).id
        world.approve(self.paid)
        world.at(local(FILED_ON + timedelta(days=7), 11))
        self.payout = world.settle().payouts[0].id
        world.vouchers.revoke(self.spare, "企业申请撤回", OFFICER)
        self.case = self._clawback()

    def _clawback(self) -> int:
        """DOG-002 served ten days after the payout and then went offline: the lock-in watch
        opens a case, which an officer closes pro rata."""
        world, paid_on = self.world, date(2026, 4, 22)
        world.operate("DOG-001", paid_on, 60)
        world.operate("DOG-002", paid_on, 10)
        world.at(local(date(2026, 6, 10), 8))
        (case,) = world.clawbacks.watch()
        world.at(local(date(2026, 6, 10), 15))
        close = ClawbackClose(
            outcome=ClawbackStatus.RECOVERED,
            recovery=Recovery.PRO_RATA,
            reason="-39 天离线，按未服务期比例追回",
        )
        return world.clawbacks.close(case.id, close, OFFICER).id


def test_vouchers_export_opens_in_excel_with_exact_amounts_and_local_times(
    database_url: str,
) -> None:
    records = Records(database_url)
    world = records.world
    text = vouchers_csv(world.vouchers.find(), read_directory(world.engine, world.sites))
    assert _header(text) == [
        "id",
        "programme_id",
        "programme_name",
        "holder_id",
        "holder_name",
        "holder_credit_code",
        "face_value_fen",
        "face_value_yuan",
        "used_fen",
        "used_yuan",
        "unused_fen",
        "unused_yuan",
        "status",
        "issued_at",
        "valid_until",
        "ended_at",
        "revoked_reason",
    ]
    paid, open_, spare = _rows(text.encode())
    assert paid["holder_name"] == MAKER and paid["programme_name"] == "龙岗机器人券"
    assert len(paid["holder_credit_code"]) == 18
    assert (paid["face_value_fen"], paid["face_value_yuan"]) == ("80000005", "800000.05")
    # Half of the 1,234,567.89 yuan contract, rounded down to the fen, was paid.
    assert (paid["used_fen"], paid["used_yuan"]) == ("61728394", "617283.94")
    assert (paid["unused_fen"], paid["unused_yuan"]) == ("18271611", "182716.11")
    assert paid["status"] == "redeemed"
    assert paid["issued_at"] == "2025-12-01T09:00:00+08:00"
    assert paid["valid_until"] == "2026-12-01T09:00:00+08:00"
    assert paid["ended_at"] == "2026-04-22T11:00:00+08:00"
    assert open_["holder_name"] == "'" + TRAP
    assert (open_["status"], open_["ended_at"]) == ("in_use", "")
    assert (spare["status"], spare["revoked_reason"]) == ("revoked", "企业申请撤回")
    assert spare["face_value_yuan"] == "1000.00"


def test_claims_export_lists_failed_rules_in_words(database_url: str) -> None:
    records = Records(database_url)
    world = records.world
    text = claims_csv(world.claims.find(), read_directory(world.engine, world.sites))
    header = _header(text)
    assert header == CLAIM_COLUMNS
    assert header[header.index("failed_rules") :][:6] == [
        "failed_rules",
        "failed_checks",
        "rule_2",
        "rule_2_detail",
        "rule_3",
        "rule_3_detail",
    ]
    # Every rule a claim is checked against has its column.
    checked = {f"rule_{check.rule}" for check in world.claims.get(records.paid).checks}
    assert checked <= set(header)

    paid, review = _rows(text.encode())
    assert (paid["id"], paid["status"]) == (str(records.paid), "paid")
    assert (paid["contract_number"], paid["units"]) == ("LG-2026-001", "DOG-001;DOG-002")
    assert paid["holder_name"] == MAKER and paid["supplier_name"] == "深圳巡检机器人集成商"
    assert paid["filed_at"] == "2026-04-15T10:00:00+08:00"
    assert (paid["subsidy_fen"], paid["subsidy_yuan"]) == ("61728394", "617283.94")
    assert (paid["paid_fen"], paid["paid_yuan"]) == ("61728394", "617283.94")
    assert (paid["failed_rules"], paid["failed_checks"]) == ("", "")
    assert {paid[f"rule_{n}"] for n in range(2, 10)} == {"PASS"}
    assert paid["rule_6_detail"].startswith("Subsidy (passed): the subsidy is 617,283.94 yuan")

    assert review["status"] == "needs_review"
    assert review["holder_name"] == "'" + TRAP
    assert (review["subsidy_fen"], review["subsidy_yuan"]) == ("10000000", "100000.00")
    assert (review["paid_fen"], review["paid_yuan"]) == ("0", "0.00")
    assert review["failed_rules"] == "7, 8"
    assert review["failed_checks"] == (
        "rule 7 Papers complete: the contract has no acceptance record"
        " | rule 8 Real use shown by telemetry: unit DOG-201 was active on 30 days, fewer than 60"
    )
    failing = [n for n in range(2, 10) if review[f"rule_{n}"] == "FAIL"]
    assert failing == [7, 8] and review["rule_9"] == "PASS"
    assert review["rule_7_detail"] == (
        "Papers complete (failed): the contract has no acceptance record | Claimed once only "
        "(passed): neither the contract nor any of its invoices or serial numbers was claimed "
        "before"
    )


def test_payouts_and_clawbacks_exports(database_url: str) -> None:
    records = Records(database_url)
    world = records.world
    directory = read_directory(world.engine, world.sites)
    (payout,) = _rows(payouts_csv(world.settlements.payouts(), directory).encode())
    assert payout["id"] == str(records.payout) and payout["claim_id"] == str(records.paid)
    assert (payout["holder_name"], payout["payee"], payout["payee_name"]) == (
        MAKER,
        "holder",
        MAKER,
    )
    assert payout["payee_id"] == str(records.maker) and payout["year"] == "2026"
    for figure in ("subsidy", "capped", "amount"):
        assert (payout[f"{figure}_fen"], payout[f"{figure}_yuan"]) == ("61728394", "617283.94")
    assert payout["paid_at"] == "2026-04-22T11:00:00+08:00"

    (case,) = _rows(clawbacks_csv(world.clawbacks.find(), directory).encode())
    assert (case["id"], case["claim_id"]) == (str(records.case), str(records.paid))
    assert (case["serial_number"], case["holder_name"]) == ("DOG-002", MAKER)
    assert (case["reason"], case["status"], case["recovery"]) == (
        "out_of_service",
        "recovered",
        "pro_rata",
    )
    assert case["opened_at"] == "2026-06-10T08:00:00+08:00"
    assert case["lock_in_until"] == "2028-04-22"
    # Its half of the 617,283.94 yuan payout; 721 of the 731 lock-in days not served.
    assert (case["unit_paid_fen"], case["unit_paid_yuan"]) == ("30864196", "308641.96")
    assert (case["recovered_fen"], case["recovered_yuan"]) == ("30441977", "304419.77")
    assert (case["closed_by"], case["closed_at"]) == (OFFICER, "2026-06-10T15:00:00+08:00")
    assert case["close_reason"] == "'-39 天离线，按未服务期比例追回"


def test_yuan_is_exact_and_formula_starts_are_guarded() -> None:
    assert [yuan_text(fen) for fen in (123456, 5, 0, 100, 10_000_000_001, -5)] == [
        "1234.56",
        "0.05",
        "0.00",
        "1.00",
        "100000000.01",
        "-0.05",
    ]
    for formula in ("=1+1", "+86 755 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"):
        assert guarded(formula) == "'" + formula
    assert guarded("龙岗 = 好") == "龙岗 = 好"


def test_officers_and_auditors_download_the_exports(client: TestClient, database_url: str) -> None:
    world = VoucherWorld(database_url, START)
    world.voucher(world.holder(MAKER), 123_456)
    officer = api_key(client, "officer-li", Role.SUBSIDY_OFFICER)
    auditor = api_key(client, "auditor-zhang", Role.AUDITOR)

    response = client.get(f"{EXPORTS}/vouchers.csv", headers=officer)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="vouchers.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    (voucher,) = _rows(response.content)
    assert (voucher["holder_name"], voucher["face_value_yuan"]) == (MAKER, "1234.56")

    for kind in ("vouchers", "claims", "payouts", "clawbacks"):
        url = f"{EXPORTS}/{kind}.csv"
        other = world.programme + 1
        filtered = client.get(url, params={"programme_id": other}, headers=auditor)
        assert filtered.status_code == 200, filtered.text
        assert filtered.headers["content-disposition"] == (
            f'attachment; filename="{kind}-programme-{other}.csv"'
        )
        assert _rows(filtered.content) == []
        for role in (Role.VIEWER, Role.OPERATOR):
            refused = client.get(url, headers=api_key(client, f"{role.value}-{kind}", role))
            assert refused.status_code == 403, refused.text
