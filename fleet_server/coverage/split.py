"""One zone, several robots: a coverage path cut at lane boundaries into contiguous parts of about
equal length, each a plan of its own that one robot drives."""

from __future__ import annotations

from dataclasses import replace

from fleet_server.coverage.geometry import CoverageError
from fleet_server.coverage.plan import CoveragePlan, LegKind
from fleet_server.coverage.texts import PARTS_TOO_FEW, PARTS_TOO_MANY

# The balance search stops when the longest part is known to within this many metres.
PRECISION_M = 0.01


def split_coverage(plan: CoveragePlan, parts: int) -> list[CoveragePlan]:
    """The plan cut into `parts` runs of consecutive lanes whose lengths are as even as the lanes
    allow (the longest part is as short as it can be). Each part keeps the transits between its
    own lanes and starts at its first lane; the way from one part to the next is dropped, since
    another robot drives it. Planned and reachable areas are shared out by lane length, so the
    parts' planned areas add up to the plan's."""
    lanes = _lanes(plan)
    if parts < 1:
        raise CoverageError(PARTS_TOO_FEW.of(parts=parts))
    if parts > len(lanes):
        raise CoverageError(PARTS_TOO_MANY.of(lanes=len(lanes), parts=parts))
    weights = [_weight(plan, first, last) for first, last in lanes]
    cuts = _balanced_cuts(weights, parts)
    cleaning_total = sum(leg.length_m for leg in plan.legs if leg.kind is LegKind.CLEANING)
    bounds = zip([0, *cuts], [*cuts, len(lanes)], strict=True)
    # Each part runs from its first lane's cleaning leg to its last lane's.
    return [_piece(plan, lanes[a][1], lanes[b - 1][1], cleaning_total) for a, b in bounds]


def reverse_plan(plan: CoveragePlan) -> CoveragePlan:
    """The same path driven from its other end (a part's robot may start nearer its last lane)."""
    return replace(plan, waypoints=plan.waypoints[::-1], leg_kinds=plan.leg_kinds[::-1])


def _lanes(plan: CoveragePlan) -> list[tuple[int, int]]:
    """Per lane, the index of its first leg (the transit leading to it, if any, after the first
    lane) and of its cleaning leg."""
    lanes = []
    start = 0
    for index, kind in enumerate(plan.leg_kinds):
        if kind is LegKind.CLEANING:
            lanes.append((start, index))
            start = index + 1
    return lanes


def _weight(plan: CoveragePlan, first: int, last: int) -> float:
    """The length a lane adds to its part: the way to it from the previous lane, and the lane."""
    return sum(leg.length_m for leg in plan.legs[first : last + 1])


def _balanced_cuts(weights: list[float], parts: int) -> list[int]:
    """Where to cut the lanes (indices of each part's first lane but the first) so that the
    heaviest part is as light as possible: a search on that weight, each guess checked by
    filling parts greedily."""
    low, high = max(weights), sum(weights)
    while high - low > PRECISION_M:
        middle = (low + high) / 2
        if len(_greedy_cuts(weights, middle)) + 1 <= parts:
            high = middle
        else:
            low = middle
    cuts = _greedy_cuts(weights, high)
    # A light plan may fill fewer parts than asked: split the longest parts further.
    while len(cuts) + 1 < parts:
        cuts = _split_longest(weights, cuts)
    return cuts


def _greedy_cuts(weights: list[float], limit: float) -> list[int]:
    cuts = []
    load = 0.0
    for index, weight in enumerate(weights):
        if load + weight > limit and load > 0:
            cuts.append(index)
            load = 0.0
        load += weight
    return cuts


def _split_longest(weights: list[float], cuts: list[int]) -> list[int]:
    """One more part: the heaviest part of more than one lane halved at its middle lane."""
    bounds = list(zip([0, *cuts], [*cuts, len(weights)], strict=True))
    splittable = [(sum(weights[a:b]), a, b) for a, b in bounds if b - a > 1]
    _, begin, end = max(splittable)
    return sorted([*cuts, (begin + end) // 2])


def _piece(
    plan: CoveragePlan, first_leg: int, last_leg: int, cleaning_total: float
) -> CoveragePlan:
    kinds = plan.leg_kinds[first_leg : last_leg + 1]
    legs = plan.legs[first_leg : last_leg + 1]
    share = sum(leg.length_m for leg in legs if leg.kind is LegKind.CLEANING) / cleaning_total
    return replace(
        plan,
        waypoints=plan.waypoints[first_leg : last_leg + 2],
        leg_kinds=kinds,
        planned_area_m2=plan.planned_area_m2 * share,
        reachable_area_m2=plan.reachable_area_m2 * share,
    )
