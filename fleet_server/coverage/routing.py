"""Connector routing for coverage paths: shortest routes that stay inside a polygonal free space."""

from __future__ import annotations

import heapq
import logging
import math

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import GEOM_TOLERANCE_M, CoverageError
from fleet_server.coverage.texts import NO_ROUTE

log = logging.getLogger(__name__)


class NoRoute(CoverageError):
    """Two points lie in parts of the free space that do not connect."""


class Router:
    """Shortest routes between points of a free space, by A* over the visibility of its vertices.

    A shortest route inside a polygon bends only at the polygon's vertices, so the graph of
    mutually visible vertices holds it. Visibility rows are computed on demand and cached, since
    most connectors of a coverage path are straight and need no graph at all.
    """

    def __init__(self, space: BaseGeometry) -> None:
        # The tolerance band lets segments that run along the boundary count as inside.
        self._container = space.buffer(GEOM_TOLERANCE_M, join_style="mitre")
        shapely.prepare(self._container)
        self._components = list(shapely.get_parts(space))
        self._vertices = _ring_vertices(space)
        self._rows: dict[int, list[tuple[int, float]]] = {}

    def sees(self, a: Point, b: Point) -> bool:
        """Whether the straight segment from a to b stays inside the free space."""
        return a == b or bool(self._container.covers(LineString([a, b])))

    def route(self, start: Point, end: Point) -> list[Point]:
        """The points after `start` of a shortest route to `end`; NoRoute if there is none."""
        if self.sees(start, end):
            return [end]
        if self._component(start) != self._component(end):
            raise NoRoute(NO_ROUTE.of(start=_show(start), end=_show(end)))
        return self._search(start, end)

    def _search(self, start: Point, end: Point) -> list[Point]:
        """A* from start (node -1) through the vertices to end (node -2)."""
        start_node, end_node = -1, -2
        best: dict[int, float] = {start_node: 0.0}
        previous: dict[int, int] = {}
        queue: list[tuple[float, float, int]] = [(_distance(start, end), 0.0, start_node)]
        done: set[int] = set()
        while queue:
            _, cost, node = heapq.heappop(queue)
            if node == end_node:
                return self._path(previous, end_node, end)
            if node in done:
                continue
            done.add(node)
            here = start if node == start_node else self._vertex(node)
            steps = self._neighbours(start) if node == start_node else self._row(node)
            if node != start_node and self.sees(here, end):
                steps = [*steps, (end_node, _distance(here, end))]
            for nxt, length in steps:
                total = cost + length
                if nxt not in done and total < best.get(nxt, math.inf):
                    best[nxt] = total
                    previous[nxt] = node
                    target = end if nxt == end_node else self._vertex(nxt)
                    heapq.heappush(queue, (total + _distance(target, end), total, nxt))
        raise NoRoute(NO_ROUTE.of(start=_show(start), end=_show(end)))

    def _path(self, previous: dict[int, int], node: int, end: Point) -> list[Point]:
        points = [end]
        node = previous[node]
        while node >= 0:
            points.append(self._vertex(node))
            node = previous[node]
        return points[::-1]

    def _vertex(self, index: int) -> Point:
        x, y = self._vertices[index]
        return (float(x), float(y))

    def _row(self, index: int) -> list[tuple[int, float]]:
        if index not in self._rows:
            self._rows[index] = self._neighbours(self._vertex(index), exclude=index)
        return self._rows[index]

    def _neighbours(self, origin: Point, exclude: int | None = None) -> list[tuple[int, float]]:
        """The vertices visible from `origin`, with their distances (one vectorised GEOS call)."""
        starts = np.broadcast_to(np.asarray(origin), self._vertices.shape)
        segments = shapely.linestrings(np.stack([starts, self._vertices], axis=1))
        visible = shapely.covers(self._container, segments)
        lengths = np.hypot(*(self._vertices - np.asarray(origin)).T)
        return [(int(i), float(lengths[i])) for i in np.flatnonzero(visible) if int(i) != exclude]

    def _component(self, point: Point) -> int:
        """The index of the free-space part that holds `point` (-1 if none does)."""
        where = ShapelyPoint(point)
        for index, part in enumerate(self._components):
            if part.distance(where) <= GEOM_TOLERANCE_M:
                return index
        return -1


class Connectors:
    """Routes between lane ends with as much clearance from edges as the zone allows.

    First inside the inset, where the whole swath stays inside the zone. Where the inset falls
    apart at a passage narrower than the width, with a quarter or an eighth of the width of
    clearance, and at last anywhere in the area, so the robot keeps off walls if it can.
    """

    def __init__(self, area: BaseGeometry, inner: BaseGeometry, width: float) -> None:
        eroded = [area.buffer(-width * share, join_style="mitre") for share in (1 / 4, 1 / 8)]
        self._routers = [Router(space) for space in (inner, *eroded, area)]

    def route(self, start: Point, end: Point) -> list[Point]:
        """The points after `start` of a route to `end`; NoRoute if even the area has none."""
        for router in self._routers[:-1]:
            try:
                return router.route(start, end)
            except NoRoute:
                log.debug("no connector to %s with this clearance; trying less", end)
        return self._routers[-1].route(start, end)


def _ring_vertices(space: BaseGeometry) -> np.ndarray:
    """Every ring vertex of a polygon or multipolygon, without the rings' closing repeats."""
    rings = []
    for part in shapely.get_parts(space):
        for ring in [part.exterior, *part.interiors]:
            rings.append(np.asarray(ring.coords)[:-1])
    return np.concatenate(rings) if rings else np.empty((0, 2))


def _distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def _show(point: Point) -> str:
    return f"({point[0]:.2f}, {point[1]:.2f})"
