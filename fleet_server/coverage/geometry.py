"""Coverage geometry shared by planning, measuring and drawing: input checks, reachable area."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from fleet_protocol.site import Point
from fleet_server.coverage.texts import (
    BAD_MARGIN,
    BAD_POINT,
    BAD_WIDTH,
    HOLE,
    NO_AREA,
    NO_GO_POLYGON,
    NOT_VALID,
    TOO_FEW_POINTS,
    TRAVERSED_PATH,
    ZONE_POLYGON,
    ZONE_WITH_HOLES,
)
from fleet_server.texts import Text

# Coordinates are site metres (up to ~1e7 in UTM-like frames); 1 µm is far below any robot's
# precision yet far above float rounding there, so it absorbs rounding without hiding real errors.
GEOM_TOLERANCE_M = 1e-6
# The grid of snap-rounded unions, for when floating-point overlay cannot be trusted.
PRECISION_M = 1e-7

Ring = Sequence[Point]


class CoverageError(ValueError):
    """Input that no coverage can be planned or measured for; the message names the problem and
    `text` is it as a code with parameters, for the console to word."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.message)
        self.text = text


@dataclass(frozen=True)
class ZoneGeometry:
    """A cleaning zone in shapely: outline with holes, no-go areas (+ margin), the rest."""

    zone: Polygon
    holes: tuple[Polygon, ...]
    no_go: tuple[Polygon, ...]
    keep_out: BaseGeometry
    reachable: BaseGeometry


@dataclass(frozen=True)
class CoverageResult:
    """How much of a zone's reachable area a traversed path cleaned."""

    covered_m2: float
    reachable_m2: float

    @property
    def covered_percent(self) -> float:
        """Covered area as a percentage (0..100) of the reachable area."""
        if self.reachable_m2 <= 0:
            return 0.0
        return min(100.0, 100.0 * self.covered_m2 / self.reachable_m2)


def check_width(width: float) -> float:
    """The cleaning width if it is a positive finite number of metres, else CoverageError."""
    if not isinstance(width, (int, float)) or not math.isfinite(width) or width <= 0:
        raise CoverageError(BAD_WIDTH.of(width=width))
    return float(width)


def safety_margin(width: float, margin: float | None) -> float:
    """The clearance kept from no-go areas: `margin` if given, else half the cleaning width."""
    if margin is None:
        return width / 2
    if not math.isfinite(margin) or margin < 0:
        raise CoverageError(BAD_MARGIN.of(margin=margin))
    return float(margin)


def zone_geometry(
    zone_polygon: Ring, holes: Sequence[Ring], no_go_polygons: Sequence[Ring], margin: float
) -> ZoneGeometry:
    """Validate the rings and build the zone; the reachable area avoids holes and no-go + margin."""
    shell = _polygon(zone_polygon, ZONE_POLYGON.of())
    hole_polygons = tuple(_polygon(ring, HOLE.of(index=i)) for i, ring in enumerate(holes))
    zone = Polygon(shell.exterior.coords, [h.exterior.coords for h in hole_polygons])
    _require_valid(zone, ZONE_WITH_HOLES.of())
    no_go = tuple(
        _polygon(ring, NO_GO_POLYGON.of(index=i)) for i, ring in enumerate(no_go_polygons)
    )
    # Mitre joins keep every point of the margin at least `margin` from the no-go area
    # (round joins are approximated by chords that cut corners).
    keep_out = shapely.union_all([p.buffer(margin, join_style="mitre") for p in no_go])
    return ZoneGeometry(
        zone=zone,
        holes=hole_polygons,
        no_go=no_go,
        keep_out=keep_out,
        reachable=zone.difference(keep_out),
    )


def swath(path: Sequence[Point], width: float) -> BaseGeometry:
    """The ground a cleaning head of `width` sweeps along a polyline (flat ends, round turns)."""
    points = _without_repeats(np.asarray(path, dtype=float).reshape(-1, 2))
    if len(points) < 2:
        return Polygon()
    swept = shapely.buffer(shapely.linestrings(points), width / 2, cap_style="flat")
    if swept.is_valid:
        return swept
    # GEOS can return a self-intersecting buffer for a long back-and-forth line. The same ground
    # as one rectangle per leg and a disc per turn, merged with snap rounding, is always valid.
    legs = shapely.linestrings(np.stack([points[:-1], points[1:]], axis=1))
    pieces = [
        shapely.buffer(legs, width / 2, cap_style="flat"),
        shapely.buffer(shapely.points(points[1:-1]), width / 2),
    ]
    return shapely.union_all(np.concatenate(pieces), grid_size=PRECISION_M)


def _without_repeats(points: np.ndarray) -> np.ndarray:
    """The points less each one equal to its predecessor (a robot standing still)."""
    if len(points) == 0:
        return points
    moved = np.any(np.diff(points, axis=0) != 0, axis=1)
    kept: np.ndarray = points[np.concatenate([[True], moved])]
    return kept


def covered_geometry(
    geometry: ZoneGeometry,
    path: Sequence[Point],
    width: float,
    other_paths: Sequence[Sequence[Point]] = (),
) -> BaseGeometry:
    """The part of the reachable area that the swath along `path` cleaned, with the swaths along
    `other_paths` (other robots sharing the zone)."""
    swept = swath([_point(p, TRAVERSED_PATH.of()) for p in path], width)
    if other_paths:
        others = [
            swath([_point(p, TRAVERSED_PATH.of()) for p in one], width) for one in other_paths
        ]
        swept = shapely.union_all([swept, *others], grid_size=PRECISION_M)
    return swept.intersection(geometry.reachable)


def covered_area(
    zone_polygon: Ring,
    holes: Sequence[Ring],
    no_go_polygons: Sequence[Ring],
    traversed_path: Sequence[Point],
    width: float,
    *,
    margin: float | None = None,
    other_paths: Sequence[Sequence[Point]] = (),
) -> CoverageResult:
    """Covered and reachable m² for what a robot traversed (its positions, in driving order) and
    what other robots sharing the zone traversed (`other_paths`)."""
    width = check_width(width)
    geometry = zone_geometry(zone_polygon, holes, no_go_polygons, safety_margin(width, margin))
    covered = covered_geometry(geometry, traversed_path, width, other_paths)
    return CoverageResult(covered_m2=covered.area, reachable_m2=geometry.reachable.area)


def _point(point: Sequence[float], what: Text) -> Point:
    """A point as two finite floats, or CoverageError naming where it came from."""
    if len(point) != 2 or not all(math.isfinite(v) for v in point):
        raise CoverageError(BAD_POINT.of(what=what, point=repr(point)))
    return (float(point[0]), float(point[1]))


def _polygon(ring: Ring, what: Text) -> Polygon:
    """A valid polygon from one ring, or CoverageError naming `what` and the defect."""
    points = [_point(p, what) for p in ring]
    distinct = len(set(points))
    if distinct < 3:
        raise CoverageError(TOO_FEW_POINTS.of(what=what, count=distinct))
    polygon = Polygon(points)
    if polygon.convex_hull.area <= 0:
        raise CoverageError(NO_AREA.of(what=what))
    _require_valid(polygon, what)
    return polygon


def _require_valid(polygon: Polygon, what: Text) -> None:
    reason = shapely.is_valid_reason(polygon)
    if reason != "Valid Geometry":
        raise CoverageError(NOT_VALID.of(what=what, reason=_readable(reason)))


def _readable(reason: str) -> str:
    """GEOS's 'Self-intersection[5 5]' as 'Self-intersection at (5, 5)'."""
    match = re.fullmatch(r"(.*)\[(\S+) (\S+)\]", reason)
    if match is None:
        return reason
    what, x, y = match.groups()
    return f"{what} at ({float(x):g}, {float(y):g})"
