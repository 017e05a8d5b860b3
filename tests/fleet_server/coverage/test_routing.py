"""Connector routing: shortest routes that bend round holes and concave corners, never through."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon

from fleet_protocol.site import Point
from fleet_server.coverage.routing import NoRoute, Router

SQUARE_WITH_HOLE = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 2), (6, 2), (6, 8), (4, 8)]])
U_SHAPE = Polygon([(0, 0), (10, 0), (10, 10), (7, 10), (7, 3), (3, 3), (3, 10), (0, 10)])


def _length(start: Point, route: list[Point]) -> float:
    return float(LineString([start, *route]).length)


def test_a_clear_line_of_sight_is_one_straight_leg() -> None:
    router = Router(SQUARE_WITH_HOLE)
    assert router.route((1.0, 1.0), (9.0, 1.0)) == [(9.0, 1.0)]


def test_a_route_bends_round_the_nearer_corners_of_a_hole() -> None:
    router = Router(SQUARE_WITH_HOLE)
    route = router.route((2.0, 3.0), (8.0, 3.0))
    assert route == [(4.0, 2.0), (6.0, 2.0), (8.0, 3.0)]
    assert _length((2.0, 3.0), route) == pytest.approx(2 * math.sqrt(5) + 2)
    assert not LineString([(2.0, 3.0), *route]).crosses(Polygon([(4, 2), (6, 2), (6, 8), (4, 8)]))


def test_a_route_follows_a_concave_zone_round_its_inner_corners() -> None:
    router = Router(U_SHAPE)
    route = router.route((1.0, 9.0), (9.0, 9.0))
    assert route == [(3.0, 3.0), (7.0, 3.0), (9.0, 9.0)]
    assert U_SHAPE.buffer(1e-9).covers(LineString([(1.0, 9.0), *route]))


def test_a_route_along_an_edge_counts_as_inside() -> None:
    router = Router(U_SHAPE)
    assert router.route((3.0, 9.0), (3.0, 3.0)) == [(3.0, 3.0)]


def test_separate_parts_have_no_route_between_them() -> None:
    parts = MultiPolygon([Polygon([(0, 0), (4, 0), (4, 4), (0, 4)]),
                          Polygon([(6, 0), (10, 0), (10, 4), (6, 4)])])  # fmt: skip
    router = Router(parts)
    with pytest.raises(NoRoute, match=r"no route from \(1.00, 1.00\) to \(9.00, 1.00\)"):
        router.route((1.0, 1.0), (9.0, 1.0))
    assert router.route((1.0, 1.0), (3.0, 3.0)) == [(3.0, 3.0)]
