"""The order and instantActions messages (master control → vehicle)."""

from __future__ import annotations

from enum import Enum
from itertools import pairwise
from typing import Annotated

from pydantic import Field, model_validator

from fleet_protocol.actions import Action
from fleet_protocol.base import (
    PI_BOUND,
    Angle,
    Bool,
    Header,
    Int,
    NonEmptyStr,
    NonNegFloat,
    NonNegInt,
    Number,
    WireModel,
)

# The spec's range of allowedDeviationTheta is [0, pi]; a negative deviation means nothing.
AngleDeviation = Annotated[float, Field(ge=0.0, le=PI_BOUND)]
# NURBS knots are parameters in [0, 1] (the schema bounds each item).
Knot = Annotated[float, Field(ge=0.0, le=1.0)]


class NodePosition(WireModel):
    """Where a node is on a map, and how precisely the vehicle must pass it."""

    x: Number
    y: Number
    theta: Angle | None = None
    allowed_deviation_x_y: NonNegFloat | None = Field(default=None, alias="allowedDeviationXY")
    allowed_deviation_theta: AngleDeviation | None = None
    map_id: NonEmptyStr
    map_description: str | None = None


class Node(WireModel):
    """A node of an order: released (base) or not (horizon)."""

    node_id: NonEmptyStr
    sequence_id: NonNegInt
    node_description: str | None = None
    released: Bool
    node_position: NodePosition | None = None
    actions: list[Action] = Field(default_factory=list)


class OrientationType(str, Enum):
    """How an edge's orientation is interpreted."""

    GLOBAL = "GLOBAL"
    TANGENTIAL = "TANGENTIAL"


class ControlPoint(WireModel):
    """A NURBS control point."""

    x: Number
    y: Number
    weight: NonNegFloat | None = None


class Trajectory(WireModel):
    """A NURBS trajectory of an edge."""

    degree: Int = Field(ge=1)
    knot_vector: list[Knot]
    control_points: list[ControlPoint]


class CorridorRefPoint(str, Enum):
    """Which part of the vehicle a corridor bounds."""

    KINEMATICCENTER = "KINEMATICCENTER"
    CONTOUR = "CONTOUR"


class Corridor(WireModel):
    """How far the vehicle may deviate left and right of an edge's trajectory."""

    left_width: NonNegFloat
    right_width: NonNegFloat
    corridor_ref_point: CorridorRefPoint | None = None


class Edge(WireModel):
    """A directed edge of an order between two of its nodes."""

    edge_id: NonEmptyStr
    sequence_id: NonNegInt
    edge_description: str | None = None
    released: Bool
    start_node_id: NonEmptyStr
    end_node_id: NonEmptyStr
    max_speed: NonNegFloat | None = None
    max_height: NonNegFloat | None = None
    min_height: NonNegFloat | None = None
    orientation: Angle | None = None
    orientation_type: OrientationType | None = None
    direction: str | None = None
    rotation_allowed: Bool | None = None
    max_rotation_speed: NonNegFloat | None = None
    trajectory: Trajectory | None = None
    length: NonNegFloat | None = None
    corridor: Corridor | None = None
    actions: list[Action] = Field(default_factory=list)


class Order(Header):
    """An order or order update: a graph of nodes and edges to traverse."""

    order_id: NonEmptyStr
    order_update_id: NonNegInt
    zone_set_id: str | None = None
    nodes: list[Node] = Field(min_length=1)
    edges: list[Edge] = Field(default_factory=list)

    @model_validator(mode="after")
    def _structure(self) -> Order:
        """The spec's structural rules: even node / odd edge sequence ids, contiguous graph."""
        for node in self.nodes:
            if node.sequence_id % 2:
                raise ValueError(f"node {node.node_id!r}: sequenceId must be even")
        for edge in self.edges:
            if edge.sequence_id % 2 == 0:
                raise ValueError(f"edge {edge.edge_id!r}: sequenceId must be odd")
        if len(self.edges) != len(self.nodes) - 1:
            raise ValueError("an order has exactly one edge fewer than nodes")
        nodes = sorted(self.nodes, key=lambda n: n.sequence_id)
        edges = sorted(self.edges, key=lambda e: e.sequence_id)
        for i, edge in enumerate(edges):
            before, after = nodes[i], nodes[i + 1]
            if (
                edge.sequence_id != before.sequence_id + 1
                or after.sequence_id != edge.sequence_id + 1
            ):
                raise ValueError(f"edge {edge.edge_id!r}: sequenceIds must run node, edge, node")
            if edge.start_node_id != before.node_id or edge.end_node_id != after.node_id:
                raise ValueError(
                    f"edge {edge.edge_id!r} must connect {before.node_id!r} to {after.node_id!r}"
                )
        released = [n.released for n in nodes]
        if not released[0]:
            raise ValueError("the first node of an order must be released")
        if any(later and not earlier for earlier, later in pairwise(released)):
            raise ValueError("released nodes must come before the horizon")
        for i, edge in enumerate(edges):
            if edge.released != nodes[i + 1].released:
                raise ValueError(f"edge {edge.edge_id!r}: released must match its end node")
        return self

    def base_nodes(self) -> list[Node]:
        """The released nodes, in sequence."""
        return [n for n in sorted(self.nodes, key=lambda n: n.sequence_id) if n.released]


class InstantActions(Header):
    """Actions the vehicle must run at once, outside any order."""

    actions: list[Action]
