"""Boustrophedon coverage planning: parallel cleaning lanes over a zone, joined by connectors."""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import (
    GEOM_TOLERANCE_M,
    CoverageError,
    Ring,
    check_width,
    safety_margin,
    zone_geometry,
)
from fleet_server.coverage.lanes import Lanes, driving_order, lane_rows, split_cells, swath_area
from fleet_server.coverage.routing import Connectors
from fleet_server.coverage.texts import FALLS_APART, NO_ROOM

log = logging.getLogger(__name__)


class LegKind(str, Enum):
    """What the robot does on a leg between two consecutive waypoints."""

    CLEANING = "cleaning"
    TRANSIT = "transit"


@dataclass(frozen=True)
class Leg:
    """One straight piece of a coverage path."""

    start: Point
    end: Point
    kind: LegKind

    @property
    def length_m(self) -> float:
        """The leg's length in metres."""
        return math.dist(self.start, self.end)


@dataclass(frozen=True)
class CoveragePlan:
    """A coverage path: waypoints in driving order and what each leg between them is for.

    Leg i joins waypoints[i] and waypoints[i + 1]; its kind is leg_kinds[i]. Cleaning legs are
    the lanes (the `clean` action runs on them); transit legs join lanes without crossing holes
    or no-go areas.
    """

    waypoints: tuple[Point, ...]
    leg_kinds: tuple[LegKind, ...]
    width_m: float
    margin_m: float
    heading_rad: float
    planned_area_m2: float
    reachable_area_m2: float

    @property
    def legs(self) -> tuple[Leg, ...]:
        """The legs in driving order."""
        pairs = itertools.pairwise(self.waypoints)
        return tuple(Leg(a, b, kind) for (a, b), kind in zip(pairs, self.leg_kinds, strict=True))

    @property
    def lane_count(self) -> int:
        """How many cleaning lanes (straight cleaning legs) the path has."""
        return sum(kind is LegKind.CLEANING for kind in self.leg_kinds)

    @property
    def length_m(self) -> float:
        """The whole path's length in metres, cleaning and transit."""
        return sum(leg.length_m for leg in self.legs)

    @property
    def planned_percent(self) -> float:
        """The lanes' swaths as a percentage of the reachable area: the geometric truth."""
        return 100.0 * self.planned_area_m2 / self.reachable_area_m2


def plan_coverage(
    zone_polygon: Ring,
    holes: Sequence[Ring],
    no_go_polygons: Sequence[Ring],
    width: float,
    *,
    margin: float | None = None,
    start: Point | None = None,
) -> CoveragePlan:
    """Plan parallel lanes `width` apart over the zone minus holes and no-go areas (+ margin).

    Lanes run along the long axis of the zone's minimum rotated rectangle and keep width/2 from
    every edge, so the cleaning swath stays inside. The path begins at the lane end nearest
    `start` (default: the lane frame's lower left). CoverageError names bad input.
    """
    width = check_width(width)
    margin = safety_margin(width, margin)
    geometry = zone_geometry(zone_polygon, holes, no_go_polygons, margin)
    heading = _lane_heading(geometry.zone)
    area = _rotate_geometry(geometry.reachable, -heading)
    # A micrometre short of half a width, so that a zone an exact number of widths across gets
    # its outermost lanes (exactly on the inset's edge they would be at the mercy of rounding).
    # Mitre joins make the inset exact or conservative everywhere (round ones cut corners).
    inner = area.buffer(-(width / 2 - GEOM_TOLERANCE_M), join_style="mitre")
    rows = lane_rows(inner, width)
    if not any(rows):
        raise CoverageError(NO_ROOM.of(width=width, area=round(area.area, 1)))
    _require_one_part(area, inner)
    cells = split_cells(rows)
    origin = _rotate_points([start], -heading)[0] if start is not None else _lower_left(inner)
    waypoints, kinds = _path(driving_order(cells, origin), Connectors(area, inner, width))
    plan = CoveragePlan(
        waypoints=tuple(_rotate_points(waypoints, heading)),
        leg_kinds=tuple(kinds),
        width_m=width,
        margin_m=margin,
        heading_rad=heading,
        planned_area_m2=swath_area(rows, width),
        reachable_area_m2=geometry.reachable.area,
    )
    log.debug(
        "coverage plan: %d lanes in %d cells, %.0f m path, %.1f %% planned",
        plan.lane_count,
        len(cells),
        plan.length_m,
        plan.planned_percent,
    )
    return plan


def _lane_heading(zone: BaseGeometry) -> float:
    """The direction of the long side of the zone's minimum rotated rectangle, in (-π/2, π/2]."""
    corners = list(shapely.oriented_envelope(zone).exterior.coords)
    sides = [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(corners[:3])]
    dx, dy = max(sides, key=lambda side: math.hypot(*side))
    angle = math.atan2(dy, dx)
    # A lane and its reverse share a heading; fold it into one half-turn.
    if angle <= -math.pi / 2:
        return angle + math.pi
    if angle > math.pi / 2:
        return angle - math.pi
    return angle


def _rotation(angle: float) -> np.ndarray:
    cos, sin = math.cos(angle), math.sin(angle)
    return np.array([[cos, -sin], [sin, cos]])


def _rotate_geometry(geometry: BaseGeometry, angle: float) -> BaseGeometry:
    matrix = _rotation(angle)
    return shapely.transform(geometry, lambda coords: coords @ matrix.T)


def _rotate_points(points: Sequence[Point], angle: float) -> list[Point]:
    rotated = np.asarray(points, dtype=float) @ _rotation(angle).T
    return [(float(x), float(y)) for x, y in rotated]


def _require_one_part(area: BaseGeometry, inner: BaseGeometry) -> None:
    """Refuse a zone whose lanes lie in parts the robot cannot drive between inside the zone."""
    parts = [part for part in shapely.get_parts(area) if part.intersects(inner)]
    if len(parts) > 1:
        raise CoverageError(FALLS_APART.of(parts=len(parts)))


def _path(lanes: Lanes, connectors: Connectors) -> tuple[list[Point], list[LegKind]]:
    """Waypoints and leg kinds: each lane, and a routed connector from one lane to the next."""
    waypoints: list[Point] = [lanes[0][0]]
    kinds: list[LegKind] = []
    for begin, end in lanes:
        for point in connectors.route(waypoints[-1], begin):
            # A route may pass through a vertex that is its own start: no zero-length legs.
            if point != waypoints[-1]:
                waypoints.append(point)
                kinds.append(LegKind.TRANSIT)
        waypoints.append(end)
        kinds.append(LegKind.CLEANING)
    return waypoints, kinds


def _lower_left(inner: BaseGeometry) -> Point:
    min_x, min_y, _, _ = inner.bounds
    return (min_x, min_y)
