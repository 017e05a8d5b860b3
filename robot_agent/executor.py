"""Runs VDA 5050 orders and instant actions against a Driver and owns the vehicle's state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any

from fleet_protocol.actions import Action
from fleet_protocol.base import utc_now
from fleet_protocol.factsheet import ActionScope, AgvAction
from fleet_protocol.kinds import (
    CANCEL_ORDER,
    FACTSHEET_REQUEST,
    START_PAUSE,
    STATE_REQUEST,
    STOP_PAUSE,
)
from fleet_protocol.order import InstantActions, Node, Order
from fleet_protocol.state import (
    ActionStatus,
    Error,
    ErrorLevel,
    EStop,
    OperatingMode,
    SafetyState,
    State,
    Visualization,
)
from fleet_protocol.topics import Subtopic
from robot_agent.acceptance import (
    DEFAULT_REACH_TOLERANCE,
    Capabilities,
    Held,
    Verdict,
    decide,
    parse_message,
)
from robot_agent.action_runner import ActionRunner, FinishSink
from robot_agent.driver import Driver, DriverError
from robot_agent.errors import INSTANT_ACTION_ERROR, NO_ORDER_TO_CANCEL, make_error
from robot_agent.order_runner import OrderRunner
from robot_agent.telemetry import agv_position, battery_state, distance_since, velocity

log = logging.getLogger(__name__)

FactsheetRequest = Callable[[], Awaitable[None]]


class OrderExecutor:
    """The vehicle side of VDA 5050 without MQTT: accepts orders, drives them, reports state.

    Every change of the state sets `changed`; the session publishes state when it is set.
    """

    def __init__(
        self,
        driver: Driver,
        manufacturer: str,
        serial_number: str,
        *,
        on_factsheet_request: FactsheetRequest | None = None,
        on_action_finished: FinishSink | None = None,
        reach_tolerance: float = DEFAULT_REACH_TOLERANCE,
    ) -> None:
        self.changed = asyncio.Event()
        self._driver = driver
        self._manufacturer = manufacturer
        self._serial_number = serial_number
        self._on_factsheet_request = on_factsheet_request
        self._reach_tolerance = reach_tolerance
        declared = driver.description().actions
        self._node_types = _types_in_scope(declared, ActionScope.NODE)
        self._edge_types = _types_in_scope(declared, ActionScope.EDGE)
        self._instant_types = _types_in_scope(declared, ActionScope.INSTANT)
        self._resume = asyncio.Event()  # set while not paused
        self._resume.set()
        self._actions = ActionRunner(
            driver, self.changed.set, self._action_failed, self._resume, on_action_finished
        )
        self._runner = OrderRunner(
            driver, self._actions, self._resume, self.changed.set, self._navigation_failed
        )
        self._order_id = ""
        self._order_update_id = 0
        self._zone_set_id: str | None = None
        self._decision_point: tuple[str, int] | None = None
        self._closed = False  # cancelled or aborted: updates to it are refused
        self._errors: list[Error] = []
        self._background: set[asyncio.Task[None]] = set()

    # --- incoming messages

    def handle_order(self, payload: bytes) -> None:
        """Validate an order message and accept, ignore or reject it (errors go into state)."""
        order = parse_message(Order, payload, Subtopic.ORDER)
        if isinstance(order, Error):
            self._report(order)
            return
        verdict = decide(order, self._held(), self._driver.current_pose(), self._capabilities())
        if isinstance(verdict, Error):
            log.warning("order %s rejected: %s", order.order_id, verdict.error_description)
            self._report(verdict)
            return
        if verdict is Verdict.IGNORE:
            log.debug("order %s/%s received again", order.order_id, order.order_update_id)
            return
        log.info("order %s/%s accepted", order.order_id, order.order_update_id)
        if verdict is Verdict.NEW:
            self._errors = []  # warnings are reported until a new order is accepted (6.6.4)
            self._actions.forget_order()
            self._closed = False
            self._set_order(order)
            self._runner.start(order)
        else:
            self._set_order(order)
            self._runner.extend(order)

    def handle_instant_actions(self, payload: bytes) -> None:
        """Validate an instantActions message and run each action (errors go into state)."""
        message = parse_message(InstantActions, payload, Subtopic.INSTANT_ACTIONS)
        if isinstance(message, Error):
            self._report(message)
            return
        for action in message.actions:
            self._instant(action)

    # --- state

    def state(self, header_id: int) -> State:
        """The vehicle's state now, under the given headerId."""
        graph, last = self._runner.graph, self._runner.last_node
        pose = self._driver.current_pose()
        return State(
            header_id=header_id,
            timestamp=utc_now(),
            manufacturer=self._manufacturer,
            serial_number=self._serial_number,
            order_id=self._order_id,
            order_update_id=self._order_update_id,
            zone_set_id=self._zone_set_id,
            last_node_id=last.node_id if last else "",
            last_node_sequence_id=last.sequence_id if last else 0,
            driving=self._runner.driving,
            paused=not self._resume.is_set(),
            new_base_request=graph.has_horizon() and graph.released_count() <= 1,
            distance_since_last_node=distance_since(last, pose),
            operating_mode=OperatingMode.AUTOMATIC,
            node_states=graph.node_states(),
            edge_states=graph.edge_states(),
            agv_position=agv_position(pose),
            velocity=velocity(self._driver.speed()),
            action_states=self._actions.states(),
            battery_state=battery_state(self._driver.battery()),
            errors=[e.model_copy() for e in self._errors],
            safety_state=SafetyState(e_stop=EStop.NONE, field_violation=False),
        )

    def visualization(self, header_id: int) -> Visualization:
        """Position and velocity now, under the given headerId."""
        return Visualization(
            header_id=header_id,
            timestamp=utc_now(),
            manufacturer=self._manufacturer,
            serial_number=self._serial_number,
            agv_position=agv_position(self._driver.current_pose()),
            velocity=velocity(self._driver.speed()),
        )

    async def close(self) -> None:
        """Stop driving and every task the executor started."""
        for task in self._background:
            task.cancel()
        if self._background:
            await asyncio.wait(self._background)
        await self._runner.close()
        await self._actions.close()

    # --- acceptance

    def _held(self) -> Held:
        last = self._runner.last_node
        return Held(
            order_id=self._order_id,
            order_update_id=self._order_update_id,
            active=bool(self._runner.graph.nodes) or self._actions.any_unfinished(),
            closed=self._closed,
            decision_point=self._decision_point,
            last_node=(last.node_id, last.sequence_id) if last else ("", 0),
        )

    def _has_order(self) -> bool:
        """Whether an order is being executed, i.e. there is something to cancel."""
        return not self._closed and (
            bool(self._runner.graph.nodes) or bool(self._actions.unfinished_order_actions())
        )

    def _capabilities(self) -> Capabilities:
        return Capabilities(
            node_actions=self._node_types,
            edge_actions=self._edge_types,
            map_id=self._driver.current_pose().map_id,
            reach_tolerance=self._reach_tolerance,
        )

    def _set_order(self, order: Order) -> None:
        self._order_id = order.order_id
        self._order_update_id = order.order_update_id
        self._zone_set_id = order.zone_set_id
        base = order.base_nodes()[-1]
        self._decision_point = (base.node_id, base.sequence_id)
        self.changed.set()

    # --- failures

    def _navigation_failed(self, exc: DriverError, next_node: Node | None) -> None:
        node_id = next_node.node_id if next_node else ""
        self._abort(exc, {"orderId": self._order_id, "nodeId": node_id})

    def _action_failed(self, action: Action, exc: DriverError) -> None:
        references = {"actionId": action.action_id, "actionType": action.action_type}
        if exc.fatal:
            self._abort(exc, {"orderId": self._order_id, **references})
        else:
            self._report(make_error(exc.error_type, exc.description, references))

    def _abort(self, exc: DriverError, references: dict[str, object]) -> None:
        """Report a driver error that ends the order (navigation failed, or fatal) and stop it."""
        level = ErrorLevel.FATAL if exc.fatal else ErrorLevel.WARNING
        self._report(make_error(exc.error_type, exc.description, references, level))
        if self._has_order():
            log.error("order %s aborted: %s", self._order_id, exc.description)
            self._closed = True
            self._spawn(self._runner.halt())

    # --- instant actions

    def _instant(self, action: Action) -> None:
        kind = action.action_type
        if kind == CANCEL_ORDER:
            self._cancel_order(action)
        elif kind in (START_PAUSE, STOP_PAUSE):
            self._set_paused(kind == START_PAUSE)
            self._actions.add(action, in_order=False, status=ActionStatus.FINISHED)
        elif kind == STATE_REQUEST:
            self._actions.add(action, in_order=False, status=ActionStatus.FINISHED)
        elif kind == FACTSHEET_REQUEST and self._on_factsheet_request is not None:
            self._actions.add(action, in_order=False, status=ActionStatus.RUNNING)
            self._spawn(self._send_factsheet(action, self._on_factsheet_request))
        elif kind != FACTSHEET_REQUEST and kind in self._instant_types:
            self._actions.add(action, in_order=False)
            self._actions.start(action)
        else:
            self._fail_instant(
                action, INSTANT_ACTION_ERROR, f"instant action {kind!r} is not supported"
            )

    def _fail_instant(self, action: Action, error_type: str, description: str) -> None:
        self._actions.add(action, in_order=False, status=ActionStatus.FAILED, result=description)
        references = {
            "topic": Subtopic.INSTANT_ACTIONS.value,
            "actionId": action.action_id,
            "actionType": action.action_type,
        }
        self._report(make_error(error_type, description, references))

    def _cancel_order(self, action: Action) -> None:
        """Spec 6.6.3: cancelOrder RUNNING until driving and all actions stopped, then FINISHED."""
        if not self._has_order():
            self._fail_instant(action, NO_ORDER_TO_CANCEL, "there is no order to cancel")
            return
        log.info("cancelling order %s", self._order_id)
        self._closed = True
        self._actions.add(action, in_order=False, status=ActionStatus.RUNNING)

        async def cancel() -> None:
            await self._runner.halt()
            self._actions.set_status(action.action_id, ActionStatus.FINISHED)

        self._spawn(cancel())

    def _set_paused(self, paused: bool) -> None:
        if paused:
            self._resume.clear()
            self._runner.interrupt()
        else:
            self._resume.set()
        self.changed.set()

    async def _send_factsheet(self, action: Action, send: FactsheetRequest) -> None:
        try:
            await send()
        except Exception as exc:
            log.exception("factsheet could not be sent")
            self._actions.set_status(action.action_id, ActionStatus.FAILED, str(exc))
        else:
            self._actions.set_status(action.action_id, ActionStatus.FINISHED)

    # --- helpers

    def _report(self, error: Error) -> None:
        self._errors.append(error)
        self.changed.set()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _types_in_scope(actions: Iterable[AgvAction], scope: ActionScope) -> frozenset[str]:
    return frozenset(a.action_type for a in actions if scope in a.action_scopes)
