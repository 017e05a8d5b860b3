"""Handing results from the rclpy executor thread to the agent's asyncio loop.

rclpy spins in a thread of its own; its callbacks and futures complete there. Nothing from that
thread touches asyncio objects directly: every hand-over goes through call_soon_threadsafe, so
the loop's futures are only ever resolved in the loop's own thread. No rclpy import: anything
with rclpy.task.Future's shape (add_done_callback, cancelled, exception, result) will do, which
is also concurrent.futures.Future's, so this is tested with real threads without ROS.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ThreadFuture(Protocol[T_co]):
    """A future completed in another thread (rclpy.task.Future, concurrent.futures.Future)."""

    def add_done_callback(self, fn: Callable[[Any], None], /) -> None:
        """Call fn(future) once the future is done (at once if it already is)."""

    def cancelled(self) -> bool:
        """Whether the future was cancelled."""

    def exception(self) -> BaseException | None:
        """The exception the future ended with, if any."""

    def result(self) -> T_co:
        """The future's value."""


class LoopBridge:
    """Moves callbacks and future results from other threads into one asyncio loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def call(self, callback: Callable[..., object], *args: object) -> None:
        """Run callback(*args) in the loop's thread, soon; dropped once the loop is closed."""
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop has closed: the agent is gone, nobody is waiting
            log.debug("loop closed; dropped %r", callback)

    def future(self, thread_future: ThreadFuture[T]) -> asyncio.Future[T]:
        """An asyncio future of the loop that settles like the thread's future."""
        settled: asyncio.Future[T] = self._loop.create_future()

        def done(finished: ThreadFuture[T]) -> None:
            self.call(_settle, settled, finished)

        thread_future.add_done_callback(done)
        return settled


def _settle(target: asyncio.Future[T], source: ThreadFuture[T]) -> None:
    """Copy the outcome of a finished thread future (in the loop's thread)."""
    if target.done():  # the awaiting task gave up (cancelled) before the result came
        return
    if source.cancelled():
        target.cancel()
        return
    error = source.exception()
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
