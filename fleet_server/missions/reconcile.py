"""Keeping robots to the orders the server gave them: a robot running any other order (one the
server never sent, or one of a mission that has ended) is told to cancel it; operators see it."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_protocol.state import State
from fleet_server.fleet.live import FleetRegistry, order_running
from fleet_server.fleet.models.robot import Robot, UnexpectedOrder
from fleet_server.fleet.outbox import Outbox, instant_action

log = logging.getLogger(__name__)

# Orders of ended missions remembered, to say which mission a stale order was (oldest forgotten).
RETIRED_LIMIT = 10_000


def unexpected_order(state: State, expected_order_id: str | None) -> str | None:
    """The id of the order the robot runs if it is not the one it should run, else None."""
    if order_running(state) and state.order_id != expected_order_id:
        return state.order_id
    return None


@dataclass(frozen=True)
class Retired:
    """An order the server no longer stands behind: whose it was and why it ended, and until
    when the robot may still be seen stopping it without an alert."""

    mission_id: int
    why: str
    quiet_until: datetime


class AlertListener(Protocol):
    """Told when a robot is found running an order it should not (the logbook records it)."""

    def on_unexpected_order(self, robot: Robot, alert: UnexpectedOrder) -> None:
        """The alert is new: shown on the robot from now until the robot stops that order."""


class OrderReconciler:
    """Compares each state's order with the one the robot should run and sends cancelOrder,
    again every `retry` while the robot keeps running it."""

    def __init__(
        self,
        registry: FleetRegistry,
        outbox: Outbox,
        clock: Callable[[], datetime],
        *,
        retry_s: float = 5.0,
        grace_s: float = 10.0,
    ) -> None:
        self.registry = registry
        self.outbox = outbox
        self.clock = clock
        self.listeners: list[AlertListener] = []
        self.retry = timedelta(seconds=retry_s)
        # An order the server has just ended itself (and cancelled) may run on for a moment.
        self.grace = timedelta(seconds=grace_s)
        self._last_cancel: dict[str, datetime] = {}
        self._retired: OrderedDict[str, Retired] = OrderedDict()

    def retire(self, order_id: str | None, mission_id: int, why: str, robot: Robot | None) -> None:
        """The server no longer stands behind this order (its mission ended or was re-queued).

        A robot that is online as it ends is stopping (or has finished) the order: it gets a
        moment before an alert. One that is offline has not heard: seen running the order when
        it is back, it is told to cancel it and operators are told at once."""
        if not order_id:
            return
        now = self.clock()
        quiet_until = now + self.grace if robot is not None and robot.online else now
        self._retired[order_id] = Retired(mission_id, why, quiet_until)
        self._retired.move_to_end(order_id)
        while len(self._retired) > RETIRED_LIMIT:
            self._retired.popitem(last=False)

    def check(self, robot: Robot, state: State, expected_order_id: str | None) -> bool:
        """Act on one state; True if the robot runs an order it should not."""
        serial = robot.serial_number
        order_id = unexpected_order(state, expected_order_id)
        if order_id is None:
            self._last_cancel.pop(serial, None)
            if self.registry.alert_of(serial) is not None:
                log.info("robot %s no longer runs an unexpected order", serial)
                self.registry.set_alert(serial, None)
            return False
        now = self.clock()
        last = self._last_cancel.get(serial)
        if last is None or now - last >= self.retry:
            self._last_cancel[serial] = now
            self.outbox.send_instant_actions(robot, [instant_action(CANCEL_ORDER)])
        retired = self._retired.get(order_id)
        if retired is not None and now < retired.quiet_until:
            return True  # the server ended it a moment ago; the robot is still stopping
        alert = self.registry.alert_of(serial)
        if alert is None or alert.order_id != order_id:
            alert = UnexpectedOrder(
                order_id=order_id,
                since=now,
                detail=self._describe(order_id, retired),
                mission_id=retired.mission_id if retired is not None else None,
            )
            self.registry.set_alert(serial, alert)
            log.warning("robot %s: %s", serial, alert.detail)
            for listener in self.listeners:
                listener.on_unexpected_order(robot, alert)
        return True

    @staticmethod
    def _describe(order_id: str, retired: Retired | None) -> str:
        if retired is None:
            origin = f"order {order_id!r}, which the server did not give"
        else:
            origin = f"order {order_id!r} of mission {retired.mission_id}, which {retired.why}"
        return f"running {origin}; cancelOrder sent"
