"""Compiling a mission into its node sequence and the actions at each node (no I/O)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fleet_protocol.actions import Action
from fleet_protocol.kinds import DEFAULT_CHARGE_TARGET
from fleet_protocol.site import Dock, Site, ZoneKind
from fleet_server.coverage.plan import CoveragePlan, LegKind, plan_coverage
from fleet_server.coverage.split import reverse_plan, split_coverage
from fleet_server.missions.actions import MissionAction
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.models.requests import Checkpoint, patrol_route
from fleet_server.missions.planning import plan_patrol
from fleet_server.missions.texts import NO_DOCK_REACHABLE
from fleet_server.sites.routing import NoRoute, RouteGraph

Point = tuple[float, float]
# The dock whose charger a dock mission holds (missions.charger_use), in its definition.
CHARGER_DOCK = "charger_dock"


@dataclass(frozen=True)
class CheckpointSlot:
    """One visit of a checkpoint: where in the plan, which round, and its actions' ids."""

    plan_index: int
    node: str
    round: int
    checkpoint: int
    action_ids: list[str]


@dataclass(frozen=True)
class MissionPlan:
    """The node sequence of a mission, its actions by plan index, and its checkpoint visits."""

    nodes: list[str]
    approach_nodes: int
    round_nodes: int
    length_m: float
    actions_at: dict[int, list[Action]] = field(default_factory=dict)
    slots: list[CheckpointSlot] = field(default_factory=list)
    # Positions of the plan's own nodes that are not site nodes (cleaning lane ends).
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    # A patrol's visits of the nodes the operator drew, each round's in order (the way back of
    # an out-and-back round is not among them); progress is counted on these.
    route_visits: list[int] = field(default_factory=list)


def checkpoints_of(mission: Mission) -> list[Checkpoint]:
    """The mission's checkpoints as requested."""
    return [Checkpoint.model_validate(c) for c in mission.definition.get("checkpoints", [])]


def driven_route(mission: Mission) -> list[str]:
    """A patrol's waypoints for one round, by its pattern (loop or out-and-back)."""
    return patrol_route(mission.route, mission.definition.get("pattern", "loop"))


def is_cleaning(mission: Mission) -> bool:
    """Whether the mission sweeps an area in lanes (a cleaning zone, or around an incident)."""
    return mission.kind == "clean" or mission.definition.get("response") == "clean"


def first_start(mission: Mission) -> str:
    """The node the mission's plan was first compiled from (its robot's start node)."""
    return str(mission.definition.get("start_node") or mission.plan[0])


def required_actions(mission: Mission) -> set[str]:
    """Every action type the mission needs its robot to declare."""
    if mission.kind == "dock":
        return {"dock", "charge"}
    if is_cleaning(mission):
        return {"clean"}
    return {a.type for c in checkpoints_of(mission) for a in c.actions}


def _action_id(mission: Mission, index: int, position: int) -> str:
    return f"m{mission.id}-n{index}-a{position}"


def _checkpoint_actions(
    mission: Mission, visits: list[tuple[int, str, int]]
) -> tuple[dict[int, list[Action]], list[CheckpointSlot]]:
    """The actions at each visit (plan index, node, round) of a checkpoint node."""
    by_node = {c.node: (i, c) for i, c in enumerate(checkpoints_of(mission))}
    actions_at: dict[int, list[Action]] = {}
    slots: list[CheckpointSlot] = []
    for index, node, round_number in visits:
        found = by_node.get(node)
        if found is None:
            continue
        number, checkpoint = found
        actions = [
            a.to_action(_action_id(mission, index, k)) for k, a in enumerate(checkpoint.actions)
        ]
        actions_at[index] = actions
        slots.append(
            CheckpointSlot(
                plan_index=index,
                node=node,
                round=round_number,
                checkpoint=number,
                action_ids=[a.action_id for a in actions],
            )
        )
    return actions_at, slots


def compile_patrol(mission: Mission, graph: RouteGraph, start: str) -> MissionPlan:
    """Approach, then `rounds` loops; each route visit of a checkpoint node carries its actions
    (passing the node on the way between two route nodes is not a visit)."""
    plan = plan_patrol(graph, start, driven_route(mission), mission.rounds)
    first = plan.approach_nodes - 1
    visits = [(i, node, (i - first) // plan.round_nodes + 1) for i, node in plan.visits]
    actions_at, slots = _checkpoint_actions(mission, visits)
    per_round = len(plan.visits) // mission.rounds
    drawn = [
        index
        for start in range(0, len(plan.visits), per_round)
        for index, _ in plan.visits[start : start + len(mission.route)]
    ]
    return MissionPlan(
        nodes=plan.nodes,
        approach_nodes=plan.approach_nodes,
        round_nodes=plan.round_nodes,
        length_m=plan.length_m,
        actions_at=actions_at,
        slots=slots,
        route_visits=drawn,
    )


def compile_service(mission: Mission, graph: RouteGraph, start: str) -> MissionPlan:
    """To the origin, on to the destination, then home if there is one; actions at both ends."""
    nodes, length = graph.shortest_path(start, mission.route[0])
    visits = [(len(nodes) - 1, mission.route[0], 1)]
    for target in mission.route[1:]:
        leg, leg_length = graph.shortest_path(nodes[-1], target)
        nodes.extend(leg[1:])
        length += leg_length
        visits.append((len(nodes) - 1, target, 1))
    actions_at, slots = _checkpoint_actions(mission, visits[:2])
    return MissionPlan(
        nodes=nodes,
        approach_nodes=visits[0][0] + 1,
        round_nodes=0,
        length_m=length,
        actions_at=actions_at,
        slots=slots,
    )


def nearest_dock(graph: RouteGraph, site: Site, start: str) -> tuple[Dock, float]:
    """The dock nearest to `start` by route, and the distance; NoRoute if none is reachable."""
    best: tuple[Dock, float] | None = None
    for dock in site.docks:
        try:
            _, length = graph.shortest_path(start, dock.node)
        except NoRoute:
            continue
        if best is None or length < best[1]:
            best = (dock, length)
    if best is None:
        raise NoRoute(NO_DOCK_REACHABLE.of(site=site.id, start=start))
    return best


def compile_dock(mission: Mission, graph: RouteGraph, site: Site, start: str) -> MissionPlan:
    """Drive to the dock (whose charger it holds, the named one, or the nearest), dock there and
    charge to the target level."""
    dock_id = mission.definition.get(CHARGER_DOCK) or mission.definition.get("dock")
    if dock_id:
        dock = next(d for d in site.docks if d.id == dock_id)
    else:
        dock, _ = nearest_dock(graph, site, start)
    nodes, length = graph.shortest_path(start, dock.node)
    last = len(nodes) - 1
    level = float(mission.definition.get("target_level", DEFAULT_CHARGE_TARGET))
    actions = [
        # The dock's id lets a robot's docking server pick the dock from its database.
        MissionAction(type="dock", params={"dockId": dock.id}).to_action(
            _action_id(mission, last, 0)
        ),
        MissionAction(type="charge", params={"targetLevel": level}).to_action(
            _action_id(mission, last, 1)
        ),
    ]
    return MissionPlan(
        nodes=nodes,
        approach_nodes=len(nodes),
        round_nodes=0,
        length_m=length,
        actions_at={last: actions},
    )


def coverage_of(
    site: Site, zone_id: str, width: float, start: tuple[float, float] | None = None
) -> CoveragePlan:
    """The coverage plan of a site's cleaning zone, keeping clear of every no-go zone."""
    zone = site.zone(zone_id)
    return plan_coverage(zone.polygon, zone.holes, no_go_of(site), width, start=start)


def area_of(mission: Mission, site: Site) -> tuple[list[Point], list[list[Point]]]:
    """The outer ring and holes a cleaning mission sweeps: its zone's, or its own area's."""
    area = mission.definition.get("area")
    if area:
        return [(float(x), float(y)) for x, y in area], []
    zone = site.zone(mission.definition["zone"])
    return list(zone.polygon), [list(h) for h in zone.holes]


def no_go_of(site: Site) -> list[list[Point]]:
    """The site's no-go polygons."""
    return [list(z.polygon) for z in site.zones if z.kind is ZoneKind.NO_GO]


def mission_coverage(mission: Mission, site: Site, start: str | None = None) -> CoveragePlan:
    """The coverage plan of a cleaning mission, its lanes ordered from the `start` node.

    A part of a zone shared by several robots is its run of the whole zone's lanes (planned
    from no start, so every part cuts the same plan), driven from the end nearer `start`.
    """
    polygon, holes = area_of(mission, site)
    origin = None
    if start is not None:
        node = site.node(start)
        origin = (node.x, node.y)
    width = float(mission.definition["width"])
    part = mission.definition.get("part")
    if part is None:
        return plan_coverage(polygon, holes, no_go_of(site), width, start=origin)
    whole = plan_coverage(polygon, holes, no_go_of(site), width)
    piece = split_coverage(whole, int(part["count"]))[int(part["index"])]
    if origin is not None and math.dist(origin, piece.waypoints[-1]) < math.dist(
        origin, piece.waypoints[0]
    ):
        return reverse_plan(piece)
    return piece


def compile_clean(mission: Mission, graph: RouteGraph, site: Site, start: str) -> MissionPlan:
    """Drive to the site node nearest the first lane, sweep the lanes (a clean action at the
    start of each), then end on the site node nearest the last lane end."""
    cover = mission_coverage(mission, site, start)
    entry = site.nearest_node(*cover.waypoints[0]).id
    nodes, length = graph.shortest_path(start, entry)
    first = len(nodes)
    positions = {f"m{mission.id}-c{i}": point for i, point in enumerate(cover.waypoints)}
    nodes.extend(positions)
    nodes.append(site.nearest_node(*cover.waypoints[-1]).id)
    clean = MissionAction(type="clean", params={"mode": mission.definition.get("mode", "sweep")})
    actions_at = {
        first + i: [clean.to_action(_action_id(mission, first + i, 0))]
        for i, kind in enumerate(cover.leg_kinds)
        if kind is LegKind.CLEANING
    }
    return MissionPlan(
        nodes=nodes,
        approach_nodes=first,
        round_nodes=0,
        length_m=length + cover.length_m,
        actions_at=actions_at,
        positions=positions,
    )


def compile_mission(mission: Mission, graph: RouteGraph, site: Site, start: str) -> MissionPlan:
    """The plan of any mission kind from the robot's start node."""
    if mission.kind == "dock":
        return compile_dock(mission, graph, site, start)
    if mission.kind == "service":
        return compile_service(mission, graph, start)
    if is_cleaning(mission):
        return compile_clean(mission, graph, site, start)
    if mission.kind == "respond":
        return compile_respond(mission, graph, site, start)
    return compile_patrol(mission, graph, start)


def compile_respond(mission: Mission, graph: RouteGraph, site: Site, start: str) -> MissionPlan:
    """To the incident's node, on to the reported spot if it is off the node, and the response's
    actions there."""
    node = mission.route[0]
    nodes, length = graph.shortest_path(start, node)
    positions: dict[str, Point] = {}
    spot = mission.definition.get("spot")
    if spot is not None:
        spot_id = f"m{mission.id}-spot"
        positions[spot_id] = (float(spot[0]), float(spot[1]))
        here = site.node(node)
        length += math.hypot(here.x - positions[spot_id][0], here.y - positions[spot_id][1])
        nodes.append(spot_id)
    last = len(nodes) - 1
    actions_at, slots = _checkpoint_actions(mission, [(last, node, 1)])
    return MissionPlan(
        nodes=nodes,
        approach_nodes=len(nodes),
        round_nodes=0,
        length_m=length,
        actions_at=actions_at,
        slots=slots,
        positions=positions,
    )
