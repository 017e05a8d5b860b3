"""The part of the current order the vehicle has not yet passed, and the runs of nodes it drives."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from fleet_protocol.actions import Action, BlockingType
from fleet_protocol.order import Edge, Node, Order
from fleet_protocol.state import EdgeState, NodeState
from robot_agent.driver import Pose


def is_blocking(action: Action) -> bool:
    """Whether the vehicle must stand still while the action runs (SOFT or HARD)."""
    return action.blocking_type is not BlockingType.NONE


def node_pose(node: Node, previous: Pose) -> Pose:
    """The pose to drive to for a node; without a theta, face the direction of travel."""
    position = node.node_position
    if position is None:  # acceptance refuses orders with nodes the robot cannot place
        raise ValueError(f"node {node.node_id!r} has no nodePosition")
    theta = position.theta
    if theta is None:
        dx, dy = position.x - previous.x, position.y - previous.y
        theta = math.atan2(dy, dx) if math.hypot(dx, dy) > 1e-9 else previous.theta
    return Pose(position.x, position.y, theta, position.map_id)


class OrderGraph:
    """Nodes and edges of the current order not yet passed, in sequence (base then horizon)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []

    def load(self, order: Order) -> None:
        """Hold a new order's nodes and edges."""
        self.nodes = sorted(order.nodes, key=lambda n: n.sequence_id)
        self.edges = sorted(order.edges, key=lambda e: e.sequence_id)

    def clear(self) -> None:
        """Forget every node and edge (order finished or cancelled)."""
        self.nodes = []
        self.edges = []

    def actions(self) -> Iterator[Action]:
        """The actions of all nodes and edges held, in sequence."""
        items: list[Node | Edge] = [*self.nodes, *self.edges]
        for item in sorted(items, key=lambda i: i.sequence_id):
            yield from item.actions

    def has_horizon(self) -> bool:
        """Whether unreleased nodes are held."""
        return any(not n.released for n in self.nodes)

    def released_count(self) -> int:
        """How many released nodes are still to be passed."""
        return sum(1 for n in self.nodes if n.released)

    def is_pending(self, node: Node) -> bool:
        """Whether the node (by sequenceId) is still to be passed."""
        return any(n.sequence_id == node.sequence_id for n in self.nodes)

    def edge_after(self, node: Node) -> Edge | None:
        """The held edge that leaves the node, if any."""
        return next((e for e in self.edges if e.sequence_id == node.sequence_id + 1), None)

    def edge_into(self, node: Node) -> Edge | None:
        """The held edge that leads to the node, if any."""
        return next((e for e in self.edges if e.sequence_id == node.sequence_id - 1), None)

    def pass_node(self, node: Node) -> Edge | None:
        """Drop the node and the edge leading to it; returns that edge (now left), if held."""
        self.nodes = [n for n in self.nodes if n.sequence_id != node.sequence_id]
        left = self.edge_into(node)
        if left is not None:
            self.edges = [e for e in self.edges if e is not left]
        return left

    def stitch(self, update: Order) -> list[Action]:
        """Replace the horizon by the update's nodes and edges after its first (stitching) node.

        The stitching node itself is kept as first received (spec 6.6.2). Returns the actions
        of the dropped horizon so their states can be removed.
        """
        dropped = [a for n in self.nodes if not n.released for a in n.actions]
        dropped += [a for e in self.edges if not e.released for a in e.actions]
        self.nodes = [n for n in self.nodes if n.released]
        self.edges = [e for e in self.edges if e.released]
        new_nodes = sorted(update.nodes, key=lambda n: n.sequence_id)[1:]
        self.nodes += new_nodes
        self.edges += sorted(update.edges, key=lambda e: e.sequence_id)
        return dropped

    def added_actions(self, update: Order) -> list[Action]:
        """The actions an update adds (everything but the stitching node's)."""
        first = min(update.nodes, key=lambda n: n.sequence_id)
        return [a for n in update.nodes if n is not first for a in n.actions] + [
            a for e in update.edges for a in e.actions
        ]

    def next_run(self) -> list[Node]:
        """The released nodes to drive through in one goal: up to the first one the robot must
        stop at (blocking actions on it or on the edge after it) or the end of the base."""
        run: list[Node] = []
        for node in self.nodes:
            if not node.released:
                break
            run.append(node)
            after = self.edge_after(node)
            if any(map(is_blocking, node.actions)) or (
                after is not None and any(map(is_blocking, after.actions))
            ):
                break
        return run

    def max_speed(self, run: Sequence[Node]) -> float | None:
        """The lowest maxSpeed of the edges leading to the nodes of a run, if any is set."""
        sequence_ids = {n.sequence_id - 1 for n in run}
        limits = [e.max_speed for e in self.edges if e.sequence_id in sequence_ids and e.max_speed]
        return min(limits) if limits else None

    def node_states(self) -> list[NodeState]:
        """The nodeStates of the held nodes."""
        return [
            NodeState(
                node_id=n.node_id,
                sequence_id=n.sequence_id,
                node_description=n.node_description,
                node_position=n.node_position,
                released=n.released,
            )
            for n in self.nodes
        ]

    def edge_states(self) -> list[EdgeState]:
        """The edgeStates of the held edges."""
        return [
            EdgeState(
                edge_id=e.edge_id,
                sequence_id=e.sequence_id,
                edge_description=e.edge_description,
                released=e.released,
                trajectory=e.trajectory,
            )
            for e in self.edges
        ]
