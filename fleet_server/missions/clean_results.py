"""What a cleaning mission covered: area and percent from the lane ends its robot passed, and the
coverage image."""

from __future__ import annotations

from typing import Any

from fleet_protocol.site import Site
from fleet_server.coverage.geometry import covered_area
from fleet_server.coverage.image import render_coverage_png
from fleet_server.coverage.plan import CoveragePlan
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import area_of, first_start, mission_coverage, no_go_of

Point = tuple[float, float]


def _plan_and_path(mission: Mission, site: Site) -> tuple[CoveragePlan, list[Point]]:
    """The mission's coverage plan (as first compiled) and the lane ends passed so far.

    The robot drives straight between lane ends, so the passed ones are the path it traversed.
    """
    plan = mission_coverage(mission, site, first_start(mission))
    own = {f"m{mission.id}-c{i}": point for i, point in enumerate(plan.waypoints)}
    # Lane ends passed before an interruption, then those passed since it resumed (it resumes
    # on the lane end it had reached, so the two parts join without a gap or a false swath).
    before = mission.results.get("passed_before", [])
    now = mission.plan[: mission.nodes_passed]
    passed = [own[node] for node in [*before, *now] if node in own]
    return plan, passed


def _zone_shapes(mission: Mission, site: Site) -> tuple[Any, Any, list[Any]]:
    polygon, holes = area_of(mission, site)
    return polygon, holes, no_go_of(site)


def coverage_summary(mission: Mission, site: Site) -> dict[str, Any]:
    """Planned and covered area (m²) and percent of the reachable area.

    Planned is the swath of the whole planned path (lanes and turns) clipped to the zone, the
    geometric truth of what the plan cleans; covered is the swath of the path actually driven.
    """
    plan, passed = _plan_and_path(mission, site)
    return _summary(mission, site, plan, [passed])


def shared_coverage_summary(shared: Mission, parts: list[Mission], site: Site) -> dict[str, Any]:
    """The coverage of a zone shared by several robots: the whole zone's plan against the
    swaths of every part's robot, as one report."""
    return _summary(shared, site, mission_coverage(shared, site), _paths_of(parts, site))


def shared_coverage_png(
    shared: Mission, parts: list[Mission], site: Site, size_px: int = 800
) -> bytes:
    """One coverage image of a zone shared by several robots: every part's swath so far."""
    plan = mission_coverage(shared, site)
    polygon, holes, no_go = _zone_shapes(shared, site)
    paths = _paths_of(parts, site)
    first, others = (paths[0], paths[1:]) if paths else (None, [])
    return render_coverage_png(
        polygon, holes, no_go, plan, first, size_px=size_px, other_paths=others
    )


def _paths_of(parts: list[Mission], site: Site) -> list[list[Point]]:
    """The lane ends each part's robot has passed, for the parts that have had a robot."""
    return [_plan_and_path(part, site)[1] for part in parts if part.plan]


def _summary(
    mission: Mission, site: Site, plan: CoveragePlan, paths: list[list[Point]]
) -> dict[str, Any]:
    polygon, holes, no_go = _zone_shapes(mission, site)
    planned = covered_area(polygon, holes, no_go, list(plan.waypoints), plan.width_m)
    first, others = (paths[0], paths[1:]) if paths else ([], [])
    result = covered_area(polygon, holes, no_go, first, plan.width_m, other_paths=others)
    return {
        "zone": mission.definition.get("zone"),
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
