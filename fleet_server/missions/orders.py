"""Compiling a planned node sequence into VDA 5050 orders released in parts (base + horizon)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fleet_protocol.actions import Action
from fleet_protocol.base import utc_now
from fleet_protocol.order import Edge, Node, NodePosition, Order
from fleet_protocol.site import Site, SiteNode

# A robot within this distance of the first node counts as standing on it (VDA 5050 6.6.3.1).
START_DEVIATION_MARGIN_M = 0.5


@dataclass(frozen=True)
class Release:
    """Which part of the plan an order message carries: plan indices [first, horizon_end),
    of which [first, base_end) are released."""

    first: int
    base_end: int
    horizon_end: int


@dataclass(frozen=True)
class ReleasePolicy:
    """How many nodes go in each base and horizon, and when the next part is sent."""

    base_nodes: int
    horizon_nodes: int
    lookahead: int

    def initial(self, total: int) -> Release:
        """The first order's part of a plan with `total` nodes."""
        base_end = min(total, self.base_nodes)
        return Release(0, base_end, min(total, base_end + self.horizon_nodes))

    def next(self, total: int, released_until: int, passed: int) -> Release | None:
        """The next order update once the robot has passed `passed` nodes, or None if not yet due.

        The update starts at the last released node (stitching) and extends the base.
        """
        if released_until >= total:
            return None
        ahead = released_until - passed
        if ahead > self.lookahead:
            return None
        base_end = min(total, released_until + self.base_nodes)
        return Release(released_until - 1, base_end, min(total, base_end + self.horizon_nodes))


def _site_or_plan_node(
    site: Site, node_id: str, positions: Mapping[str, tuple[float, float]]
) -> SiteNode:
    """A site node, or one of the plan's own nodes (e.g. a cleaning lane end) by its position."""
    if node_id in positions:
        x, y = positions[node_id]
        return SiteNode(id=node_id, x=x, y=y)
    return site.node(node_id)


def build_order(
    *,
    site: Site,
    plan: Sequence[str],
    release: Release,
    order_id: str,
    order_update_id: int,
    header_id: int,
    manufacturer: str,
    serial_number: str,
    actions_at: Mapping[int, list[Action]] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    start_deviation_m: float | None = None,
) -> Order:
    """The order (or update) carrying plan[release.first:release.horizon_end].

    Node i of the plan has sequenceId 2i and the edge after it 2i+1, so an update resends the
    stitching node with the same sequenceId. `start_deviation_m` widens the first node's
    allowed deviation so a robot standing near it counts as already there.
    """
    actions_at = actions_at or {}
    nodes: list[Node] = []
    edges: list[Edge] = []
    for index in range(release.first, release.horizon_end):
        node = _site_or_plan_node(site, plan[index], positions or {})
        deviation = None
        if index == release.first == 0 and start_deviation_m is not None:
            deviation = start_deviation_m + START_DEVIATION_MARGIN_M
        nodes.append(
            Node(
                node_id=node.id,
                sequence_id=2 * index,
                released=index < release.base_end,
                node_description=node.name,
                node_position=NodePosition(
                    x=node.x, y=node.y, map_id=site.map_id, allowed_deviation_x_y=deviation
                ),
                actions=list(actions_at.get(index, [])),
            )
        )
        if index > release.first:
            start = plan[index - 1]
            site_edge = site.edge_between(start, node.id)
            edges.append(
                Edge(
                    edge_id=f"{start}--{node.id}",
                    sequence_id=2 * index - 1,
                    released=index < release.base_end,
                    start_node_id=start,
                    end_node_id=node.id,
                    max_speed=site_edge.max_speed if site_edge else None,
                    actions=[],
                )
            )
    return Order(
        header_id=header_id,
        timestamp=utc_now(),
        manufacturer=manufacturer,
        serial_number=serial_number,
        order_id=order_id,
        order_update_id=order_update_id,
        nodes=nodes,
        edges=edges,
    )
