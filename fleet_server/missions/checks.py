"""Checking a mission request against its site before it is stored; errors name the field."""

from __future__ import annotations

from typing import Any

from fleet_protocol.site import Site, ZoneKind
from fleet_server.coverage.geometry import CoverageError
from fleet_server.errors import Invalid
from fleet_server.missions import texts
from fleet_server.missions.actions import RETRYABLE, MissionAction
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.models.requests import (
    CleanCreate,
    DockCreate,
    MissionCreate,
    PatrolCreate,
    ServiceCreate,
)
from fleet_server.missions.planning import plan_patrol
from fleet_server.missions.plans import coverage_of
from fleet_server.sites.routing import NoRoute, RouteGraph
from fleet_server.texts import Text

# A patrol's plan is kept whole (in memory and in its row): rounds times a round's nodes is
# bounded, so no request makes a plan of millions of nodes.
MAX_PLAN_NODES = 100_000


def route_repeat(route: list[str], pattern: str) -> Text | None:
    """What makes a route stand still, in words naming the node; None if it always moves on.

    A node right after itself is a leg of no length, and a loop returns to its first node by
    itself, so a loop ending there repeats that node too: either can leave a round of no nodes.
    """
    for index in range(1, len(route)):
        if route[index] == route[index - 1]:
            return texts.ROUTE_REPEATS.of(index=index, node=route[index], previous=index - 1)
    if pattern == "loop" and len(route) > 1 and route[-1] == route[0]:
        return texts.LOOP_REPEATS_START.of(index=len(route) - 1, node=route[0])
    return None


def check_patrol(request: PatrolCreate, site: Site, graph: RouteGraph) -> None:
    """Route nodes exist, follow each other and can be driven in a loop; checkpoints are on the
    route."""
    repeat = route_repeat(request.route, request.pattern)
    if repeat is not None:
        raise Invalid(repeat, field="route")
    known = site.node_ids()
    for index, node in enumerate(request.route):
        if node not in known:
            raise Invalid(
                texts.UNKNOWN_NODE.of(field=f"route[{index}]", node=node, site=site.id),
                field="route",
            )
    try:
        one_round = plan_patrol(graph, request.route[0], request.driven_route(), 1)
    except NoRoute as exc:
        raise Invalid(texts.ROUTE_NOT_DRIVABLE.of(problem=exc.text), field="route") from None
    if one_round.round_nodes * request.rounds > MAX_PLAN_NODES:
        raise Invalid(
            texts.TOO_MANY_ROUNDS.of(
                rounds=request.rounds, nodes=one_round.round_nodes, limit=MAX_PLAN_NODES
            ),
            field="rounds",
        )
    seen: set[str] = set()
    for index, checkpoint in enumerate(request.checkpoints):
        where = f"checkpoints[{index}]"
        if checkpoint.node not in request.route:
            raise Invalid(
                texts.CHECKPOINT_OFF_ROUTE.of(field=where, node=checkpoint.node), field=where
            )
        if checkpoint.node in seen:
            raise Invalid(texts.CHECKPOINT_TWICE.of(field=where, node=checkpoint.node), field=where)
        seen.add(checkpoint.node)
        _check_actions(f"{where}.actions", checkpoint.actions)
        if checkpoint.on_failure == "retry":
            _check_retryable(where, checkpoint.actions)


def _check_retryable(where: str, actions: list[MissionAction]) -> None:
    """A retry runs the action again as an instant action, which not every type can be."""
    for number, action in enumerate(actions):
        if action.type not in RETRYABLE:
            field = f"{where}.actions[{number}]"
            raise Invalid(
                texts.NOT_RETRYABLE.of(field=field, action=action.type, actions=sorted(RETRYABLE)),
                field=field,
            )


def _check_actions(where: str, actions: list[MissionAction]) -> None:
    for number, action in enumerate(actions):
        problems = action.problems()
        if problems:
            field = f"{where}[{number}]"
            raise Invalid(
                texts.ACTION_PROBLEMS.of(field=field, problems=_one_after_another(problems)),
                field=field,
            )


def _one_after_another(problems: list[Text]) -> Text:
    """Several problems as one sentence, said one after another ("a; b; c")."""
    said = problems[-1]
    for problem in reversed(problems[:-1]):
        said = texts.PROBLEMS.of(first=problem, rest=said)
    return said


def check_service(request: ServiceCreate, site: Site, graph: RouteGraph) -> None:
    """Origin, destination and home exist and can be driven in turn; the actions are valid."""
    known = site.node_ids()
    stops = [("origin", request.origin), ("destination", request.destination)]
    if request.home is not None:
        stops.append(("home", request.home))
    for field, node in stops:
        if node not in known:
            raise Invalid(texts.UNKNOWN_NODE.of(field=field, node=node, site=site.id), field=field)
    if request.origin == request.destination:
        raise Invalid(texts.SAME_ORIGIN.of(), field="destination")
    try:
        graph.path_through([node for _, node in stops])
    except NoRoute as exc:
        raise Invalid(
            texts.SERVICE_NOT_DRIVABLE.of(problem=exc.text), field="destination"
        ) from None
    _check_actions("origin_actions", request.origin_actions)
    _check_actions("destination_actions", request.destination_actions)


def check_clean(request: CleanCreate, site: Site) -> None:
    """The zone is a cleaning zone of the site and lanes of this width fit in it."""
    try:
        zone = site.zone(request.zone)
    except KeyError:
        known = [z.id for z in site.zones if z.kind is ZoneKind.CLEANING]
        raise Invalid(
            texts.UNKNOWN_ZONE.of(zone=request.zone, site=site.id, zones=known or texts.NONE.of()),
            field="zone",
        ) from None
    if zone.kind is not ZoneKind.CLEANING:
        raise Invalid(
            texts.NOT_CLEANING_ZONE.of(zone=zone.id, zone_kind=zone.kind.value), field="zone"
        )
    try:
        plan = coverage_of(site, zone.id, request.width)
    except CoverageError as exc:
        raise Invalid(texts.ZONE_PROBLEM.of(zone=zone.id, problem=exc.text), field="zone") from None
    if isinstance(request.robots, int) and request.robots > plan.lane_count:
        raise Invalid(
            texts.TOO_MANY_ROBOTS.of(
                zone=zone.id, lanes=plan.lane_count, width=request.width, robots=request.robots
            ),
            field="robots",
        )


def check_dock(request: DockCreate, site: Site) -> None:
    """The named dock exists; a site without docks cannot take a dock mission."""
    if not site.docks:
        raise Invalid(texts.NO_DOCKS.of(site=site.id), field="dock")
    if request.dock is not None and request.dock not in {d.id for d in site.docks}:
        raise Invalid(
            texts.UNKNOWN_DOCK.of(
                dock=request.dock, site=site.id, docks=sorted(d.id for d in site.docks)
            ),
            field="dock",
        )


def check_request(request: MissionCreate, site: Site, graph: RouteGraph) -> None:
    """Check any mission request against its site."""
    if isinstance(request, PatrolCreate):
        check_patrol(request, site, graph)
    elif isinstance(request, ServiceCreate):
        check_service(request, site, graph)
    elif isinstance(request, CleanCreate):
        check_clean(request, site)
    else:
        check_dock(request, site)


def mission_from_request(request: MissionCreate, priority: int) -> Mission:
    """The mission row for a checked request."""
    definition: dict[str, Any]
    if isinstance(request, PatrolCreate):
        definition = {
            "checkpoints": [c.model_dump() for c in request.checkpoints],
            "pattern": request.pattern,
            "until": request.until.isoformat() if request.until else None,
            "battery_floor": request.battery_floor,
        }
        route, rounds = list(request.route), request.rounds
    elif isinstance(request, ServiceCreate):
        definition = {
            "mode": request.mode,
            "home": request.home,
            "checkpoints": [c.model_dump() for c in request.checkpoints()],
            "battery_floor": request.battery_floor,
        }
        stops = [request.origin, request.destination, request.home]
        route, rounds = [n for n in stops if n is not None], 1
    elif isinstance(request, CleanCreate):
        definition = {
            "zone": request.zone,
            "width": request.width,
            "mode": request.mode,
            "battery_floor": request.battery_floor,
        }
        if request.robots is not None:
            definition["robots"] = request.robots
        route, rounds = [], 1
    else:
        definition = {"dock": request.dock, "target_level": request.target_level}
        route, rounds = [], 1
    return Mission(
        kind=request.kind,
        site_id=request.site,
        route=route,
        rounds=rounds,
        requested_robot=request.robot,
        priority=request.priority if request.priority is not None else priority,
        definition=definition,
    )
