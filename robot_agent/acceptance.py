"""Whether an order is accepted, ignored or rejected, following VDA 5050 v2.1 §6.6.2 (Figure 8)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fleet_protocol.order import Node, Order
from fleet_protocol.state import Error
from fleet_protocol.topics import Subtopic
from robot_agent.driver import Pose
from robot_agent.errors import (
    ORDER_ERROR,
    ORDER_UPDATE_ERROR,
    VALIDATION_ERROR,
    make_error,
)

# How far the robot may be from an order's first node when the node allows no more (metres).
DEFAULT_REACH_TOLERANCE = 0.5

MessageT = TypeVar("MessageT", bound=BaseModel)


class Verdict(str, Enum):
    """What to do with an order that is not rejected."""

    NEW = "new"
    UPDATE = "update"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Held:
    """What the vehicle holds when an order arrives, as far as acceptance needs to know."""

    order_id: str
    order_update_id: int
    active: bool  # step 3: nodeStates not empty or actions not FINISHED/FAILED
    closed: bool  # the order was cancelled or aborted: no more updates to it
    decision_point: tuple[str, int] | None  # last base node (nodeId, sequenceId)
    last_node: tuple[str, int]  # lastNodeId, lastNodeSequenceId


@dataclass(frozen=True)
class Capabilities:
    """What the robot can do with an order: its action types per scope and its map."""

    node_actions: frozenset[str]
    edge_actions: frozenset[str]
    map_id: str
    reach_tolerance: float = DEFAULT_REACH_TOLERANCE


def parse_message(model: type[MessageT], payload: bytes, subtopic: Subtopic) -> MessageT | Error:
    """The validated message, or a validationError naming the topic and what is wrong."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in exc.errors()[:3]
        )
        return make_error(VALIDATION_ERROR, problems, _references(payload, subtopic))


def _references(payload: bytes, subtopic: Subtopic) -> dict[str, object]:
    references: dict[str, object] = {"topic": subtopic.value}
    try:
        raw: Any = json.loads(payload)
    except ValueError:
        return references
    if isinstance(raw, dict):
        for key in ("headerId", "orderId", "orderUpdateId"):
            if isinstance(raw.get(key), (str, int)):
                references[key] = raw[key]
    return references


def _order_refs(order: Order, **more: object) -> dict[str, object]:
    return {
        "topic": Subtopic.ORDER.value,
        "headerId": order.header_id,
        "orderId": order.order_id,
        "orderUpdateId": order.order_update_id,
        **more,
    }


def check_content(order: Order, caps: Capabilities) -> Error | None:
    """An orderError for the first node, edge or action the robot cannot use, else None."""
    for node in order.nodes:
        if node.node_position is None:
            return make_error(
                ORDER_ERROR,
                f"node {node.node_id!r} has no nodePosition",
                _order_refs(order, nodeId=node.node_id),
            )
        if node.node_position.map_id != caps.map_id:
            return make_error(
                ORDER_ERROR,
                f"node {node.node_id!r} is on map {node.node_position.map_id!r}, "
                f"the robot is on {caps.map_id!r}",
                _order_refs(order, nodeId=node.node_id, mapId=node.node_position.map_id),
            )
    for owner, key, actions, allowed in [
        *((n.node_id, "nodeId", n.actions, caps.node_actions) for n in order.nodes),
        *((e.edge_id, "edgeId", e.actions, caps.edge_actions) for e in order.edges),
    ]:
        for action in actions:
            if action.action_type not in allowed:
                return make_error(
                    ORDER_ERROR,
                    f"action {action.action_type!r} on {owner!r} is not supported there",
                    _order_refs(
                        order,
                        **{key: owner},
                        actionId=action.action_id,
                        actionType=action.action_type,
                    ),
                )
    for edge in order.edges:
        unusable = "trajectory" if edge.trajectory else "corridor" if edge.corridor else None
        if unusable:
            return make_error(
                ORDER_ERROR,
                f"edge {edge.edge_id!r}: the robot plans its own path, it cannot use a {unusable}",
                _order_refs(order, edgeId=edge.edge_id, field=f"edge.{unusable}"),
            )
    return None


def is_trivially_reachable(node: Node, pose: Pose, tolerance: float) -> bool:
    """Whether the robot stands on the node or within its deviation range (spec 6.6.1)."""
    position = node.node_position
    if position is None or position.map_id != pose.map_id:
        return False
    allowed = max(position.allowed_deviation_x_y or 0.0, tolerance)
    return math.hypot(position.x - pose.x, position.y - pose.y) <= allowed


def decide(order: Order, held: Held, pose: Pose, caps: Capabilities) -> Verdict | Error:
    """Figure 8 of the spec: accept as new order or update, ignore a resend, or reject."""
    first = min(order.nodes, key=lambda n: n.sequence_id)
    if order.order_id != held.order_id:
        if held.active:
            return _update_error(order, f"order {held.order_id!r} is still active", held)
        content = check_content(order, caps)
        if content is not None:
            return content
        if not is_trivially_reachable(first, pose, caps.reach_tolerance):
            return make_error(
                ORDER_ERROR,
                f"first node {first.node_id!r} is not trivially reachable from where the robot is",
                _order_refs(order, nodeId=first.node_id),
            )
        return Verdict.NEW
    if order.order_update_id < held.order_update_id:
        return _update_error(order, "orderUpdateId is lower than the one held", held)
    if order.order_update_id == held.order_update_id:
        return Verdict.IGNORE
    content = check_content(order, caps)
    if content is not None:
        return content
    if held.closed:
        return _update_error(order, "the order was cancelled; send a new order", held)
    anchor = held.decision_point if held.active else held.last_node
    if anchor != (first.node_id, first.sequence_id):
        what = "last base node" if held.active else "last traversed node"
        expected = f"{anchor[0]!r}/{anchor[1]}" if anchor else "none"
        return _update_error(
            order,
            f"first node {first.node_id!r}/{first.sequence_id} is not the {what} {expected}",
            held,
            nodeId=first.node_id,
        )
    return Verdict.UPDATE


def _update_error(order: Order, description: str, held: Held, **more: object) -> Error:
    return make_error(
        ORDER_UPDATE_ERROR,
        f"{description} (held: {held.order_id!r} update {held.order_update_id})",
        _order_refs(order, **more),
    )
