"""Mission planning: a patrol becomes a node sequence from the start node through every round."""

from __future__ import annotations

from dataclasses import dataclass

from fleet_server.routing import RouteGraph


@dataclass(frozen=True)
class PatrolPlan:
    """The planned node sequence of a patrol and where its rounds begin."""

    nodes: list[str]
    approach_nodes: int
    round_nodes: int
    length_m: float


def plan_patrol(graph: RouteGraph, start_node: str, route: list[str], rounds: int) -> PatrolPlan:
    """Approach the first route node by the shortest path, then loop the route `rounds` times.

    Each round runs from the first route node through the others and back to it. Raises NoRoute.
    """
    approach, approach_length = graph.shortest_path(start_node, route[0])
    loop, loop_length = graph.path_through([*route, route[0]])
    round_nodes = loop[1:]
    return PatrolPlan(
        nodes=approach + round_nodes * rounds,
        approach_nodes=len(approach),
        round_nodes=len(round_nodes),
        length_m=approach_length + loop_length * rounds,
    )
