"""Coverage benchmark: time to plan, measure and draw coverage of ~10,000 m² zones with holes.

For each zone and cleaning width, prints the median over several runs of the time to plan the
lanes, to measure the covered area of the whole planned path, and to render the PNG, with the
lane count, path length, transit share and the planned and covered percentages.

    python -m bench.coverage
    python -m bench.coverage --runs 15
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import shapely

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import covered_area
from fleet_server.coverage.image import render_coverage_png
from fleet_server.coverage.plan import CoveragePlan, LegKind, plan_coverage

WIDTHS_M = (1.0, 0.6)


@dataclass(frozen=True)
class Zone:
    """A benchmark zone."""

    name: str
    polygon: list[Point]
    holes: list[list[Point]]
    no_go: list[list[Point]]


def circle(x: float, y: float, radius: float, sides: int = 32) -> list[Point]:
    return [
        (
            x + radius * math.cos(2 * math.pi * k / sides),
            y + radius * math.sin(2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def rectangle(x: float, y: float, width: float, height: float, turn_deg: float = 0) -> list[Point]:
    """A rectangle centred on (x, y), turned about its centre."""
    turn = math.radians(turn_deg)
    corners = [(-width / 2, -height / 2), (width / 2, -height / 2), (width / 2, height / 2),
               (-width / 2, height / 2)]  # fmt: skip
    return [
        (
            x + cx * math.cos(turn) - cy * math.sin(turn),
            y + cx * math.sin(turn) + cy * math.cos(turn),
        )
        for cx, cy in corners
    ]


def turned(points: list[Point], turn_deg: float) -> list[Point]:
    """Points turned about the origin."""
    turn = math.radians(turn_deg)
    return [
        (x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn))
        for x, y in points
    ]


PLAZA_HOLES = [rectangle(40, 40, 12, 12), circle(85, 25, 6), rectangle(95, 60, 10, 5, 30)]
L_SHAPE = [(0, 0), (130, 0), (130, 50), (70, 50), (70, 95), (0, 95)]
ZONES = [
    Zone("plaza 125 x 80 m, 3 holes", rectangle(62.5, 40, 125, 80), PLAZA_HOLES, []),
    Zone(
        "L-shaped 9,650 m², 3 holes",
        [(float(x), float(y)) for x, y in L_SHAPE],
        [rectangle(30, 25, 10, 10), circle(100, 25, 5), rectangle(35, 75, 14, 6, 15)],
        [],
    ),
    Zone(
        "plaza turned 25°, 3 holes, no-go",
        turned(rectangle(62.5, 40, 125, 80), 25),
        [turned(hole, 25) for hole in PLAZA_HOLES],
        [turned(rectangle(125, 80, 30, 20), 25)],
    ),
]


def median_ms(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `action` over `runs` runs, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def transit_share(plan: CoveragePlan) -> float:
    transit = sum(leg.length_m for leg in plan.legs if leg.kind is LegKind.TRANSIT)
    return 100 * transit / plan.length_m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, shapely {shapely.__version__}, "
        f"GEOS {shapely.geos_version_string}, {platform.machine()}; median of {args.runs} runs"
    )
    header = (
        f"{'zone':34} {'width':>5} {'area m²':>8} {'lanes':>5} {'path m':>7} {'transit':>7} "
        f"{'planned':>7} {'covered':>7} {'plan ms':>8} {'measure ms':>10} {'png ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for zone in ZONES:
        for width in WIDTHS_M:
            plan = plan_coverage(zone.polygon, zone.holes, zone.no_go, width)
            path = plan.waypoints
            result = covered_area(zone.polygon, zone.holes, zone.no_go, path, width)
            rings = (zone.polygon, zone.holes, zone.no_go)
            plan_ms = median_ms(partial(plan_coverage, *rings, width), args.runs)
            measure_ms = median_ms(partial(covered_area, *rings, path, width), args.runs)
            png_ms = median_ms(partial(render_coverage_png, *rings, plan, path), args.runs)
            print(
                f"{zone.name:34} {width:5.1f} {plan.reachable_area_m2:8,.0f} {plan.lane_count:5d} "
                f"{plan.length_m:7,.0f} {transit_share(plan):6.1f}% {plan.planned_percent:6.1f}% "
                f"{result.covered_percent:6.1f}% {plan_ms:8.1f} {measure_ms:10.1f} {png_ms:7.1f}"
            )


if __name__ == "__main__":
    main()
