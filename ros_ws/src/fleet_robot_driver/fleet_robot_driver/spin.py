"""The rclpy executor's own thread, and goals whose answers cross from it into asyncio.

rclpy (Humble) registers a request's future only after sending the request, so a response the
spinning thread handles in between would be dropped: goals, cancels and service calls are
therefore made in the executor's thread (Executor.create_task), and their futures come back to
the agent's loop through LoopBridge.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node

from fleet_robot_driver.bridge import LoopBridge, ThreadFuture
from fleet_robot_driver.port import GoalOutcome


class SpinThread:
    """Spins one node in a thread of its own; runs calls in that thread on request."""

    def __init__(self, node: Node, bridge: LoopBridge) -> None:
        self._executor = SingleThreadedExecutor()
        self._executor.add_node(node)
        self._bridge = bridge
        self._thread = threading.Thread(target=self._executor.spin, name="rclpy", daemon=True)

    def start(self) -> None:
        """Start spinning."""
        self._thread.start()

    def stop(self) -> None:
        """Stop spinning and wait for the thread."""
        self._executor.shutdown()
        self._thread.join(timeout=5.0)

    async def call(self, request: Callable[[], Any]) -> Any:
        """Run request() in the executor's thread; it returns an rclpy Future: its value."""
        task: ThreadFuture[Any] = self._executor.create_task(request)
        future: ThreadFuture[Any] = await self._bridge.future(task)
        return await self._bridge.future(future)


class RclpyGoal:
    """An accepted goal: its result and cancel as awaitables of the agent's loop."""

    def __init__(
        self, handle: Any, spin: SpinThread, read: Callable[[int, Any], GoalOutcome]
    ) -> None:
        self._handle = handle
        self._spin = spin
        self._read = read

    async def result(self) -> GoalOutcome:
        """Wait for the goal's end."""
        response = await self._spin.call(self._handle.get_result_async)
        return self._read(int(response.status), response.result)

    async def cancel(self) -> None:
        """Ask the server to cancel and wait for its answer."""
        await self._spin.call(self._handle.cancel_goal_async)
