"""Drives the base of the held order through the driver and triggers node and edge actions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fleet_protocol.order import Node, Order
from fleet_protocol.state import ActionStatus
from robot_agent.action_runner import ActionRunner
from robot_agent.driver import Driver, DriverError
from robot_agent.errors import NAVIGATION_ERROR
from robot_agent.order_graph import OrderGraph, is_blocking, node_pose

log = logging.getLogger(__name__)

NavigationFailure = Callable[[DriverError, Node | None], None]


class OrderRunner:
    """Passes the order's nodes in runs of one navigate_through_poses goal each, stopping only
    where blocking actions must run, at the end of the base, or while paused."""

    def __init__(
        self,
        driver: Driver,
        actions: ActionRunner,
        resume: asyncio.Event,
        notify: Callable[[], None],
        on_failure: NavigationFailure,
    ) -> None:
        self.graph = OrderGraph()
        self.last_node: Node | None = None
        self.driving = False
        self._driver = driver
        self._actions = actions
        self._resume = resume  # set while not paused
        self._notify = notify
        self._on_failure = on_failure
        self._graph_changed = asyncio.Event()
        self._stop_at: Node | None = None  # a passed node whose blocking actions are still to run
        self._entered: set[int] = set()  # sequenceIds of edges whose actions were triggered
        self._task: asyncio.Task[None] | None = None
        self._nav: asyncio.Task[None] | None = None

    def start(self, order: Order) -> None:
        """Take a new order; its first node (trivially reachable) counts as passed at once, so
        no state reports the new order with the last node of the one before."""
        self._stop_at = None
        self._entered.clear()
        self.graph.load(order)
        for action in self.graph.actions():
            self._actions.add(action, in_order=True)
        self._pass(self.graph.nodes[0])
        self._task = asyncio.create_task(self._run(), name=order.order_id)

    def extend(self, update: Order) -> None:
        """Stitch an accepted update onto the order and go on driving."""
        self._actions.forget(self.graph.stitch(update))
        for action in self.graph.added_actions(update):
            self._actions.add(action, in_order=True)
        self._graph_changed.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=update.order_id)

    def interrupt(self) -> None:
        """Stop the current goal (pause); the run goes on with the remaining nodes on resume."""
        if self._nav is not None:
            self._nav.cancel()

    async def halt(self) -> None:
        """Stop driving and every action of the order, and clear the node and edge states."""
        waiting = [
            i
            for i in self._actions.unfinished_order_actions()
            if self._actions.status(i) is ActionStatus.WAITING
        ]
        self._actions.end(waiting, ActionStatus.FAILED, "order cancelled")
        task = self._task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            await asyncio.wait([task])
        running = self._actions.unfinished_order_actions()
        stopped = self._actions.end(running, ActionStatus.FAILED, "order cancelled")
        if stopped:
            await asyncio.wait(stopped)
        self.graph.clear()
        self._stop_at = None
        self.driving = False
        self._notify()

    async def close(self) -> None:
        """Stop the run task, if any."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait([self._task])

    async def _run(self) -> None:
        try:
            while True:
                await self._resume.wait()
                if self._stop_at is not None:
                    node, self._stop_at = self._stop_at, None
                    await self._actions.run_sequence(node.actions)
                    continue
                run = self.graph.next_run()
                if run:
                    await self._drive(run)
                elif self.graph.nodes:  # at the decision point with a horizon: wait for an update
                    self._graph_changed.clear()
                    await self._graph_changed.wait()
                else:
                    return
        except DriverError as exc:
            self._on_failure(exc, self.graph.nodes[0] if self.graph.nodes else None)

    async def _drive(self, run: list[Node]) -> None:
        """Drive one run of released nodes as one navigate_through_poses goal."""
        edge = self.graph.edge_into(run[0])
        if edge is not None and edge.sequence_id not in self._entered:
            self._entered.add(edge.sequence_id)
            await self._actions.run_sequence(edge.actions)  # blocking edge actions run first
            if not self._resume.is_set():
                return
        poses, previous = [], self._driver.current_pose()
        for node in run:
            previous = node_pose(node, previous)
            poses.append(previous)

        def reached(index: int) -> None:
            for node in run[: index + 1]:
                if self.graph.is_pending(node):
                    self._pass(node)

        self.driving = True
        self._notify()
        nav = asyncio.create_task(
            self._driver.navigate_through_poses(poses, reached, self.graph.max_speed(run))
        )
        self._nav = nav
        try:
            await asyncio.wait([nav])
        finally:
            if not nav.done():  # the order itself is being stopped
                nav.cancel()
                await asyncio.wait([nav])
            self._nav = None
            self.driving = False
            self._notify()
        if nav.cancelled():  # paused: the loop resumes with the nodes still to pass
            return
        error = nav.exception()
        if isinstance(error, DriverError):
            raise error
        if error is not None:
            log.error("driver failed to navigate", exc_info=error)
            raise DriverError(NAVIGATION_ERROR, str(error))
        reached(len(run) - 1)

    def _pass(self, node: Node) -> None:
        """The robot reached a node: update node/edge states, trigger actions (spec 6.10.2)."""
        left = self.graph.pass_node(node)
        if left is not None:  # actions on an edge end when it is left
            ids = [a.action_id for a in left.actions]
            self._actions.end(ids, ActionStatus.FINISHED, "edge left")
        self.last_node = node
        if any(map(is_blocking, node.actions)):
            self._stop_at = node
        else:
            for action in node.actions:
                self._actions.start(action)
            after = self.graph.edge_after(node)
            if after is not None and after.released and not any(map(is_blocking, after.actions)):
                self._entered.add(after.sequence_id)
                for action in after.actions:
                    self._actions.start(action)
        self._notify()
