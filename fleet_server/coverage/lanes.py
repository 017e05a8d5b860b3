"""Boustrophedon lanes in the lane frame (lanes run along x): lines, cells, sweep order."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import GEOM_TOLERANCE_M

Lanes = list[tuple[Point, Point]]


@dataclass(frozen=True)
class Lane:
    """A lane piece in the lane frame (lanes run along x): y and its x extent."""

    y: float
    x0: float
    x1: float


def lane_rows(inner: BaseGeometry, width: float) -> list[list[Lane]]:
    """The lane pieces on each lane line, bottom to top, lines `width` apart and centred."""
    if inner.is_empty:
        return []
    min_x, min_y, max_x, max_y = inner.bounds
    # Lines keep a hair off the inset's extreme edges, where intersections are fragile; the
    # inset is that hair wider than a whole number of widths when the zone is, and the 1e-9
    # keeps rounding in the subtraction from costing that zone a lane.
    span = max(0.0, max_y - min_y - 2 * GEOM_TOLERANCE_M)
    count = math.floor(span / width + 1e-9) + 1
    first = min_y + (max_y - min_y - (count - 1) * width) / 2
    ys = first + width * np.arange(count)
    lines = shapely.linestrings([[(min_x - 1.0, y), (max_x + 1.0, y)] for y in ys])
    pieces = shapely.intersection(lines, inner)
    return [_row(float(y), piece) for y, piece in zip(ys, pieces, strict=True)]


def _row(y: float, piece: BaseGeometry) -> list[Lane]:
    """The lanes of one line: its intersection's line parts, touching parts merged."""
    spans = sorted(
        (float(coords[:, 0].min()), float(coords[:, 0].max()))
        for part in shapely.get_parts(piece)
        if part.geom_type == "LineString" and part.length > GEOM_TOLERANCE_M
        for coords in [np.asarray(part.coords)]
    )
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1] + GEOM_TOLERANCE_M:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [Lane(y, x0, x1) for x0, x1 in merged]


def _overlaps(a: Lane, b: Lane) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > GEOM_TOLERANCE_M


def split_cells(rows: list[list[Lane]]) -> list[list[Lane]]:
    """Cells: stacks of lanes, one per line, each overlapping only its neighbours in the stack.

    A stack ends where a line splits (a hole or a concave edge) or lines merge, so each cell
    can be swept back and forth with short connectors between its lanes.
    """
    cells: list[list[Lane]] = []
    below: list[Lane] = []
    below_cells: list[list[Lane]] = []
    for row in rows:
        row_cells = []
        for lane in row:
            under = [i for i, other in enumerate(below) if _overlaps(other, lane)]
            continues = len(under) == 1 and sum(_overlaps(below[under[0]], o) for o in row) == 1
            if continues:
                cell = below_cells[under[0]]
            else:
                cell = []
                cells.append(cell)
            cell.append(lane)
            row_cells.append(cell)
        below, below_cells = row, row_cells
    return cells


def _cell_sweeps(cell: list[Lane]) -> list[Lanes]:
    """The four ways to sweep a cell: from its bottom or its top, the first lane either way."""
    sweeps = []
    for stack in (cell, cell[::-1]):
        for rightward_first in (True, False):
            sweeps.append(
                [
                    ((lane.x0, lane.y), (lane.x1, lane.y))
                    if rightward_first == (i % 2 == 0)
                    else ((lane.x1, lane.y), (lane.x0, lane.y))
                    for i, lane in enumerate(stack)
                ]
            )
    return sweeps


def driving_order(cells: list[list[Lane]], origin: Point) -> Lanes:
    """Lanes in driving order: cell after cell, always entering the nearest unswept cell."""
    options = [_cell_sweeps(cell) for cell in cells]
    remaining = list(range(len(cells)))
    position = origin
    lanes: Lanes = []
    while remaining:
        _, cell, sweep = min(
            (math.dist(position, sweep[0][0]), cell, sweep)
            for cell in remaining
            for sweep in options[cell]
        )
        remaining.remove(cell)
        lanes.extend(sweep)
        position = sweep[-1][1]
    return lanes


def swath_area(rows: list[list[Lane]], width: float) -> float:
    """The area of the lanes' flat-ended swaths, all inside the zone (lanes keep width/2 off it).

    The swaths only touch: lanes on one line are disjoint and lines are exactly `width` apart.
    """
    return width * sum(lane.x1 - lane.x0 for row in rows for lane in row)
