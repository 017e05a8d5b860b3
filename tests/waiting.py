"""Waiting on a condition with a timeout, for tests that watch a running system."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    check: Callable[[], T], timeout: float = 30.0, interval: float = 0.05, what: str = "it"
) -> T:
    """Poll `check` until it returns something truthy and return that; fail naming `what`."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last value: {last!r}")


async def async_wait_until(
    check: Callable[[], T], timeout: float = 30.0, interval: float = 0.05, what: str = "it"
) -> T:
    """wait_until inside an event loop: the loop runs on while it waits."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last value: {last!r}")
