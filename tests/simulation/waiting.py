"""Waiting on conditions with a timeout, for the simulation tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    """Wait until condition() holds; fail with `what` if it does not within the timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        await asyncio.sleep(0.005)
