"""Joint assignment: every (waiting mission, free robot) pair of a site judged at once, then
matched together to minimise the total predicted time to start, highest priority first (no I/O).

Priority is kept by solving tier by tier: the missions of the highest priority are matched first
among all free robots, the next tier among the robots still free, and so on. A lexicographic cost
in one solve would need weights that dwarf every time (and lose the times' precision); the tiers
say the rule plainly: a mission never waits so that a lower-priority one gets a robot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import (
    DEFAULT_SPEED_M_S,
    BatteryModel,
    speed_of,
    start_node_of,
)
from fleet_server.missions.legs import legs_allowed
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import required_actions
from fleet_server.missions.robot_choice import RobotChooser, fits
from fleet_server.sites.routing import NoRoute, RouteGraph
from fleet_server.sites.texts import NO_NODE
from fleet_server.texts import Text, figure


@dataclass(frozen=True)
class MissionNeeds:
    """What one waiting mission asks of a robot, worked out once per dispatch pass."""

    mission: Mission
    required: frozenset[str]
    # The node a robot heads for first, and metres from there through the mission to a dock.
    goal: str
    length_m: float
    # Of those, metres with the cleaning deck down (a cleaning's lanes).
    deck_m: float = 0.0

    @property
    def mission_id(self) -> int:
        """The mission's id (a waiting mission is stored)."""
        assert self.mission.id is not None
        return self.mission.id

    @property
    def max_distance_m(self) -> float | None:
        """How far a robot may come to the mission, if the request says."""
        limit = self.mission.definition.get("max_distance_m")
        return None if limit is None else float(limit)


@dataclass(frozen=True)
class Pair:
    """One robot judged for one mission: how far and how soon it starts, the charge the mission
    takes, and why it may not take it (None: it may)."""

    serial_number: str
    why_not: Text | None
    distance_m: float | None
    predicted_s: float | None
    charge: float | None
    charge_needed: float | None

    @property
    def feasible(self) -> bool:
        """Whether the robot may take the mission."""
        return self.why_not is None


def needs_of(mission: Mission, chooser: RobotChooser) -> MissionNeeds:
    """What the mission asks of a robot (NoRoute if its first goal is not on its site)."""
    site = chooser.sites.get(mission.site_id)
    goal = chooser.first_goal(mission)
    if goal not in site.node_ids():
        raise NoRoute(NO_NODE.of(site=site.id, node=goal))
    required = frozenset(required_actions(mission))
    length = chooser.length(mission, site)
    return MissionNeeds(mission, required, goal, length, chooser.deck_metres(mission, site))


class PairTable:
    """The pairs of one site's waiting missions (rows) and free robots (columns, by serial
    number so that ties go as the nearest choice breaks them): distance, time, charge, and
    whether each pair is feasible."""

    def __init__(
        self,
        graph: RouteGraph,
        needs: Sequence[MissionNeeds],
        robots: Sequence[Robot],
        battery_of: Callable[[Robot], BatteryModel],
        default_speed_m_s: float = DEFAULT_SPEED_M_S,
        charging: Collection[str] = (),
    ) -> None:
        self.needs = list(needs)
        self.robots = sorted(robots, key=lambda r: r.serial_number)
        # Robots on an automatic charge: they leave it only for work their charge covers whole,
        # never to start work in legs (they would be back on the charger after one).
        self._charging = frozenset(charging)
        rows, cols = len(self.needs), len(self.robots)
        # Each robot's figures, once: what it uses, and its speed once learned.
        self._models = [battery_of(r) for r in self.robots]
        self.capable = self._capable()
        self.distance = self._distances(graph)
        self.speed = np.array(
            [
                speed_of(r, default_speed_m_s, m)
                for r, m in zip(self.robots, self._models, strict=True)
            ],
            dtype=float,
        )
        self.seconds = self.distance / self.speed if cols else np.zeros((rows, 0))
        limits = np.array(
            [math.inf if n.max_distance_m is None else n.max_distance_m for n in self.needs]
        )
        self.within_limit = self.distance <= limits.reshape(rows, 1)
        self.needed = np.full((rows, cols), math.nan)
        self.feasible = self.capable & np.isfinite(self.distance) & self.within_limit
        self._judge_charge()

    def _capable(self) -> NDArray[np.bool_]:
        """Which robots may do which mission: asked for, of its kind, with its actions and a
        position (robot_choice.fits), found once per kind of demand."""
        masks: dict[tuple[object, ...], list[bool]] = {}
        rows = []
        for need in self.needs:
            mission = need.mission
            key = (mission.definition.get("robot_kind"), need.required, mission.requested_robot)
            if key not in masks:
                masks[key] = [fits(mission, r, set(need.required)) for r in self.robots]
            rows.append(masks[key])
        return np.array(rows, dtype=bool).reshape(len(self.needs), len(self.robots))

    def _distances(self, graph: RouteGraph) -> NDArray[np.float64]:
        """Route metres from each robot to each mission's first goal (inf: no way, or no
        position); one search per distinct goal."""
        nodes = [n.id for n in graph.site.nodes]
        index = {node: k for k, node in enumerate(nodes)}
        starts = np.zeros(len(self.robots), dtype=int)
        offsets = np.full(len(self.robots), math.inf)
        for j, robot in enumerate(self.robots):
            if robot.x is not None and robot.y is not None:
                start, offsets[j] = start_node_of(graph, robot.x, robot.y)
                starts[j] = index[start]
        to_goal: dict[str, NDArray[np.float64]] = {}
        rows = []
        for need in self.needs:
            if need.goal not in to_goal:
                column = np.full(len(nodes), math.inf)
                for node, metres in graph.distances_to(need.goal).items():
                    column[index[node]] = metres
                to_goal[need.goal] = column
            rows.append(to_goal[need.goal][starts] + offsets)
        return np.array(rows, dtype=float).reshape(len(self.needs), len(self.robots))

    def _judge_charge(self) -> None:
        """Charge each still-feasible pair takes (the robot's own figures through battery_of);
        a robot without it drops out, except for a dock mission (that is how it charges)."""
        lengths = np.array([n.length_m for n in self.needs], dtype=float)
        docking = np.array([n.mission.kind == "dock" for n in self.needs], dtype=bool)
        # A cleaning's lanes carry the deck's load (BatteryModel.deck_per_km).
        deck_m = np.array([n.deck_m for n in self.needs], dtype=float)
        for j, robot in enumerate(self.robots):
            rows = np.flatnonzero(self.feasible[:, j])
            if rows.size == 0:
                continue
            model = self._models[j]
            needed = model.needed
            deck = model.deck_per_km() * deck_m[rows] / 1000.0
            metres = self.distance[rows, j] + lengths[rows]
            self.needed[rows, j] = np.array([needed(m) for m in metres.tolist()]) + deck
            battery = -math.inf if robot.battery is None else robot.battery
            # Work longer than a full charge may start in legs (missions.legs).
            whole = np.array([needed(m) for m in lengths[rows].tolist()]) + deck
            back = np.array([needed(2 * m) for m in self.distance[rows, j].tolist()])
            in_legs = legs_allowed(whole, back, battery) & ~docking[rows]
            if robot.serial_number in self._charging:
                in_legs[:] = False
            self.feasible[rows, j] = docking[rows] | (battery >= self.needed[rows, j]) | in_legs

    def pair(self, row: int, col: int) -> Pair:
        """One pair with the reason it is infeasible, if it is."""
        robot = self.robots[col]
        distance = float(self.distance[row, col])
        known = math.isfinite(distance)
        needed = float(self.needed[row, col])
        return Pair(
            serial_number=robot.serial_number,
            why_not=None if self.feasible[row, col] else self._why_not(row, col),
            distance_m=distance if known else None,
            predicted_s=float(self.seconds[row, col]) if known else None,
            charge=robot.battery,
            charge_needed=None if math.isnan(needed) else needed,
        )

    def _why_not(self, row: int, col: int) -> Text:
        need, robot = self.needs[row], self.robots[col]
        if not self.capable[row, col]:
            return incapable(need, robot)
        if not math.isfinite(self.distance[row, col]):
            return reasons.UNREACHABLE.of(node=need.goal)
        if not self.within_limit[row, col]:
            assert need.max_distance_m is not None
            return reasons.TOO_FAR.of(
                metres=figure(self.distance[row, col]), limit=figure(need.max_distance_m, 1)
            )
        needed = figure(self.needed[row, col])
        if robot.battery is None:
            return reasons.CHARGE_UNKNOWN.of(needed=needed)
        return reasons.TOO_LITTLE_CHARGE.of(battery=figure(robot.battery), needed=needed)


def incapable(need: MissionNeeds, robot: Robot) -> Text:
    """Why robot_choice.fits turns the robot down for the mission."""
    mission = need.mission
    if mission.requested_robot not in (None, robot.serial_number):
        return reasons.ASKS_FOR_ROBOT.of(robot=mission.requested_robot)
    kind = mission.definition.get("robot_kind")
    if kind is not None and robot.kind.value != kind:
        return reasons.WRONG_KIND.of(found_kind=robot.kind.value, robot_kind=kind)
    missing = sorted(need.required - set(robot.actions))
    if missing:
        return reasons.LACKS_ACTIONS.of(actions=missing)
    return reasons.NO_POSITION.of()


@dataclass(frozen=True)
class Matching:
    """Which free robot (column) each matched mission (row) gets, and how it was decided."""

    robot_of: dict[int, int]
    method: str

    def taken_by(self) -> dict[int, int]:
        """The row that took each matched column."""
        return {col: row for row, col in self.robot_of.items()}


def assign(table: PairTable) -> Matching:
    """Match the table's missions and robots: jointly when several missions wait and several
    robots are free, else the nearest choice (one robot goes to the first mission in the queue
    that it can do: highest priority, then oldest)."""
    if len(table.needs) > 1 and len(table.robots) > 1:
        return Matching(assign_jointly(table), "joint")
    return Matching(assign_greedily(table), "nearest")


def assign_greedily(table: PairTable) -> dict[int, int]:
    """One mission at a time, highest priority then oldest, each to the free feasible robot
    that starts soonest (ties by serial number): the dispatcher's rule before joint assignment."""
    free = np.ones(len(table.robots), dtype=bool)
    matched: dict[int, int] = {}
    for row in sorted(range(len(table.needs)), key=lambda i: _queue_order(table.needs[i])):
        open_ = np.flatnonzero(table.feasible[row] & free)
        if open_.size:
            col = int(open_[np.argmin(table.seconds[row, open_])])
            matched[row] = col
            free[col] = False
    return matched


def assign_jointly(table: PairTable) -> dict[int, int]:
    """Tier by tier, highest priority first: the tier's missions and the robots still free
    matched by linear_sum_assignment on predicted times; infeasible pairs cost more than every
    feasible pair together, so the most missions get a robot, and are dropped afterwards."""
    free = np.ones(len(table.robots), dtype=bool)
    matched: dict[int, int] = {}
    for priority in sorted({n.mission.priority for n in table.needs}, reverse=True):
        tier = np.array([i for i, n in enumerate(table.needs) if n.mission.priority == priority])
        cols = np.flatnonzero(free)
        feasible = table.feasible[np.ix_(tier, cols)]
        rows_in = np.flatnonzero(feasible.any(axis=1))
        cols_in = np.flatnonzero(feasible.any(axis=0))
        if rows_in.size == 0 or cols_in.size == 0:
            continue
        feasible = feasible[np.ix_(rows_in, cols_in)]
        rows = tier[rows_in]
        cols = cols[cols_in]
        seconds = table.seconds[np.ix_(rows, cols)]
        infeasible_cost = 1.0 + float(seconds[feasible].sum()) * 2.0
        cost = np.where(feasible, seconds, infeasible_cost)
        for r, c in zip(*linear_sum_assignment(cost), strict=True):
            if feasible[r, c]:
                matched[int(rows[r])] = int(cols[c])
                free[cols[c]] = False
    return matched


def _queue_order(need: MissionNeeds) -> tuple[int, int]:
    return (-need.mission.priority, need.mission_id)
