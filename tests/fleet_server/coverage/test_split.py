"""One zone, several robots: a coverage plan cut into contiguous parts of about equal length."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleet_server.coverage.geometry import CoverageError
from fleet_server.coverage.plan import CoveragePlan, LegKind, plan_coverage
from fleet_server.coverage.split import split_coverage
from fleet_server.missions.plans import coverage_of
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.sites import load_site_file

FORECOURT_WIDTH_M = 2.0


def _lanes(plan: CoveragePlan) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(leg.start, leg.end) for leg in plan.legs if leg.kind is LegKind.CLEANING]


def _lane_loads(plan: CoveragePlan) -> list[float]:
    """Each lane's length with the way to it from the lane before."""
    loads, load = [], 0.0
    for leg in plan.legs:
        load += leg.length_m
        if leg.kind is LegKind.CLEANING:
            loads.append(load)
            load = 0.0
    return loads


def _forecourt() -> CoveragePlan:
    site = load_site_file(DEFAULT_SITES_DIR / "longgang-demo.yaml")
    return coverage_of(site, "uc-forecourt", FORECOURT_WIDTH_M)


@pytest.mark.parametrize("parts", [1, 2, 3, 4])
def test_the_forecourt_is_shared_out_in_even_contiguous_parts(parts: int) -> None:
    plan = _forecourt()
    pieces = split_coverage(plan, parts)
    assert len(pieces) == parts
    # Every lane once, in the plan's order: the parts are runs of neighbouring lanes.
    assert [lane for piece in pieces for lane in _lanes(piece)] == _lanes(plan)
    for piece in pieces:
        assert piece.leg_kinds[0] is LegKind.CLEANING and piece.leg_kinds[-1] is LegKind.CLEANING
        assert len(piece.waypoints) == len(piece.leg_kinds) + 1
    lengths = [piece.length_m for piece in pieces]
    # As even as the lanes allow: no part longer than an even share plus one lane and its way.
    assert max(lengths) <= plan.length_m / parts + max(_lane_loads(plan))
    assert sum(piece.planned_area_m2 for piece in pieces) == pytest.approx(plan.planned_area_m2)
    assert all(piece.planned_percent == pytest.approx(plan.planned_percent) for piece in pieces)


def test_four_sweepers_each_get_about_a_quarter_of_the_forecourt() -> None:
    pieces = split_coverage(_forecourt(), 4)
    lengths = [piece.length_m for piece in pieces]
    assert max(lengths) / min(lengths) < 1.1, lengths


def test_more_robots_than_lanes_is_refused_naming_the_lanes() -> None:
    plan = plan_coverage([(0, 0), (10, 0), (10, 5), (0, 5)], [], [], 2.0)
    lanes = plan.lane_count
    assert len(split_coverage(plan, lanes)) == lanes
    too_many = f"has {lanes} lane\\(s\\): it can be shared by at most {lanes} robots"
    with pytest.raises(CoverageError, match=too_many):
        split_coverage(plan, lanes + 1)
    with pytest.raises(CoverageError, match="at least 1"):
        split_coverage(plan, 0)


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(min_value=20, max_value=120),
    height=st.floats(min_value=10, max_value=80),
    lane=st.floats(min_value=0.6, max_value=3.0),
    parts=st.integers(min_value=1, max_value=6),
)
def test_parts_cover_every_lane_once_and_the_longest_is_near_an_even_share(
    width: float, height: float, lane: float, parts: int
) -> None:
    plan = plan_coverage([(0, 0), (width, 0), (width, height), (0, height)], [], [], lane)
    parts = min(parts, plan.lane_count)
    pieces = split_coverage(plan, parts)
    assert [x for piece in pieces for x in _lanes(piece)] == _lanes(plan)
    assert max(piece.length_m for piece in pieces) <= plan.length_m / parts + max(_lane_loads(plan))
