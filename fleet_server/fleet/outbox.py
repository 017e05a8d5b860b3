"""What the mission side needs from the MQTT gateway: a way to send orders and instant actions."""

from __future__ import annotations

import uuid
from typing import Protocol

from fleet_protocol.actions import Action, BlockingType
from fleet_protocol.order import Order
from fleet_server.fleet.models.robot import Robot


class Outbox(Protocol):
    """Queues messages for robots; the gateway stamps header ids and publishes them."""

    def send_order(self, robot: Robot, order: Order) -> None:
        """Send an order or order update to the robot."""

    def send_instant_actions(self, robot: Robot, actions: list[Action]) -> None:
        """Send instant actions to the robot."""


def instant_action(action_type: str) -> Action:
    """A parameterless instant action with a fresh id."""
    return Action(
        action_type=action_type,
        action_id=f"{action_type}-{uuid.uuid4().hex[:12]}",
        blocking_type=BlockingType.HARD,
    )
