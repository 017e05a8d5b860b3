"""Action states of the order and of instant actions, and the driver tasks that run the actions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from fleet_protocol.actions import Action, BlockingType
from fleet_protocol.state import TERMINAL_ACTION_STATUSES, ActionState, ActionStatus
from robot_agent.driver import Driver, DriverError
from robot_agent.errors import ACTION_ERROR

log = logging.getLogger(__name__)

FailureSink = Callable[[Action, DriverError], None]
# Told of each action that finished, with its result (capturePhoto's photo id, say).
FinishSink = Callable[[Action, str | None], None]


class ActionRunner:
    """One ActionState per actionId; runs actions on the driver by blocking type, not if paused."""

    def __init__(
        self,
        driver: Driver,
        notify: Callable[[], None],
        on_failure: FailureSink,
        resume: asyncio.Event,
        on_finished: FinishSink | None = None,
    ) -> None:
        self._driver = driver
        self._on_finished = on_finished
        self._notify = notify
        self._on_failure = on_failure
        self._resume = resume  # set while not paused
        self._states: dict[str, ActionState] = {}
        self._order_ids: set[str] = set()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def states(self) -> list[ActionState]:
        """Copies of all action states, in the order the actions were received."""
        return [s.model_copy() for s in self._states.values()]

    def status(self, action_id: str) -> ActionStatus | None:
        """The status of one action, if known."""
        state = self._states.get(action_id)
        return state.action_status if state else None

    def add(
        self,
        action: Action,
        *,
        in_order: bool,
        status: ActionStatus = ActionStatus.WAITING,
        result: str | None = None,
    ) -> None:
        """Report an action received (in an order, or as an instant action)."""
        self._states[action.action_id] = ActionState(
            action_id=action.action_id,
            action_type=action.action_type,
            action_description=action.action_description,
            action_status=status,
            result_description=result,
        )
        if in_order:
            self._order_ids.add(action.action_id)
        self._notify()

    def set_status(self, action_id: str, status: ActionStatus, result: str | None = None) -> None:
        """Move an action to a new status (a result description replaces the old one if given)."""
        state = self._states.get(action_id)
        if state is None:
            return
        state.action_status = status
        if result is not None:
            state.result_description = result
        self._notify()

    def any_unfinished(self) -> bool:
        """Whether any action (order or instant) is neither FINISHED nor FAILED."""
        return any(s.action_status not in TERMINAL_ACTION_STATUSES for s in self._states.values())

    def unfinished_order_actions(self) -> list[str]:
        """The ids of the order's actions that are neither FINISHED nor FAILED."""
        return [
            i
            for i in self._order_ids
            if i in self._states and self._states[i].action_status not in TERMINAL_ACTION_STATUSES
        ]

    def forget_order(self) -> None:
        """Drop the states of the previous order and of finished instant actions (new order)."""
        self._states = {
            i: s
            for i, s in self._states.items()
            if i not in self._order_ids and s.action_status not in TERMINAL_ACTION_STATUSES
        }
        self._order_ids.clear()

    def forget(self, actions: Iterable[Action]) -> None:
        """Drop the states of actions that are no longer part of the order (a replaced horizon)."""
        for action in actions:
            self._states.pop(action.action_id, None)
            self._order_ids.discard(action.action_id)

    def start(self, action: Action) -> asyncio.Task[None]:
        """Run an action in the background (once not paused)."""
        task = asyncio.create_task(self._run(action), name=f"action {action.action_id}")
        self._tasks[action.action_id] = task
        return task

    async def run_sequence(self, actions: Iterable[Action]) -> None:
        """Run a node's or edge's actions as the spec's Figure 17 says: NONE and SOFT in parallel,
        HARD alone; returns when every SOFT and HARD action has ended (NONE ones run on)."""
        parallel: list[asyncio.Task[None]] = []
        for action in actions:
            if action.blocking_type is BlockingType.HARD:
                if parallel:
                    await asyncio.wait(parallel)
                    parallel = []
                await asyncio.wait([self.start(action)])
            else:
                task = self.start(action)
                if action.blocking_type is BlockingType.SOFT:
                    parallel.append(task)
        if parallel:
            await asyncio.wait(parallel)

    def end(
        self, action_ids: Iterable[str], status: ActionStatus, result: str
    ) -> list[asyncio.Task[None]]:
        """Give unfinished actions their final status and cancel their tasks; returns the tasks."""
        tasks = []
        for action_id in action_ids:
            if self.status(action_id) not in TERMINAL_ACTION_STATUSES:
                self.set_status(action_id, status, result)
            task = self._tasks.get(action_id)
            if task is not None and not task.done():
                task.cancel()
                tasks.append(task)
        return tasks

    async def close(self) -> None:
        """Cancel every running action task and wait for them."""
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    def _finish(self, action_id: str, status: ActionStatus, result: str | None) -> None:
        if self.status(action_id) not in TERMINAL_ACTION_STATUSES:
            self.set_status(action_id, status, result)

    def _tell_finished(self, action: Action, result: str | None) -> None:
        if self._on_finished is None:
            return
        try:
            self._on_finished(action, result)
        except Exception:  # what follows an action (an upload) must not fail the action
            log.exception("handling the end of action %s failed", action.action_id)

    async def _run(self, action: Action) -> None:
        action_id = action.action_id
        try:
            await self._resume.wait()
            if self.status(action_id) in TERMINAL_ACTION_STATUSES:
                return
            self.set_status(action_id, ActionStatus.RUNNING)
            result = await self._driver.run_action(action.action_type, action.parameters())
        except asyncio.CancelledError:
            self._finish(action_id, ActionStatus.FAILED, "cancelled")
            raise
        except DriverError as exc:
            self._finish(action_id, ActionStatus.FAILED, exc.description)
            self._on_failure(action, exc)
        except Exception as exc:  # a driver bug fails the action, not the agent
            log.exception("driver raised while running action %s", action_id)
            self._finish(action_id, ActionStatus.FAILED, str(exc))
            self._on_failure(action, DriverError(ACTION_ERROR, str(exc)))
        else:
            self._finish(action_id, ActionStatus.FINISHED, result)
            self._tell_finished(action, result)
        finally:
            if self._tasks.get(action_id) is asyncio.current_task():
                del self._tasks[action_id]
