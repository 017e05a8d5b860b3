"""The console's robot-voucher pages in Chromium: an officer files and decides a claim, settles
and closes cases; an auditor reads everything, verifies the audit chain and exports CSV."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.voucher_records import CONTRACT_NUMBER, VoucherRecords, build_voucher_records

expect = playwright_api().expect

OFFICER = ACCOUNTS["subsidy_officer"]
AUDITOR = ACCOUNTS["auditor"]
V = "/api/v1/vouchers"
CLAIM_URL = re.compile(r"#/vouchers/claims/(\d+)$")
TABS = [
    "programmes",
    "issued",
    "enterprises",
    "institutions",
    "contracts",
    "units",
    "claims",
    "settlements",
    "clawbacks",
    "audit",
]
TAB_LABELS_EN = [
    "Programmes",
    "Vouchers",
    "Enterprises",
    "Institutions",
    "Contracts",
    "Units",
    "Claims",
    "Settlements",
    "Clawbacks",
    "Audit",
]


@pytest.fixture(scope="module")
def records(fleet: ConsoleFleet) -> VoucherRecords:
    """The module's voucher records on the fleet's database."""
    return build_voucher_records(fleet.system.database_url)


@pytest.fixture(scope="module")
def officer_api(fleet: ConsoleFleet) -> Iterator[httpx.Client]:
    """The API as the subsidy officer (a login token)."""
    token = fleet.token(OFFICER)
    with httpx.Client(
        base_url=f"{fleet.base_url}{V}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as client:
        yield client


def yuan(fen: int) -> str:
    """Fen as the console shows money: ¥1,234.56."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def test_an_officer_files_a_claim_sees_each_rule_and_approves_it_with_a_reference(
    open_console: Callable[[], Console],
    records: VoucherRecords,
    officer_api: httpx.Client,
    tmp_path: Path,
) -> None:
    console = open_console()
    console.log_in(OFFICER)
    page = console.page
    expect(page.locator(".main-nav a")).to_have_text(["机器人券"])
    expect(page).to_have_url(re.compile("#/vouchers/programmes$"))
    assert console.live_sockets == [], "no fleet feed for a subsidy officer"
    balances = officer_api.get(f"/programmes/{records.programme}").json()["balances"]
    card = page.locator(f'section.programme[data-programme="{records.programme}"]')
    for kind in ("reserved", "paid", "available"):
        expect(card.locator(f"[data-balance={kind}] .balance-value")).to_have_text(
            yuan(balances[f"{kind}_fen"])
        )
    assert balances["paid_fen"] == 560_000 * 100
    console.screenshot("vouchers-programmes")

    # A credit code with a wrong check character is refused, the reason at the field, in the
    # console's language.
    console.go("vouchers/enterprises")
    form = page.locator("form[data-form=enterprise]")
    form.locator("input[name=name]").fill("龙岗测试企业")
    form.locator("input[name=uscc]").fill("91440307MA5F00001X")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field=uscc] .field-error")).to_contain_text(
        "第 18 位校验码是 X，按前 17 位应为"
    )
    expect(form.locator("input[name=uscc]")).to_have_attribute("aria-invalid", "true")
    console.screenshot("vouchers-enterprises")

    console.go("vouchers/contracts")
    row = page.locator(f'.contracts-table tr[data-contract="{records.contract}"]')
    expect(row).to_contain_text(CONTRACT_NUMBER)
    row.locator("td").nth(3).click()
    detail = page.locator(f'.contract-detail[data-contract="{records.contract}"]')
    expect(detail.locator("[data-field=claim]")).to_have_text("尚未申请")
    console.screenshot("vouchers-contracts")
    detail.locator("[data-action='contract.fileClaim']").click()

    expect(page).to_have_url(CLAIM_URL)
    found = CLAIM_URL.search(page.url)
    assert found is not None
    claim_id = int(found.group(1))
    claim = officer_api.get(f"/claims/{claim_id}").json()
    assert claim["status"] == "needs_review" and claim["failed_rules"] == [8], claim
    checks = page.locator("ol.checks > li")
    expect(checks).to_have_count(len(claim["checks"]))
    assert checks.evaluate_all("els => els.map(e => e.dataset.rule + e.dataset.result)") == [
        f"{c['rule']}{'pass' if c['passed'] else 'fail'}" for c in claim["checks"]
    ]
    rule_8 = page.locator("ol.checks > li[data-rule='8']")
    expect(rule_8.locator(".result")).to_have_text("未通过")
    expect(rule_8.locator(".check-title")).to_have_text("运行数据证明实际使用")
    # What the rule found, worded in Chinese from its codes and parameters.
    rule_8_found = claim["checks"][7]["texts"]
    expect(rule_8.locator(".check-message")).to_have_attribute(
        "data-codes", " ".join(found["code"] for found in rule_8_found)
    )
    assert "claim.finding.no_telemetry" in [found["code"] for found in rule_8_found]
    expect(rule_8.locator(".check-message")).to_contain_text("设备 LG-DOG-0101 没有运行数据")
    expect(rule_8.locator(".check-message")).not_to_contain_text("telemetry")
    expect(rule_8.locator("[data-figure=units] td").nth(0)).to_have_text("LG-DOG-0101")
    subsidy = page.locator("ol.checks > li[data-rule='6']")
    expect(subsidy.locator("[data-figure=subsidy_fen]")).to_have_text(yuan(claim["subsidy_fen"]))
    expect(subsidy.locator("[data-figure=ratio_bp]")).to_have_text("50 %")
    expect(subsidy.locator(".check-message")).to_contain_text("补贴为")
    expect(subsidy.locator("[data-figure=limits_fen] dt").first).to_have_text("合同金额的 50%")
    expect(page.locator("[data-field=checks-summary]")).to_contain_text("未通过：规则 8")
    expect(page.locator(".claim-side [data-field=status] .badge")).to_have_text("待人工审核")
    rule_8.scroll_into_view_if_needed()
    console.screenshot("voucher-claim")

    # Approving one that failed a rule needs a reason: the server says so at the field.
    page.click("[data-action='claim.approve']")
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=decision_reference]").fill("龙科券〔2026〕7号")
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator("[data-field=reason] .field-error")).to_have_text(
        f"申请 {claim_id} 未通过规则 8；批准须写明理由"
    )
    console.screenshot("voucher-claim-approve")
    dialog.locator("textarea[name=reason]").fill("设备新换机器人编号，运行记录经现场核实")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".claim-side [data-field=status] .badge")).to_have_attribute(
        "data-status", "approved"
    )
    expect(page.locator(".claim-side [data-field=reference]")).to_have_text("龙科券〔2026〕7号")
    expect(page.locator(".claim-side [data-field=notice]")).to_be_visible()
    decided = officer_api.get(f"/claims/{claim_id}").json()
    assert decided["status"] == "approved" and decided["overridden_rules"] == [8]
    assert decided["decision_reference"] == "龙科券〔2026〕7号"

    # The evidence pack is saved as a file; its SHA-256, computed here, matches the claim's.
    with page.expect_download() as download_info:
        page.click("[data-action='claim.downloadEvidence']")
    download = download_info.value
    assert download.suggested_filename == f"claim-{claim_id}-evidence.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    assert digest == claim["evidence_sha256"]
    expect(page.locator("[data-field=computed-sha256]")).to_have_text(digest)
    expect(page.locator("[data-field=hash-check]")).to_have_attribute("data-matches", "true")

    # Last year's round was cut: each claim paid the same share of what it asked.
    console.go("vouchers/settlements")
    round_ = officer_api.get("/settlements").json()[0]
    card = page.locator(f'section.round[data-round="{round_["id"]}"]')
    expect(card.locator("[data-field=cut]")).to_contain_text("按 80 % 兑付")
    expect(card.locator("tr[data-payout] td:last-child")).to_have_text(
        [yuan(p["amount_fen"]) for p in round_["payouts"]]
    )
    console.screenshot("vouchers-settlements")

    # A lock-in case closed pro rata, with the reason.
    case_id = records.cases[0]
    console.go(f"vouchers/clawbacks/{case_id}")
    case = page.locator(f'.case-detail[data-case="{case_id}"]')
    expect(case).to_contain_text("停用或离开运营范围过久")
    expect(case.locator("[data-figure=days_out_of_service]")).to_be_visible()
    page.click("[data-action=close-case]")
    dialog.locator("select[name=outcome]").select_option("recovered:pro_rata")
    dialog.locator("textarea[name=reason]").fill("设备停用超过 30 天，按未履行天数追回")
    dialog.locator("button[type=submit]").click()
    expect(case.locator(".badge[data-status]")).to_have_attribute("data-status", "recovered")
    closed = officer_api.get(f"/clawbacks/{case_id}").json()
    assert closed["status"] == "recovered" and closed["recovery"] == "pro_rata"
    expect(case.locator("[data-field=recovered]")).to_have_text(yuan(closed["recovered_fen"]))
    console.screenshot("vouchers-clawbacks")


def test_an_auditor_reads_every_voucher_page_without_write_buttons_and_verifies_the_audit_log(
    open_console: Callable[[], Console],
    fleet: ConsoleFleet,
    records: VoucherRecords,
    officer_api: httpx.Client,
    tmp_path: Path,
) -> None:
    console = open_console()
    console.log_in(AUDITOR, "vouchers")
    page = console.page
    expect(page.locator(".main-nav a")).to_have_text(
        ["地图", "概览", "机器人", "任务", "事件", "告警", "计划", "模板", "机器人券"]
    )
    expect(page.locator(".badge.access")).to_have_text("只读")
    writes = "form, .records-forms, [data-action=revoke], [data-action='party.blacklist'], " + (
        "[data-action='contract.fileClaim'], [data-controls=claim] button, "
        "[data-action=close-case], [data-action='clawback.watch']"
    )
    for tab in TABS:
        console.go(f"vouchers/{tab}")
        expect(page.locator(f".tab-body[data-tab={tab}] .panel").first).to_be_visible()
        expect(page.locator(".table-block, section.programme, section.round").first).to_be_visible()
        expect(page.locator(writes)).to_have_count(0)
        console.screenshot(f"vouchers-{tab}-auditor")
    claim = officer_api.get("/claims").json()[-1]
    console.go(f"vouchers/claims/{claim['id']}")
    expect(page.locator("ol.checks > li")).to_have_count(len(claim["checks"]))
    expect(page.locator("[data-action='claim.downloadEvidence']")).to_be_visible()
    expect(page.locator(writes)).to_have_count(0)
    console.go(f"vouchers/clawbacks/{records.cases[1]}")
    expect(page.locator(".case-detail .badge[data-status=open]")).to_be_visible()
    expect(page.locator(writes)).to_have_count(0)

    console.go("vouchers/audit")
    auditor = {"Authorization": f"Bearer {fleet.token(AUDITOR)}"}
    chain = httpx.get(f"{fleet.base_url}/api/v1/audit/verify", headers=auditor, timeout=10).json()
    page.click("[data-action='audit.verify']")
    result = page.locator("[data-field=verify-result]")
    expect(result).to_have_attribute("data-ok", "true")
    expect(result).to_have_text(f"完整：{chain['entries']} 条记录，哈希链无断点。")
    # Each action by its name (its code beside it), each record by its kind.
    expect(page.locator(".audit-table")).to_contain_text("提交兑付申请 claim.file")
    expect(page.locator(".audit-table")).to_contain_text("兑付申请 #")
    page.locator(".audit-table tbody tr").first.click()
    expect(page.locator(".audit-entry pre.json")).to_have_count(2)
    console.screenshot("vouchers-audit")

    console.go("vouchers/claims")
    with page.expect_download() as download_info:
        page.click("[data-export=claims]")
    download = download_info.value
    assert download.suggested_filename == "claims.csv"
    saved = tmp_path / "claims.csv"
    download.save_as(saved)
    text = saved.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and CONTRACT_NUMBER in text

    # Every voucher page in English, nothing missing from the dictionary (checked at teardown).
    page.click("[data-action=language]")
    expect(page.locator(".record-tabs a")).to_have_text(TAB_LABELS_EN)
    for tab in TABS:
        console.go(f"vouchers/{tab}")
        expect(page.locator(f".tab-body[data-tab={tab}] .panel").first).to_be_visible()
    console.go(f"vouchers/claims/{claim['id']}")
    expect(page.locator("ol.checks > li[data-rule='8'] .result")).to_have_text("FAIL")
    # In English the findings read as the server's own English.
    rule_8_en = next(check for check in claim["checks"] if check["rule"] == 8)
    expect(page.locator("ol.checks > li[data-rule='8'] .check-message")).to_have_text(
        rule_8_en["message"]
    )
    console.screenshot("voucher-claim-english")
