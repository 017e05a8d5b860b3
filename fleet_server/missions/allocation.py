"""Choosing a robot for a mission: the nearest idle one by route distance."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from fleet_server.fleet.models.robot import Robot
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
    """How much charge work takes: a rate per kilometre driven (all the robot uses while
    driving), per minute standing, per minute of each action on top of standing or driving, and
    a reserve to keep; and how fast a charger fills the battery (None: not known)."""

    percent_per_km: float
    reserve_percent: float
    idle_percent_per_min: float = 0.0
    work_percent_per_min: Mapping[str, float] = field(default_factory=dict, hash=False)
    charge_percent_per_min: float | None = None
    # The robot's learned driving speed (metres per minute of its clock), None until learned.
    metres_per_min: float | None = None

    def deck_per_km(self) -> float:
        """What the cleaning deck adds to a km (its per-minute load, `clean`, at the robot's
        learned speed); 0 while the speed or the load is not known: a cleaning that runs low
        is then caught by its battery floor and charges in legs."""
        deck = self.work_percent_per_min.get("clean", 0.0)
        if not self.metres_per_min or deck <= 0:
            return 0.0
        return deck * 1000.0 / self.metres_per_min

    def with_deck(self) -> BatteryModel:
        """The figures of driving with the cleaning deck down."""
        extra = self.deck_per_km()
        return replace(self, percent_per_km=self.percent_per_km + extra) if extra else self

    def needed(self, metres: float) -> float:
        """Charge (percent) a robot needs to drive this far and keep the reserve."""
        return self.reserve_percent + self.percent_per_km * metres / 1000.0

    def used_for(
        self,
        metres: float,
        work_minutes: Mapping[str, float] | None = None,
        idle_minutes: float = 0.0,
    ) -> float:
        """Charge (percent) a piece of work uses: `metres` driven, `idle_minutes` standing
        (the time its actions take while the robot stands included), and each action's minutes
        (its load on top of standing or driving; an action with no figure adds nothing)."""
        work = sum(
            self.work_percent_per_min.get(action, 0.0) * minutes
            for action, minutes in (work_minutes or {}).items()
        )
        return (
            self.percent_per_km * metres / 1000.0 + self.idle_percent_per_min * idle_minutes + work
        )

    def needed_for(
        self,
        metres: float,
        work_minutes: Mapping[str, float] | None = None,
        idle_minutes: float = 0.0,
    ) -> float:
        """Charge (percent) a robot needs for that work and to keep the reserve."""
        return self.reserve_percent + self.used_for(metres, work_minutes, idle_minutes)

    def minutes_to_charge(self, from_percent: float, to_percent: float) -> float:
        """Minutes on a charger from one level to another (0 if already there; inf when the
        charge rate is not known)."""
        gap = min(to_percent, 100.0) - from_percent
        if gap <= 0:
            return 0.0
        rate = self.charge_percent_per_min
        return gap / rate if rate else math.inf


def speed_of(
    robot: Robot, default: float = DEFAULT_SPEED_M_S, battery: BatteryModel | None = None
) -> float:
    """The robot's speed (m/s): learned from its driving (in `battery`), else its factsheet's
    physicalParameters.speedMax, else `default`."""
    if battery is not None and battery.metres_per_min:
        return battery.metres_per_min / 60.0
    physical = robot.factsheet.get("physicalParameters") or {}
    speed = physical.get("speedMax") if isinstance(physical, dict) else None
    if isinstance(speed, (int, float)) and math.isfinite(speed) and speed > 0:
        return float(speed)
    return default
