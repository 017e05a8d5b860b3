"""Checking a mission request against its site before it is stored; errors name the field."""

from __future__ import annotations

from typing import Any

from fleet_protocol.site import Site, ZoneKind
from fleet_server.coverage.geometry import CoverageError
from fleet_server.errors import Invalid
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

# A patrol's plan is kept whole (in memory and in its row): rounds times a round's nodes is
# bounded, so no request makes a plan of millions of nodes.
MAX_PLAN_NODES = 100_000


def route_repeat(route: list[str], pattern: str) -> str | None:
    """What makes a route stand still, in words naming the node; None if it always moves on.

    A node right after itself is a leg of no length, and a loop returns to its first node by
    itself, so a loop ending there repeats that node too: either can leave a round of no nodes.
    """
    for index in range(1, len(route)):
        if route[index] == route[index - 1]:
            return (
                f"route[{index}]: {route[index]!r} repeats route[{index - 1}]; "
                "consecutive nodes must differ"
            )
    if pattern == "loop" and len(route) > 1 and route[-1] == route[0]:
        return (
            f"route[{len(route) - 1}]: {route[0]!r} is route[0] again; a loop returns to its "
            "first node by itself, so leave the last one out"
        )
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
                f"route[{index}]: unknown node {node!r} on site {site.id!r}", field="route"
            )
    try:
        one_round = plan_patrol(graph, request.route[0], request.driven_route(), 1)
    except NoRoute as exc:
        raise Invalid(f"route cannot be driven: {exc}", field="route") from None
    if one_round.round_nodes * request.rounds > MAX_PLAN_NODES:
        raise Invalid(
            f"rounds: {request.rounds} rounds of {one_round.round_nodes} nodes pass more than "
            f"{MAX_PLAN_NODES} nodes; plan fewer rounds",
            field="rounds",
        )
    seen: set[str] = set()
    for index, checkpoint in enumerate(request.checkpoints):
        where = f"checkpoints[{index}]"
        if checkpoint.node not in request.route:
            raise Invalid(f"{where}: node {checkpoint.node!r} is not on the route", field=where)
        if checkpoint.node in seen:
            raise Invalid(
                f"{where}: node {checkpoint.node!r} has a checkpoint already", field=where
            )
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
                f"{field}: {action.type} cannot be retried (it runs only on a node); "
                f"on_failure retry works for {', '.join(sorted(RETRYABLE))}",
                field=field,
            )


def _check_actions(where: str, actions: list[MissionAction]) -> None:
    for number, action in enumerate(actions):
        problems = action.problems()
        if problems:
            field = f"{where}[{number}]"
            raise Invalid(f"{field}: {'; '.join(problems)}", field=field)


def check_service(request: ServiceCreate, site: Site, graph: RouteGraph) -> None:
    """Origin, destination and home exist and can be driven in turn; the actions are valid."""
    known = site.node_ids()
    stops = [("origin", request.origin), ("destination", request.destination)]
    if request.home is not None:
        stops.append(("home", request.home))
    for field, node in stops:
        if node not in known:
            raise Invalid(f"{field}: unknown node {node!r} on site {site.id!r}", field=field)
    if request.origin == request.destination:
        raise Invalid("destination: must differ from the origin", field="destination")
    try:
        graph.path_through([node for _, node in stops])
    except NoRoute as exc:
        raise Invalid(f"the service run cannot be driven: {exc}", field="destination") from None
    _check_actions("origin_actions", request.origin_actions)
    _check_actions("destination_actions", request.destination_actions)


def check_clean(request: CleanCreate, site: Site) -> None:
    """The zone is a cleaning zone of the site and lanes of this width fit in it."""
    try:
        zone = site.zone(request.zone)
    except KeyError:
        known = ", ".join(z.id for z in site.zones if z.kind is ZoneKind.CLEANING) or "none"
        raise Invalid(
            f"unknown zone {request.zone!r} on site {site.id!r} (cleaning zones: {known})",
            field="zone",
        ) from None
    if zone.kind is not ZoneKind.CLEANING:
        raise Invalid(
            f"zone {zone.id!r} is a {zone.kind.value} zone, not a cleaning zone", field="zone"
        )
    try:
        plan = coverage_of(site, zone.id, request.width)
    except CoverageError as exc:
        raise Invalid(f"zone {zone.id!r}: {exc}", field="zone") from None
    if isinstance(request.robots, int) and request.robots > plan.lane_count:
        raise Invalid(
            f"zone {zone.id!r} has {plan.lane_count} lane(s) {request.width:g} m wide: it can be "
            f"shared by at most {plan.lane_count} robots, not {request.robots}",
            field="robots",
        )


def check_dock(request: DockCreate, site: Site) -> None:
    """The named dock exists; a site without docks cannot take a dock mission."""
    if not site.docks:
        raise Invalid(f"site {site.id!r} has no docks", field="dock")
    if request.dock is not None and request.dock not in {d.id for d in site.docks}:
        known = ", ".join(sorted(d.id for d in site.docks))
        raise Invalid(
            f"unknown dock {request.dock!r} on site {site.id!r} (docks: {known})", field="dock"
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
