"""The console in a real browser: Debian's Chromium driven by Playwright against a running fleet."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import httpx
import pytest

from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.models import Role
from tests.databases import engine_at_head
from tests.system import System
from tests.waiting import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
VIEWPORT = {"width": 1600, "height": 900}
# Run in every page before its own scripts: each Content-Security-Policy violation (an inline
# script, a style attribute, a foreign origin) is written to the console, where Console sees it.
CSP_VIOLATION = "csp violation:"
WATCH_CSP = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  console.error("{CSP_VIOLATION} " + event.effectiveDirective + " blocked " +
    (event.blockedURI || "inline") + " " + (event.sample || ""));
}});
"""
# Fast enough that patrols end in seconds, slow enough that a long one can be paused midway.
SPEED_FACTOR = 200
ROBOTS = 6
KINDS = "patrol_dog,sanitation,service"


@dataclass(frozen=True)
class Account:
    """A console user: name, role and password."""

    name: str
    role: str
    password: str


ACCOUNTS = {
    role: Account(f"{role}-user", role, f"{role}-password-1")
    for role in ("admin", "operator", "viewer", "subsidy_officer", "auditor")
}


def playwright_api() -> ModuleType:
    """playwright.sync_api; without it a test module is skipped, except in CI (a failure)."""
    try:
        import playwright.sync_api as api
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(
            "playwright is not installed (pip install -e '.[dev]')", allow_module_level=True
        )
    return api


def require_browser() -> None:
    """Skip when Chromium or Playwright is missing, except in CI, where that is a failure."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is absent (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing and os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {missing}")
    if missing:
        pytest.skip(missing)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (Debian's; Playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


def add_users(database_url: str, accounts: list[Account]) -> None:
    """Users on the server's database through the account service, as `fleet user add` does
    (in this process: a CLI run per user would cost seconds each)."""
    engine = engine_at_head(database_url)
    try:
        service = AccountService(engine, secrets.token_urlsafe(32), token_ttl_s=60)
        for account in accounts:
            service.add_user(account.name, Role(account.role), account.password)
    finally:
        engine.dispose()


@dataclass
class ConsoleFleet:
    """A running server with simulated robots and a user of each role."""

    system: System
    robots: list[str]

    @property
    def base_url(self) -> str:
        """Where the console is served."""
        return f"http://127.0.0.1:{self.system.port}"

    def token(self, account: Account) -> str:
        """A login token of the account, as the console gets one."""
        response = httpx.post(
            f"{self.base_url}/api/v1/auth/token",
            data={"username": account.name, "password": account.password},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


@contextmanager
def console_fleet(broker_url: str, folder: Path) -> Iterator[ConsoleFleet]:
    """`fleet serve` on SQLite with users of each role, and `fleet-sim` with six robots."""
    database_url = f"sqlite:///{folder / 'fleet.db'}"
    add_users(database_url, list(ACCOUNTS.values()))
    system = System(broker_url, database_url, folder)
    try:
        system.start_fleet(robots=ROBOTS, kinds=KINDS, speed_factor=SPEED_FACTOR)

        def online() -> list[str]:
            robots = [r for r in system.api.get("/robots").json() if r["online"] and r["position"]]
            return sorted(r["id"] for r in robots) if len(robots) == ROBOTS else []

        yield ConsoleFleet(system, wait_until(online, what=f"{ROBOTS} robots online"))
    finally:
        system.stop()


@dataclass
class Console:
    """One browser tab on the console, with what went wrong in it collected."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    live_sockets: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("console", self._console_message)
        self.page.on("websocket", lambda socket: self.live_sockets.append(socket.url))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console_message(self, message: ConsoleMessage) -> None:
        if "missing translation" in message.text or message.text.startswith(CSP_VIOLATION):
            self.errors.append(message.text)

    def open(self, path: str = "") -> None:
        """Open the console at a page path like `missions/new`."""
        self.page.goto(f"{self.base_url}/" + (f"#/{path}" if path else ""))

    def log_in(self, account: Account, path: str = "") -> None:
        """Open the login page and log in; waits for the navigation bar."""
        from playwright.sync_api import expect

        self.open(path)
        self.page.fill("input[name=username]", account.name)
        self.page.fill("input[name=password]", account.password)
        self.page.click("form.login button[type=submit]")
        expect(self.page.locator("header.top-bar")).to_be_visible()

    def go(self, path: str) -> None:
        """Follow an in-page link to a page path (no reload: the feed stays open)."""
        self.page.evaluate("path => { location.hash = '#/' + path; }", path)

    def screenshot(self, name: str) -> Path:
        """Save the page as artifacts/screenshots/<name>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def robot_position(self, serial: str) -> tuple[float, float]:
        """Where the map draws a robot (its icon's site coordinates)."""
        icon = self.page.locator(f'svg.site-map g.robot[data-robot="{serial}"]')
        return (
            float(icon.get_attribute("data-x") or "nan"),
            float(icon.get_attribute("data-y") or "nan"),
        )

    def api_requests(self, fragment: str) -> list[str]:
        """REST requests the page made whose URL contains the fragment."""
        return [url for url in self.requests if "/api/v1/" in url and fragment in url]


@contextmanager
def console_tab(browser: Browser, base_url: str) -> Iterator[Console]:
    """A fresh browser context (its own session storage) with one tab on the console."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH_CSP)
    try:
        console = Console(context.new_page(), base_url)
        yield console
        assert console.errors == [], console.errors
    finally:
        context.close()
