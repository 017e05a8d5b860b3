"""Coverage geometry: the reachable area, the swath of a path and how much of a zone it covered."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely
from shapely.geometry import LineString, Point

from fleet_server.coverage.geometry import CoverageError, covered_area, swath, zone_geometry

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
HOLE = [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0)]


def test_a_straight_pass_covers_its_width_times_its_length() -> None:
    result = covered_area(SQUARE, [], [], [(0.0, 5.0), (10.0, 5.0)], 2.0)
    assert result.covered_m2 == pytest.approx(20.0)
    assert result.reachable_m2 == pytest.approx(100.0)
    assert result.covered_percent == pytest.approx(20.0)


def test_driving_outside_the_zone_covers_nothing_more() -> None:
    result = covered_area(SQUARE, [], [], [(-5.0, 5.0), (15.0, 5.0)], 2.0)
    assert result.covered_m2 == pytest.approx(20.0)


def test_holes_are_neither_reachable_nor_covered() -> None:
    result = covered_area(SQUARE, [HOLE], [], [(0.0, 5.0), (10.0, 5.0)], 2.0)
    assert result.reachable_m2 == pytest.approx(96.0)
    assert result.covered_m2 == pytest.approx(20.0 - 4.0)


def test_no_go_areas_and_their_margin_are_not_reachable() -> None:
    works = [(8.0, -5.0), (15.0, -5.0), (15.0, 15.0), (8.0, 15.0)]
    result = covered_area(SQUARE, [], [works], [(0.0, 5.0), (10.0, 5.0)], 2.0)
    # The margin defaults to half the width: x from 7 on is out of reach.
    assert result.reachable_m2 == pytest.approx(70.0)
    assert result.covered_m2 == pytest.approx(14.0)
    assert result.covered_percent == pytest.approx(20.0)
    narrow = covered_area(SQUARE, [], [works], [(0.0, 5.0), (10.0, 5.0)], 2.0, margin=0.0)
    assert narrow.reachable_m2 == pytest.approx(80.0)


def test_turns_sweep_round_and_retraced_ground_counts_once() -> None:
    there_and_back = [(1.0, 2.0), (9.0, 2.0), (9.0, 4.0), (1.0, 4.0), (9.0, 4.0)]
    result = covered_area(SQUARE, [], [], there_and_back, 2.0)
    # Two 8 x 2 m passes, 1 x 2 m more beside the connector, two quarter discs at its corners
    # and a half disc where the robot turns back; the second time along y = 4 adds nothing.
    expected = 2 * 16 + 2 + math.pi / 4 + math.pi / 4 + math.pi / 2
    assert result.covered_m2 == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("path", [[], [(5.0, 5.0)], [(5.0, 5.0), (5.0, 5.0)]])
def test_a_path_that_goes_nowhere_covers_nothing(path: list[tuple[float, float]]) -> None:
    result = covered_area(SQUARE, [], [], path, 1.0)
    assert (result.covered_m2, result.covered_percent) == (0.0, 0.0)


def test_a_zone_wholly_inside_a_no_go_area_reports_zero_percent() -> None:
    everywhere = [(-1.0, -1.0), (11.0, -1.0), (11.0, 11.0), (-1.0, 11.0)]
    result = covered_area(SQUARE, [], [everywhere], [(0.0, 5.0), (10.0, 5.0)], 1.0)
    assert result.reachable_m2 == 0.0
    assert result.covered_percent == 0.0


def test_a_bad_point_in_the_path_is_named() -> None:
    with pytest.raises(CoverageError, match="traversed path has a point that is not two finite"):
        covered_area(SQUARE, [], [], [(0.0, 5.0), (math.nan, 5.0)], 1.0)


def test_a_bad_width_is_named() -> None:
    with pytest.raises(CoverageError, match="cleaning width must be a positive number"):
        covered_area(SQUARE, [], [], [(0.0, 5.0), (10.0, 5.0)], -0.5)


def test_the_swath_stays_valid_where_the_geos_buffer_of_the_path_does_not() -> None:
    """Found by the property tests: GEOS buffers this zig-zag into a self-intersecting polygon."""
    path = [
        (1181.7051012494014, -4.803067329425507),
        (1183.4769251507093, -2.8527577432170017),
        (1182.5357240287794, -2.852757743216992),
        (1182.5357240287794, -2.726397584570941),
        (1180.0434817184648, -5.46969733652329),
    ]
    width = 0.7816109644608017
    assert not LineString(path).buffer(width / 2, cap_style="flat").is_valid
    swept = swath(path, width)
    assert swept.is_valid
    rectangles = [
        LineString(pair).buffer(width / 2, cap_style="flat") for pair in itertools.pairwise(path)
    ]
    for rectangle in rectangles:
        assert swept.buffer(1e-6).covers(rectangle)
    turns = [Point(corner).buffer(width / 2) for corner in path[1:-1]]
    assert swept.area <= shapely.union_all(rectangles + turns).area + 1e-6


def test_the_reachable_area_is_the_zone_minus_holes_minus_no_go_with_margin() -> None:
    works = [(9.0, 9.0), (12.0, 9.0), (12.0, 12.0), (9.0, 12.0)]
    geometry = zone_geometry(SQUARE, [HOLE], [works], 1.0)
    assert geometry.zone.area == pytest.approx(96.0)
    # The margin is a mitred square: 2 x 2 of the zone's corner is out of reach.
    assert geometry.reachable.area == pytest.approx(96.0 - 4.0)
    assert len(geometry.holes) == len(geometry.no_go) == 1
