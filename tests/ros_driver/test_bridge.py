"""LoopBridge: results, errors and callbacks from another thread reach the loop in its thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from fleet_robot_driver.bridge import LoopBridge


def _later(seconds: float, action: Callable[[], object]) -> None:
    threading.Timer(seconds, action).start()


async def test_a_result_set_in_another_thread_resolves_the_loop_future() -> None:
    bridge = LoopBridge(asyncio.get_running_loop())
    source: Future[str] = Future()
    seen: list[str] = []
    target = bridge.future(source)
    target.add_done_callback(lambda _: seen.append(threading.current_thread().name))
    _later(0.02, lambda: source.set_result("accepted"))
    assert await asyncio.wait_for(target, 2) == "accepted"
    assert seen == [threading.main_thread().name]


async def test_an_exception_and_a_cancel_cross_over_too() -> None:
    bridge = LoopBridge(asyncio.get_running_loop())
    failing: Future[int] = Future()
    _later(0.01, lambda: failing.set_exception(RuntimeError("server gone")))
    with pytest.raises(RuntimeError, match="server gone"):
        await asyncio.wait_for(bridge.future(failing), 2)
    cancelled: Future[int] = Future()
    target = bridge.future(cancelled)
    _later(0.01, cancelled.cancel)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(target, 2)


async def test_an_already_finished_future_settles_at_once() -> None:
    bridge = LoopBridge(asyncio.get_running_loop())
    source: Future[int] = Future()
    source.set_result(7)
    assert await asyncio.wait_for(bridge.future(source), 2) == 7


async def test_a_result_after_the_waiter_gave_up_is_dropped_quietly() -> None:
    loop = asyncio.get_running_loop()
    bridge = LoopBridge(loop)
    source: Future[int] = Future()
    target = bridge.future(source)
    target.cancel()
    errors: list[object] = []
    loop.set_exception_handler(lambda _, context: errors.append(context))
    source.set_result(1)
    await asyncio.sleep(0.05)
    assert target.cancelled() and errors == []


async def test_calls_run_in_the_loop_thread_in_order() -> None:
    bridge = LoopBridge(asyncio.get_running_loop())
    calls: list[tuple[int, str]] = []
    finished = asyncio.Event()

    def feed() -> None:
        for remaining in (3, 2, 1):
            bridge.call(lambda r: calls.append((r, threading.current_thread().name)), remaining)
        bridge.call(finished.set)

    threading.Thread(target=feed).start()
    await asyncio.wait_for(finished.wait(), 2)
    assert calls == [(r, threading.main_thread().name) for r in (3, 2, 1)]


def test_a_call_after_the_loop_closed_is_dropped() -> None:
    loop = asyncio.new_event_loop()
    bridge = LoopBridge(loop)
    loop.close()
    delivered: list[str] = []
    # The agent is gone: nothing to deliver to, and the ROS thread must not raise for it.
    bridge.call(delivered.append, "never")
    assert delivered == []
