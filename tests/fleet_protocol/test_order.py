"""Tests of fleet_protocol.order: orders and instant actions against the official schemas."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_protocol.order import Edge, InstantActions, NodePosition, Order
from tests.fleet_protocol import samples
from tests.fleet_protocol.schema_walk import compare
from tests.vda_schemas import schema_errors, validate_message


def order_wire(**changes: Any) -> dict[str, Any]:
    wire = samples.order(released=2).to_wire()
    wire.update(changes)
    return copy.deepcopy(wire)


# -- the official schema ------------------------------------------------------------------------


@pytest.mark.parametrize("released", [1, 2, 4])
def test_order_with_base_and_horizon_validates(released: int) -> None:
    validate_message("order", samples.order(released=released).to_json())


def test_order_update_validates() -> None:
    update = samples.order(released=3, order_update_id=5, first_sequence_id=8)
    validate_message("order", update.to_json())
    assert update.to_wire()["nodes"][0]["sequenceId"] == 8


def test_instant_actions_with_cancel_order_validate() -> None:
    message = samples.instant_actions()
    validate_message("instantActions", message.to_json())
    assert message.to_wire()["actions"][0] == {
        "actionType": CANCEL_ORDER,
        "actionId": "cancel-17",
        "blockingType": "HARD",
    }


def test_every_schema_property_of_an_order_is_modelled() -> None:
    """A conforming master may send any of them; extra='forbid' would reject the order."""
    assert compare(Order, "order")["unmodelled"] == []
    assert compare(InstantActions, "instantActions")["unmodelled"] == []


def test_no_schema_required_key_can_be_left_out() -> None:
    assert compare(Order, "order")["omittable"] == []
    assert compare(InstantActions, "instantActions")["omittable"] == []


# -- the wire form ------------------------------------------------------------------------------


def test_order_keys_are_camel_case() -> None:
    wire = samples.order().to_wire()
    assert {"headerId", "orderId", "orderUpdateId", "nodes", "edges"} <= set(wire)
    node = wire["nodes"][0]
    assert {
        "nodeId",
        "sequenceId",
        "nodeDescription",
        "released",
        "nodePosition",
        "actions",
    } == set(node)
    edge = wire["edges"][0]
    assert {
        "edgeId",
        "startNodeId",
        "endNodeId",
        "maxSpeed",
        "orientationType",
        "rotationAllowed",
    } <= set(edge)
    assert set(edge["trajectory"]) == {"degree", "knotVector", "controlPoints"}


def test_allowed_deviation_xy_has_the_spec_spelling() -> None:
    position = samples.order().to_wire()["nodes"][0]["nodePosition"]
    assert position == {
        "x": 0.0,
        "y": 0.0,
        "theta": 0.0,
        "allowedDeviationXY": 0.5,
        "allowedDeviationTheta": 0.35,
        "mapId": samples.MAP_ID,
    }
    parsed = NodePosition.model_validate(position)
    assert parsed.allowed_deviation_x_y == 0.5


def test_empty_action_lists_are_sent_because_the_schema_requires_them() -> None:
    wire = samples.order().to_wire()
    assert wire["nodes"][0]["actions"] == []
    assert wire["edges"][0]["actions"] == []
    single = Order.model_validate(
        {**order_wire(), "nodes": [order_wire()["nodes"][0]], "edges": []}
    )
    assert single.to_wire()["edges"] == []


def test_order_round_trip() -> None:
    made = samples.order(released=3)
    assert Order.model_validate_json(made.to_json()) == made
    assert InstantActions.model_validate_json(samples.instant_actions().to_json()) == (
        samples.instant_actions()
    )


def test_base_nodes_are_the_released_ones_in_sequence() -> None:
    wire = order_wire()
    wire["nodes"].reverse()
    wire["edges"].reverse()
    parsed = Order.model_validate(wire)
    assert [n.node_id for n in parsed.base_nodes()] == ["gate", "plaza-n"]


def test_corridor_of_an_edge_is_kept() -> None:
    wire = order_wire()
    wire["edges"][0]["corridor"] = {
        "leftWidth": 0.5,
        "rightWidth": 0.75,
        "corridorRefPoint": "CONTOUR",
    }
    parsed = Order.model_validate(wire)
    assert parsed.to_wire()["edges"][0]["corridor"] == wire["edges"][0]["corridor"]
    validate_message("order", parsed.to_json())


# -- strictness beyond the schema ---------------------------------------------------------------


def rejected(wire: dict[str, Any], match: str) -> None:
    """Assert the order is rejected with a message matching `match`."""
    with pytest.raises(ValidationError, match=match):
        Order.model_validate(wire)


def test_negative_order_update_id_is_rejected() -> None:
    rejected(order_wire(orderUpdateId=-1), "orderUpdateId")


def test_negative_sequence_id_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][0]["sequenceId"] = -2
    rejected(wire, "sequenceId")


def test_odd_node_sequence_id_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][1]["sequenceId"] = 3
    wire["edges"][0]["sequenceId"] = 1
    rejected(wire, "node 'plaza-n': sequenceId must be even")


def test_even_edge_sequence_id_is_rejected() -> None:
    wire = order_wire()
    wire["edges"][1]["sequenceId"] = 2
    rejected(wire, "edge 'plaza-n--plaza-e': sequenceId must be odd")


def test_gap_in_sequence_ids_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][3]["sequenceId"] = 8
    rejected(wire, "sequenceIds must run node, edge, node")


def test_edge_not_connecting_consecutive_nodes_is_rejected() -> None:
    wire = order_wire()
    wire["edges"][1]["endNodeId"] = "kiosk"
    rejected(wire, "edge 'plaza-n--plaza-e' must connect 'plaza-n' to 'plaza-e'")


def test_edge_count_must_be_one_less_than_node_count() -> None:
    wire = order_wire()
    del wire["edges"][-1]
    rejected(wire, "one edge fewer than nodes")


def test_order_without_nodes_is_rejected() -> None:
    rejected(order_wire(nodes=[], edges=[]), "nodes")


def test_horizon_before_base_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][0]["released"] = False
    wire["edges"][0]["released"] = True
    rejected(wire, "first node of an order must be released")
    wire = samples.order(released=4).to_wire()
    wire["nodes"][1]["released"] = False
    wire["edges"][0]["released"] = False
    rejected(wire, "released nodes must come before the horizon")


def test_edge_release_must_follow_its_end_node() -> None:
    wire = order_wire()
    wire["edges"][1]["released"] = True  # plaza-n--plaza-e ends in the horizon
    rejected(wire, "edge 'plaza-n--plaza-e': released must match its end node")


def test_vendor_fields_are_ignored_not_refused() -> None:
    """A conforming master may extend its orders (spec section 4); our agent still obeys them."""
    wire = order_wire()
    wire["nodes"][0]["color"] = "red"
    wire["vendorPriority"] = {"level": 3}
    order = Order.model_validate(wire)
    assert order.nodes[0].node_id == wire["nodes"][0]["nodeId"]
    assert "color" not in order.nodes[0].to_wire() and "vendorPriority" not in order.to_wire()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_coordinates_are_rejected(token: str) -> None:
    text = json.dumps(order_wire()).replace('"x": 0.0', f'"x": {token}', 1)
    assert token in text
    with pytest.raises(ValidationError, match="finite"):
        Order.model_validate_json(text)


def test_negative_allowed_deviation_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][0]["nodePosition"]["allowedDeviationXY"] = -0.1
    rejected(wire, "allowedDeviationXY")
    wire = order_wire()
    wire["nodes"][0]["nodePosition"]["allowedDeviationTheta"] = -0.1
    rejected(wire, "allowedDeviationTheta")


def test_theta_out_of_range_is_rejected() -> None:
    wire = order_wire()
    wire["nodes"][0]["nodePosition"]["theta"] = 3.2
    rejected(wire, "theta")


def test_knot_out_of_the_unit_interval_is_rejected() -> None:
    wire = order_wire()
    wire["edges"][0]["trajectory"]["knotVector"] = [0.0, 0.0, 2.0, 2.0]
    rejected(wire, "knotVector")


def test_node_position_needs_a_map() -> None:
    with pytest.raises(ValidationError, match="mapId"):
        NodePosition.model_validate({"x": 1.0, "y": 2.0})


def test_edge_rejects_a_negative_max_speed() -> None:
    with pytest.raises(ValidationError, match="maxSpeed"):
        Edge.model_validate(
            {
                "edgeId": "e",
                "sequenceId": 1,
                "released": True,
                "startNodeId": "a",
                "endNodeId": "b",
                "maxSpeed": -1,
                "actions": [],
            }
        )


def test_order_parses_from_raw_json_text_of_another_master() -> None:
    text = json.dumps(
        {
            "headerId": 0,
            "timestamp": "2024-06-01T08:00:00.00Z",
            "version": "2.1.0",
            "manufacturer": "acme",
            "serialNumber": "x1",
            "orderId": "o-1",
            "orderUpdateId": 0,
            "nodes": [
                {"nodeId": "n1", "sequenceId": 0, "released": True, "actions": []},
                {"nodeId": "n2", "sequenceId": 2, "released": True, "actions": []},
            ],
            "edges": [
                {
                    "edgeId": "e1",
                    "sequenceId": 1,
                    "released": True,
                    "startNodeId": "n1",
                    "endNodeId": "n2",
                    "actions": [],
                }
            ],
        }
    )
    validate_message("order", text)
    parsed = Order.model_validate_json(text)
    assert [n.node_id for n in parsed.base_nodes()] == ["n1", "n2"]
    assert parsed.edges[0].start_node_id == "n1"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("headerId",), "5"),
        (("nodes", 0, "released"), "true"),
        (("nodes", 0, "sequenceId"), "0"),
        (("nodes", 0, "nodePosition", "x"), "1.5"),
    ],
)
def test_values_of_the_wrong_json_type_are_not_coerced(path: tuple[Any, ...], value: Any) -> None:
    wire = samples.order().to_wire()
    target = wire
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert schema_errors("order", wire), "the official schema rejects this too"
    with pytest.raises(ValidationError):
        Order.model_validate_json(json.dumps(wire))


def test_a_json_integer_is_a_valid_number() -> None:
    wire = samples.order().to_wire()
    wire["nodes"][0]["nodePosition"]["x"] = 3
    assert Order.model_validate_json(json.dumps(wire)).nodes[0].node_position.x == 3.0  # type: ignore[union-attr]
