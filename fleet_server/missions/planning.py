"""Mission planning: a patrol becomes a node sequence from the start node through every round."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fleet_server.missions.texts import ROUND_STANDS_STILL
from fleet_server.sites.routing import NoRoute, RouteGraph


@dataclass(frozen=True)
class PatrolPlan:
    """The planned node sequence of a patrol and where its rounds begin."""

    nodes: list[str]
    approach_nodes: int
    round_nodes: int
    length_m: float
    # Plan index of each route node's visit in each round, in order (the closing return to the
    # first route node is not a visit; the next round's start is).
    visits: list[tuple[int, str]]


def plan_patrol(graph: RouteGraph, start_node: str, route: list[str], rounds: int) -> PatrolPlan:
    """Approach the first route node by the shortest path, then loop the route `rounds` times.

    Each round runs from the first route node through the others and back to it. Raises NoRoute,
    also for a route whose round would not leave its first node (every round is a visit count
    and a divisor: a round of no nodes has no meaning).
    """
    approach, approach_length = graph.shortest_path(start_node, route[0])
    loop, loop_length = graph.path_through([*route, route[0]])
    if len(loop) < 2:
        raise NoRoute(ROUND_STANDS_STILL.of(route=str(route), start=route[0]))
    # Where in one loop each route node is reached (connecting paths may pass it too).
    offsets = [0]
    for a, b in itertools.pairwise(route):
        offsets.append(offsets[-1] + len(graph.shortest_path(a, b)[0]) - 1)
    round_nodes = loop[1:]
    first = len(approach) - 1
    visits = [
        (first + r * len(round_nodes) + offset, node)
        for r in range(rounds)
        for offset, node in zip(offsets, route, strict=True)
    ]
    return PatrolPlan(
        nodes=approach + round_nodes * rounds,
        approach_nodes=len(approach),
        round_nodes=len(round_nodes),
        length_m=approach_length + loop_length * rounds,
        visits=visits,
    )
