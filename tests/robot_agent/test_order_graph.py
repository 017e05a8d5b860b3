"""The order graph: runs of nodes to drive, stitching of updates, node and edge states."""

from __future__ import annotations

import math
from typing import Any

from fleet_protocol.order import Order
from robot_agent.driver import Pose
from robot_agent.order_graph import OrderGraph, node_pose
from tests.robot_agent.messages import MAP, action, order, payload

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 9.0, 0.0), ("E", 12.0, 0.0)]


def parse(message: dict[str, Any]) -> Order:
    return Order.model_validate_json(payload(message))


def graph_of(message: dict[str, Any]) -> OrderGraph:
    graph = OrderGraph()
    graph.load(parse(message))
    return graph


def ids(graph: OrderGraph) -> list[str]:
    return [n.node_id for n in graph.nodes]


def test_run_covers_the_base_and_stops_before_the_horizon() -> None:
    graph = graph_of(order("o1", LINE, released=3))
    graph.pass_node(graph.nodes[0])
    assert [n.node_id for n in graph.next_run()] == ["B", "C"]
    assert graph.has_horizon() and graph.released_count() == 2


def test_run_ends_at_a_node_or_before_an_edge_with_blocking_actions() -> None:
    at_node = graph_of(order("o1", LINE, node_actions={"C": [action("dwell", "w", seconds=1)]}))
    at_node.pass_node(at_node.nodes[0])
    assert [n.node_id for n in at_node.next_run()] == ["B", "C"]
    on_edge = graph_of(order("o1", LINE, edge_actions={"C-D": [action("dwell", "w", "SOFT")]}))
    on_edge.pass_node(on_edge.nodes[0])
    assert [n.node_id for n in on_edge.next_run()] == ["B", "C"]
    parallel = graph_of(order("o1", LINE, node_actions={"C": [action("announce", "a", "NONE")]}))
    parallel.pass_node(parallel.nodes[0])
    assert [n.node_id for n in parallel.next_run()] == ["B", "C", "D", "E"]


def test_passing_a_node_drops_the_edge_leading_to_it() -> None:
    graph = graph_of(order("o1", LINE))
    graph.pass_node(graph.nodes[0])
    left = graph.pass_node(graph.nodes[0])
    assert left is not None and left.edge_id == "A-B"
    assert ids(graph) == ["C", "D", "E"]
    assert [e.edge_id for e in graph.edge_states()] == ["B-C", "C-D", "D-E"]


def test_stitching_replaces_the_horizon_and_keeps_the_stitching_node() -> None:
    graph = graph_of(
        order(
            "o1",
            LINE,
            released=3,
            node_actions={
                "C": [action("dwell", "keep", seconds=1)],
                "D": [action("dwell", "old", seconds=1)],
            },
        )
    )
    update = parse(
        order(
            "o1",
            [("C", 6.0, 0.0), ("X", 6.0, 3.0)],
            update_id=1,
            first_sequence_id=4,
            node_actions={
                "C": [action("dwell", "changed", seconds=9)],
                "X": [action("dwell", "new")],
            },
        )
    )
    dropped = graph.stitch(update)
    assert [a.action_id for a in dropped] == ["old"]
    assert ids(graph) == ["A", "B", "C", "X"]
    assert [a.action_id for a in graph.nodes[2].actions] == ["keep"]
    assert [a.action_id for a in graph.added_actions(update)] == ["new"]
    assert [e.edge_id for e in graph.edges] == ["A-B", "B-C", "C-X"]
    assert not graph.has_horizon()


def test_max_speed_is_the_lowest_limit_of_the_run() -> None:
    message = order("o1", LINE[:3])
    message["edges"][0]["maxSpeed"] = 0.8
    message["edges"][1]["maxSpeed"] = 1.2
    graph = graph_of(message)
    graph.pass_node(graph.nodes[0])
    assert graph.max_speed(graph.next_run()) == 0.8
    assert graph_of(order("o1", LINE)).max_speed(graph_of(order("o1", LINE)).nodes) is None


def test_node_pose_faces_the_direction_of_travel_without_a_theta() -> None:
    node = parse(order("o1", [("A", 0.0, 2.0)])).nodes[0]
    pose = node_pose(node, Pose(0.0, 0.0, 0.0, MAP))
    assert (pose.x, pose.y, pose.map_id) == (0.0, 2.0, MAP)
    assert math.isclose(pose.theta, math.pi / 2)
