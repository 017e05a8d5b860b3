"""What a cleaning mission covered: area and percent from the lane ends its robot passed, and the
coverage image."""

from __future__ import annotations

from typing import Any

from fleet_protocol.site import Site, ZoneKind
from fleet_server.coverage import covered_area
from fleet_server.coverage_image import render_coverage_png
from fleet_server.coverage_plan import CoveragePlan
from fleet_server.mission_plans import coverage_of
from fleet_server.models import Mission

Point = tuple[float, float]


def _plan_and_path(mission: Mission, site: Site) -> tuple[CoveragePlan, list[Point]]:
    """The mission's coverage plan (as compiled from its start) and the lane ends passed so far.

    The robot drives straight between lane ends, so the passed ones are the path it traversed.
    """
    start = site.node(mission.plan[0])
    width = float(mission.definition["width"])
    plan = coverage_of(site, mission.definition["zone"], width, (start.x, start.y))
    own = {f"m{mission.id}-c{i}": point for i, point in enumerate(plan.waypoints)}
    passed = [own[node] for node in mission.plan[: mission.nodes_passed] if node in own]
    return plan, passed


def _zone_shapes(mission: Mission, site: Site) -> tuple[Any, Any, list[Any]]:
    zone = site.zone(mission.definition["zone"])
    no_go = [z.polygon for z in site.zones if z.kind is ZoneKind.NO_GO]
    return zone.polygon, zone.holes, no_go


def coverage_summary(mission: Mission, site: Site) -> dict[str, Any]:
    """Planned and covered area (m²) and percent of the reachable area.

    Planned is the swath of the whole planned path (lanes and turns) clipped to the zone, the
    geometric truth of what the plan cleans; covered is the swath of the path actually driven.
    """
    plan, passed = _plan_and_path(mission, site)
    polygon, holes, no_go = _zone_shapes(mission, site)
    planned = covered_area(polygon, holes, no_go, list(plan.waypoints), plan.width_m)
    result = covered_area(polygon, holes, no_go, passed, plan.width_m)
    return {
        "zone": mission.definition["zone"],
        "width_m": plan.width_m,
        "reachable_m2": round(planned.reachable_m2, 1),
        "planned_m2": round(planned.covered_m2, 1),
        "planned_percent": round(planned.covered_percent, 2),
        "covered_m2": round(result.covered_m2, 1),
        "covered_percent": round(result.covered_percent, 2),
        "lanes": plan.lane_count,
    }


def coverage_png(mission: Mission, site: Site, size_px: int = 800) -> bytes:
    """The coverage image: zone, planned lanes and the swath cleaned so far."""
    plan, passed = _plan_and_path(mission, site)
    polygon, holes, no_go = _zone_shapes(mission, site)
    return render_coverage_png(polygon, holes, no_go, plan, passed or None, size_px=size_px)
