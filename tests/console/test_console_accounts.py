"""The admin's page of users and API keys in Chromium, and the admin's read-only voucher pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from tests.console.browser import ACCOUNTS, Account, Console, ConsoleFleet, playwright_api
from tests.console.voucher_records import build_voucher_records

expect = playwright_api().expect

ADMIN = ACCOUNTS["admin"]
VOUCHER_TABS = [
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
VOUCHER_WRITES = (
    "form, .records-forms, [data-action=revoke], [data-action='party.blacklist'], "
    "[data-action='contract.fileClaim'], [data-controls=claim] button, "
    "[data-action=close-case], [data-action='clawback.watch']"
)


def _confirmed_click(button) -> None:  # type: ignore[no-untyped-def]
    """A button that asks for a second click to confirm."""
    button.click()
    button.click()


def test_the_admin_creates_a_user_changes_its_role_and_resets_its_password(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(ADMIN, "users")
    page = console.page
    expect(page.locator(".main-nav a[data-page=users]")).to_have_text("用户")
    expect(page.locator(".users-table tr[data-user='admin-user']")).to_be_visible()

    form = page.locator("form[data-form=user]")
    form.locator("input[name=name]").fill("bad name")
    form.locator("input[name=password]").fill("first password 1")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field=name] .field-error")).to_contain_text("格式不对")
    form.locator("input[name=name]").fill("li.new")
    form.locator("select[name=role]").select_option("viewer")
    form.locator("button[type=submit]").click()
    row = page.locator(".users-table tr[data-user='li.new']")
    expect(row.locator("select[name=role]")).to_have_value("viewer")

    row.locator("select[name=role]").select_option("operator")
    expect(page.locator(".notice-ok")).to_contain_text("li.new")
    admin_api = {"Authorization": f"Bearer {fleet.token(ADMIN)}"}
    listed = httpx.get(f"{fleet.base_url}/api/v1/users", headers=admin_api, timeout=10).json()
    assert {u["name"]: u["role"] for u in listed}["li.new"] == "operator"

    _confirmed_click(row.locator("[data-action='users.resetPassword']"))
    secret = page.locator(".secret[data-field=new-password][data-for='li.new'] .secret-value")
    expect(secret).to_have_text(re.compile(r"^\S{16,}$"))
    password = secret.inner_text()
    console.screenshot("users-admin")

    # The user logs in with the new password in another browser, with the new role's pages.
    other = open_console()
    other.log_in(Account("li.new", "operator", password))
    expect(other.page.locator(".user .user-role")).to_have_text("调度员")
    expect(other.page.locator(".main-nav a[data-page=missions]")).to_be_visible()
    expect(other.page.locator(".main-nav a[data-page=users]")).to_have_count(0)
    # The handed-over password becomes the user's own; the console goes on with the new login.
    other.page.click("[data-action=change-password]")
    dialog = other.page.locator("dialog[open]")
    dialog.locator("input[name=current_password]").fill("not it")
    dialog.locator("input[name=new_password]").fill("li new password 1")
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator("[data-field=current_password] .field-error")).not_to_be_empty()
    dialog.locator("input[name=current_password]").fill(password)
    dialog.locator("button[type=submit]").click()
    expect(other.page.locator(".notice-ok")).to_have_text("密码已修改。")
    other.go("missions")
    expect(other.page.locator("table.missions-table")).to_be_visible()
    expect(other.page.locator("[data-connection=live]")).to_be_visible()
    login = f"{fleet.base_url}/api/v1/auth/token"
    for tried, status in ((password, 401), ("li new password 1", 200)):
        answer = httpx.post(login, data={"username": "li.new", "password": tried}, timeout=10)
        assert answer.status_code == status, tried

    # The only admin cannot disable itself: the server refuses and says why, in Chinese.
    _confirmed_click(page.locator("tr[data-user='admin-user'] [data-action='users.disable']"))
    expect(page.locator(".notice-error")).to_contain_text("admin-user 是最后一个启用的管理员")
    expect(page.locator("tr[data-user='admin-user'] [data-status=enabled]")).to_be_visible()


def test_the_admin_creates_an_api_key_sees_it_once_and_revokes_it(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(ADMIN, "users")
    page = console.page
    form = page.locator("form[data-form=apikey]")
    form.locator("input[name=name]").fill("camera-analytics-2")
    form.locator("select[name=role]").select_option("operator")
    form.locator("button[type=submit]").click()
    secret = page.locator(".secret[data-field=new-key] .secret-value")
    expect(secret).to_have_text(re.compile(r"^fk_\S{20,}$"))
    key = secret.inner_text()
    me = httpx.get(f"{fleet.base_url}/api/v1/auth/me", headers={"X-API-Key": key}, timeout=10)
    assert me.json() == {"name": "camera-analytics-2", "role": "operator", "kind": "api_key"}
    row = page.locator(".apikeys-table tbody tr", has_text="camera-analytics-2")
    expect(row.locator("code")).to_have_text(f"{key[:8]}…")
    expect(page.locator(".apikeys-table")).not_to_contain_text(key)
    console.screenshot("users-apikey")

    _confirmed_click(row.locator("[data-action='keys.revoke']"))
    expect(row.locator("[data-status=revoked]")).to_contain_text("已吊销")
    refused = httpx.get(f"{fleet.base_url}/api/v1/auth/me", headers={"X-API-Key": key}, timeout=10)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]

    # The page in English, nothing missing from the dictionary (checked at teardown).
    page.click("[data-action=language]")
    expect(page.locator(".page-users h1")).to_have_text("Users")
    expect(row.locator("[data-status=revoked]")).to_contain_text("Revoked")
    console.screenshot("users-english")


def test_the_admin_reads_the_voucher_records_without_write_buttons(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    build_voucher_records(fleet.system.database_url)
    console = open_console()
    console.log_in(ADMIN, "vouchers")
    page = console.page
    expect(page.locator(".badge.access")).to_have_text("只读")
    for tab in VOUCHER_TABS:
        console.go(f"vouchers/{tab}")
        expect(page.locator(f".tab-body[data-tab={tab}] .panel").first).to_be_visible()
        expect(page.locator(".table-block, section.programme, section.round").first).to_be_visible()
        expect(page.locator(VOUCHER_WRITES)).to_have_count(0)
    console.go("vouchers/claims")
    expect(page.locator(".claims-table tbody tr").first).to_be_visible()
    console.screenshot("vouchers-claims-admin")
