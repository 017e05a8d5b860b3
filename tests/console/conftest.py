"""Fixtures of the browser tests: one Chromium and one fleet per module, a tab per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.broker import MosquittoBroker
from tests.console.browser import (
    Console,
    ConsoleFleet,
    chromium,
    console_fleet,
    console_tab,
    require_browser,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for a module's tests; skipped without it unless in CI.

    Not one for the whole run: Playwright's sync API keeps its event loop running in this thread
    while it is open, and every asyncio test the same process runs after a console module would
    fail ("cannot be called from a running event loop").
    """
    require_browser()
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def fleet(
    browser: Browser, broker: MosquittoBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleFleet]:
    """The server, six simulated robots and a user of each role, shared by a module's tests."""
    folder: Path = tmp_path_factory.mktemp("console")
    with console_fleet(broker.url, folder) as running:
        yield running


@pytest.fixture
def open_console(browser: Browser, fleet: ConsoleFleet) -> Iterator[Callable[[], Console]]:
    """Open a console tab (its own session); each is checked for errors when the test ends."""
    with ExitStack() as stack:

        def opened() -> Console:
            tab: AbstractContextManager[Console] = console_tab(browser, fleet.base_url)
            return stack.enter_context(tab)

        yield opened
