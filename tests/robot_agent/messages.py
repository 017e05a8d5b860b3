"""Builders of order and instantActions payloads for the agent's tests (valid v2.1 JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

MAP = "test-site"
MANUFACTURER = "acme"

_header_ids = count(1)

Point = tuple[str, float, float]


def action(
    action_type: str, action_id: str, blocking: str = "HARD", **parameters: Any
) -> dict[str, Any]:
    """An action as it appears on the wire."""
    body: dict[str, Any] = {
        "actionType": action_type,
        "actionId": action_id,
        "blockingType": blocking,
    }
    if parameters:
        body["actionParameters"] = [{"key": k, "value": v} for k, v in parameters.items()]
    return body


def order(
    order_id: str,
    points: Sequence[Point],
    *,
    update_id: int = 0,
    first_sequence_id: int = 0,
    released: int | None = None,
    node_actions: Mapping[str, list[dict[str, Any]]] | None = None,
    edge_actions: Mapping[str, list[dict[str, Any]]] | None = None,
    map_id: str = MAP,
    deviation: float | None = None,
    serial_number: str = "r1",
) -> dict[str, Any]:
    """An order through the points (nodeId, x, y); the first `released` nodes are the base."""
    released = len(points) if released is None else released
    nodes, edges = [], []
    for i, (node_id, x, y) in enumerate(points):
        sequence_id = first_sequence_id + 2 * i
        position: dict[str, Any] = {"x": x, "y": y, "mapId": map_id}
        if deviation is not None:
            position["allowedDeviationXY"] = deviation
        nodes.append(
            {
                "nodeId": node_id,
                "sequenceId": sequence_id,
                "released": i < released,
                "nodePosition": position,
                "actions": list((node_actions or {}).get(node_id, [])),
            }
        )
        if i:
            start = points[i - 1][0]
            edge_id = f"{start}-{node_id}"
            edges.append(
                {
                    "edgeId": edge_id,
                    "sequenceId": sequence_id - 1,
                    "released": i < released,
                    "startNodeId": start,
                    "endNodeId": node_id,
                    "actions": list((edge_actions or {}).get(edge_id, [])),
                }
            )
    return {
        **_header(serial_number),
        "orderId": order_id,
        "orderUpdateId": update_id,
        "nodes": nodes,
        "edges": edges,
    }


def instant(*actions: dict[str, Any], serial_number: str = "r1") -> dict[str, Any]:
    """An instantActions message."""
    return {**_header(serial_number), "actions": list(actions)}


def payload(message: Mapping[str, Any]) -> bytes:
    """The message as MQTT payload bytes."""
    return json.dumps(message).encode()


def _header(serial_number: str) -> dict[str, Any]:
    return {
        "headerId": next(_header_ids),
        "timestamp": "2024-05-01T08:00:00.000Z",
        "version": "2.1.0",
        "manufacturer": MANUFACTURER,
        "serialNumber": serial_number,
    }
