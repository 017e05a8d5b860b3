"""Choosing a robot for a mission: the nearest idle one by route distance."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fleet_server.routing import NoRoute, RouteGraph


@dataclass(frozen=True)
class Candidate:
    """A robot that could take the mission, and where it stands."""

    serial_number: str
    x: float
    y: float


@dataclass(frozen=True)
class Choice:
    """The chosen robot, the node it starts from, and its distance to the route's first node."""

    serial_number: str
    start_node: str
    distance_m: float


def start_node_of(graph: RouteGraph, x: float, y: float) -> tuple[str, float]:
    """The node a robot at (x, y) starts from, and how far it stands from it."""
    node = graph.site.nearest_node(x, y)
    return node.id, math.hypot(node.x - x, node.y - y)


def choose_nearest(graph: RouteGraph, candidates: list[Candidate], goal: str) -> Choice | None:
    """The candidate with the shortest route to `goal` (ties by serial number), or None."""
    best: Choice | None = None
    for robot in sorted(candidates, key=lambda c: c.serial_number):
        start, offset = start_node_of(graph, robot.x, robot.y)
        try:
            _, length = graph.shortest_path(start, goal)
        except NoRoute:
            continue
        distance = offset + length
        if best is None or distance < best.distance_m:
            best = Choice(robot.serial_number, start, distance)
    return best
