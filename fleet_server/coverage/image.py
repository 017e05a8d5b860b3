"""Coverage images: a PNG of a zone, its planned lanes and the swath a robot actually cleaned."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from PIL import Image, ImageChops, ImageDraw, ImageFont
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from fleet_protocol.site import Point
from fleet_server.coverage.geometry import (
    CoverageError,
    CoverageResult,
    Ring,
    ZoneGeometry,
    covered_geometry,
    zone_geometry,
)
from fleet_server.coverage.plan import CoveragePlan, LegKind
from fleet_server.coverage.texts import IMAGE_TOO_SMALL

RGB = tuple[int, int, int]

BACKGROUND_RGB: RGB = (255, 255, 255)
ZONE_RGB: RGB = (232, 238, 245)
OUTLINE_RGB: RGB = (90, 98, 110)
HOLE_RGB: RGB = (150, 150, 150)
NO_GO_RGB: RGB = (235, 120, 120)
MARGIN_RGB: RGB = (248, 212, 212)
LANE_RGB: RGB = (70, 110, 170)
TRANSIT_RGB: RGB = (230, 150, 40)
TEXT_RGB: RGB = (30, 30, 30)
COVERED_RGB: RGB = (20, 170, 90)
COVERED_ALPHA = 120
MIN_SIZE_PX = 200


@dataclass(frozen=True)
class ImageFrame:
    """Where site metres land in the image: north up, the zone centred above a legend band."""

    size_px: int
    legend_px: int
    scale_px_per_m: float
    centre_m: Point
    centre_px: Point

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float], size_px: int) -> ImageFrame:
        """The frame that fits `bounds` (min x, min y, max x, max y) into a square image."""
        if size_px < MIN_SIZE_PX:
            raise CoverageError(IMAGE_TOO_SMALL.of(minimum=MIN_SIZE_PX, size=size_px))
        legend_px = size_px // 8
        pad = size_px // 25
        min_x, min_y, max_x, max_y = bounds
        room_x, room_y = size_px - 2 * pad, size_px - legend_px - 2 * pad
        scale = min(room_x / max(max_x - min_x, 1e-9), room_y / max(max_y - min_y, 1e-9))
        return cls(
            size_px=size_px,
            legend_px=legend_px,
            scale_px_per_m=scale,
            centre_m=((min_x + max_x) / 2, (min_y + max_y) / 2),
            centre_px=(size_px / 2, pad + room_y / 2),
        )

    def to_pixel(self, point: Point) -> Point:
        """The pixel position of a site point (y grows downwards in images)."""
        return (
            self.centre_px[0] + (point[0] - self.centre_m[0]) * self.scale_px_per_m,
            self.centre_px[1] - (point[1] - self.centre_m[1]) * self.scale_px_per_m,
        )

    def ring(self, coords: Sequence[Sequence[float]]) -> list[Point]:
        """A ring's pixel positions."""
        return [self.to_pixel((float(c[0]), float(c[1]))) for c in coords]


def render_coverage_png(
    zone_polygon: Ring,
    holes: Sequence[Ring],
    no_go_polygons: Sequence[Ring],
    plan: CoveragePlan,
    traversed_path: Sequence[Point] | None,
    *,
    size_px: int = 800,
    other_paths: Sequence[Sequence[Point]] = (),
) -> bytes:
    """A square PNG: zone, holes, no-go areas, planned lanes, cleaned swath and a legend; the
    swath is also that of `other_paths` (other robots sharing the zone).

    The cleaning width and no-go margin are the plan's. The same input gives the same bytes.
    """
    geometry = zone_geometry(zone_polygon, holes, no_go_polygons, plan.margin_m)
    frame = ImageFrame.fit(geometry.zone.bounds, size_px)
    image = Image.new("RGBA", (size_px, size_px), (*BACKGROUND_RGB, 255))
    _draw_zone(image, frame, geometry)
    _draw_legs(ImageDraw.Draw(image), frame, plan)
    result = None
    if traversed_path is not None:
        covered = covered_geometry(geometry, traversed_path, plan.width_m, other_paths)
        overlay = Image.new("RGBA", image.size, (*COVERED_RGB, 0))
        overlay.putalpha(_mask(frame, covered).point(lambda v: COVERED_ALPHA if v else 0))
        image = Image.alpha_composite(image, overlay)
        result = CoverageResult(covered.area, geometry.reachable.area)
    _draw_legend(ImageDraw.Draw(image), frame, plan, result)
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PNG")
    return output.getvalue()


def _draw_zone(image: Image.Image, frame: ImageFrame, geometry: ZoneGeometry) -> None:
    draw = ImageDraw.Draw(image)
    draw.polygon(frame.ring(geometry.zone.exterior.coords), fill=ZONE_RGB, outline=OUTLINE_RGB)
    margin = geometry.keep_out.intersection(geometry.zone)
    image.paste(MARGIN_RGB, mask=_mask(frame, margin))
    for hole in geometry.holes:
        draw.polygon(frame.ring(hole.exterior.coords), fill=HOLE_RGB, outline=OUTLINE_RGB)
    for area in geometry.no_go:
        draw.polygon(frame.ring(area.exterior.coords), fill=NO_GO_RGB, outline=OUTLINE_RGB)


def _draw_legs(draw: ImageDraw.ImageDraw, frame: ImageFrame, plan: CoveragePlan) -> None:
    for leg in plan.legs:
        colour = LANE_RGB if leg.kind is LegKind.CLEANING else TRANSIT_RGB
        draw.line([frame.to_pixel(leg.start), frame.to_pixel(leg.end)], fill=colour, width=1)


def _mask(frame: ImageFrame, area: BaseGeometry) -> Image.Image:
    """A black-and-white mask of the polygons in `area`, holes left out."""
    size = (frame.size_px, frame.size_px)
    mask = Image.new("L", size, 0)
    for part in shapely.get_parts(area):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        # Each part gets its own layer: erasing one part's holes must not erase a part inside them.
        layer = Image.new("L", size, 0)
        pen = ImageDraw.Draw(layer)
        pen.polygon(frame.ring(part.exterior.coords), fill=255)
        for interior in part.interiors:
            # Slivers between swaths that only touch have no area but would be drawn as lines.
            if Polygon(interior).area * frame.scale_px_per_m**2 >= 1:
                pen.polygon(frame.ring(interior.coords), fill=0)
        mask = ImageChops.lighter(mask, layer)
    return mask


def _draw_legend(
    draw: ImageDraw.ImageDraw,
    frame: ImageFrame,
    plan: CoveragePlan,
    result: CoverageResult | None,
) -> None:
    """Two lines of figures, colour keys and a scale bar in the band below the map."""
    font_px = max(10, frame.size_px // 55)
    font = ImageFont.load_default(size=font_px)
    left = frame.size_px // 25
    top = frame.size_px - frame.legend_px
    if result is None:
        headline = f"planned {plan.planned_percent:.1f} % of {plan.reachable_area_m2:,.0f} sq m"
    else:
        headline = f"covered {result.covered_percent:.1f} % of {result.reachable_m2:,.0f} sq m"
    details = (
        f"width {plan.width_m:g} m · {plan.lane_count} lanes · path {plan.length_m:,.0f} m · "
        f"planned {plan.planned_percent:.1f} %"
    )
    draw.text((left, top), headline, fill=TEXT_RGB, font=font)
    draw.text((left, top + font_px * 1.4), details, fill=TEXT_RGB, font=font)
    keys = [
        ("zone", ZONE_RGB),
        ("covered", COVERED_RGB),
        ("hole", HOLE_RGB),
        ("no-go", NO_GO_RGB),
        ("margin", MARGIN_RGB),
        ("lane", LANE_RGB),
        ("transit", TRANSIT_RGB),
    ]
    x, y = float(left), top + font_px * 2.9
    for label, colour in keys:
        draw.rectangle([x, y, x + font_px, y + font_px], fill=colour, outline=OUTLINE_RGB)
        draw.text((x + font_px * 1.4, y), label, fill=TEXT_RGB, font=font)
        x += font_px * 1.8 + draw.textlength(label, font=font)
    _draw_scale_bar(draw, frame, font, (frame.size_px - left, y), font_px)


def _draw_scale_bar(
    draw: ImageDraw.ImageDraw,
    frame: ImageFrame,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    right_top: Point,
    font_px: int,
) -> None:
    """A bar of a round length (1, 2 or 5 × 10ⁿ m) near a sixth of the image, label on its left."""
    target_m = frame.size_px / 6 / frame.scale_px_per_m
    power = 10.0 ** math.floor(math.log10(target_m))
    length_m = max(step * power for step in (1, 2, 5) if step * power <= target_m)
    length_px = length_m * frame.scale_px_per_m
    right, top = right_top
    middle = top + font_px / 2
    draw.line([(right - length_px, middle), (right, middle)], fill=TEXT_RGB, width=3)
    label = f"{length_m:g} m"
    label_x = right - length_px - font_px / 2 - draw.textlength(label, font=font)
    draw.text((label_x, top), label, fill=TEXT_RGB, font=font)
