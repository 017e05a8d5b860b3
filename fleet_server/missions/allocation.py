"""Choosing a robot for a mission: the nearest idle one by route distance."""

from __future__ import annotations

from dataclasses import dataclass

from fleet_server.sites.routing import RouteGraph

# Metres per second a robot is taken to drive when its factsheet gives no speedMax.
DEFAULT_SPEED_M_S = 1.0


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
    return graph.nearest(x, y)


def rank_by_distance(graph: RouteGraph, candidates: list[Candidate], goal: str) -> list[Choice]:
    """The candidates that can reach `goal`, nearest first by route (ties by serial number)."""
    to_goal = graph.distances_to(goal)
    ranked = []
    for robot in candidates:
        start, offset = start_node_of(graph, robot.x, robot.y)
        if start in to_goal:
            ranked.append(Choice(robot.serial_number, start, offset + to_goal[start]))
    return sorted(ranked, key=lambda c: (c.distance_m, c.serial_number))


def choose_nearest(graph: RouteGraph, candidates: list[Candidate], goal: str) -> Choice | None:
    """The candidate with the shortest route to `goal` (ties by serial number), or None."""
    ranked = rank_by_distance(graph, candidates, goal)
    return ranked[0] if ranked else None


@dataclass(frozen=True)
class BatteryModel:
    """How much charge a drive takes: a rate per kilometre plus a reserve to keep."""

    percent_per_km: float
    reserve_percent: float

    def needed(self, metres: float) -> float:
        """Charge (percent) a robot needs to drive this far and keep the reserve."""
        return self.reserve_percent + self.percent_per_km * metres / 1000.0
