"""Coverage images: a PNG of the requested size, the same bytes for the same input, true colours."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import CoverageError
from fleet_server.coverage.image import (
    COVERED_ALPHA,
    COVERED_RGB,
    HOLE_RGB,
    LANE_RGB,
    MARGIN_RGB,
    NO_GO_RGB,
    ZONE_RGB,
    ImageFrame,
    render_coverage_png,
)
from fleet_server.coverage.plan import CoveragePlan, LegKind, plan_coverage

ZONE = [(0.0, 0.0), (20.0, 0.0), (20.0, 10.0), (0.0, 10.0)]
HOLES = [[(12.0, 4.0), (14.0, 4.0), (14.0, 6.0), (12.0, 6.0)]]
NO_GO = [[(18.0, 8.0), (22.0, 8.0), (22.0, 12.0), (18.0, 12.0)]]
ZONE_BOUNDS = (0.0, 0.0, 20.0, 10.0)


@pytest.fixture(scope="module")
def plan() -> CoveragePlan:
    """1 m lanes along x, from y 0.5 to 9.5, starting at the lower left."""
    return plan_coverage(ZONE, HOLES, NO_GO, 1.0)


def _first_lanes(plan: CoveragePlan, lanes: int) -> list[Point]:
    """The plan's waypoints up to the end of its first `lanes` cleaning legs."""
    cleaning = [i for i, kind in enumerate(plan.leg_kinds) if kind is LegKind.CLEANING]
    return list(plan.waypoints[: cleaning[lanes - 1] + 2])


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _colour_at(image: Image.Image, point: Point) -> tuple[int, ...]:
    x, y = ImageFrame.fit(ZONE_BOUNDS, image.width).to_pixel(point)
    pixel = image.getpixel((int(x), int(y)))
    assert isinstance(pixel, tuple)
    return pixel


def _tinted(under: tuple[int, int, int]) -> tuple[int, ...]:
    """The colour of covered ground over `under`: the covered colour at its alpha."""
    alpha = COVERED_ALPHA / 255
    return tuple(
        round(c * alpha + u * (1 - alpha)) for c, u in zip(COVERED_RGB, under, strict=True)
    )


@pytest.mark.parametrize("size_px", [800, 400])
def test_the_image_is_a_png_of_the_requested_size(plan: CoveragePlan, size_px: int) -> None:
    png = render_coverage_png(ZONE, HOLES, NO_GO, plan, plan.waypoints, size_px=size_px)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = _image(png)
    assert (image.format, image.size, image.mode) == ("PNG", (size_px, size_px), "RGB")


def test_the_same_input_gives_the_same_bytes(plan: CoveragePlan) -> None:
    path = _first_lanes(plan, 3)
    first = render_coverage_png(ZONE, HOLES, NO_GO, plan, path)
    assert render_coverage_png(ZONE, HOLES, NO_GO, plan, path) == first
    assert render_coverage_png(ZONE, HOLES, NO_GO, plan, _first_lanes(plan, 4)) != first


def test_covered_and_uncovered_ground_have_their_colours(plan: CoveragePlan) -> None:
    # The first three lanes (y 0.5, 1.5, 2.5) sweep y 0 to 3.
    image = _image(render_coverage_png(ZONE, HOLES, NO_GO, plan, _first_lanes(plan, 3)))
    covered = _colour_at(image, (5.0, 1.0))
    assert all(abs(a - b) <= 1 for a, b in zip(covered, _tinted(ZONE_RGB), strict=True))
    assert _colour_at(image, (5.0, 8.0)) == ZONE_RGB
    assert _colour_at(image, (5.0, 8.5)) == LANE_RGB
    assert _colour_at(image, (13.0, 5.0)) == HOLE_RGB
    assert _colour_at(image, (19.0, 9.0)) == NO_GO_RGB
    assert _colour_at(image, (17.75, 9.0)) == MARGIN_RGB


def test_without_a_traversed_path_nothing_is_tinted(plan: CoveragePlan) -> None:
    image = _image(render_coverage_png(ZONE, HOLES, NO_GO, plan, None))
    assert _colour_at(image, (5.0, 1.0)) == ZONE_RGB
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16) or []}
    assert _tinted(ZONE_RGB) not in colours


def test_an_image_too_small_for_its_legend_is_refused(plan: CoveragePlan) -> None:
    with pytest.raises(CoverageError, match="coverage image must be at least 200 px, got 100"):
        render_coverage_png(ZONE, HOLES, NO_GO, plan, None, size_px=100)


def test_a_bad_point_in_the_traversed_path_is_named(plan: CoveragePlan) -> None:
    with pytest.raises(CoverageError, match="traversed path has a point that is not two finite"):
        render_coverage_png(ZONE, HOLES, NO_GO, plan, [(1.0, 1.0), (math.inf, 1.0)])
