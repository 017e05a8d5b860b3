"""A site as a gz sim world (SDF) and a Nav2 occupancy map (PGM + YAML), in the site's own frame."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fleet_protocol.site import Point, Site, ZoneKind
from simulation.chargers import CHARGER_SIZE, charger_pose

WALL_HEIGHT = 1.2
WALL_THICKNESS = 0.2
KERB_HEIGHT = 0.15
KERB_THICKNESS = 0.2
# Without a geofence the boundary is the nodes' bounding box grown by this much (metres).
NODE_MARGIN = 5.0
# Unknown space kept around the boundary in the map image (metres).
MAP_MARGIN = 2.0

FREE = 254
OCCUPIED = 0
UNKNOWN = 205
OCCUPIED_THRESH = 0.65
# map_server reads a pixel as free when (255 - value) / 255 < free_thresh. Unknown grey 205 gives
# 0.196, so free_thresh must not exceed that or unknown space would load as free (ROS map_saver's
# own pairing of 205 with 0.196).
FREE_THRESH = 0.196


@dataclass(frozen=True)
class Wall:
    """A static box along a segment: a boundary wall or a no-go zone's kerb."""

    name: str
    start: Point
    end: Point
    height: float
    thickness: float


def boundary(site: Site) -> list[Point]:
    """The site's outer boundary: its geofence's outer ring, else the nodes' box plus a margin."""
    for zone in site.zones:
        if zone.kind is ZoneKind.GEOFENCE:
            return list(zone.polygon)
    xs = [node.x for node in site.nodes]
    ys = [node.y for node in site.nodes]
    x0, x1 = min(xs) - NODE_MARGIN, max(xs) + NODE_MARGIN
    y0, y1 = min(ys) - NODE_MARGIN, max(ys) + NODE_MARGIN
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _ring_edges(ring: Sequence[Point]) -> Iterator[tuple[Point, Point]]:
    for i, start in enumerate(ring):
        end = ring[(i + 1) % len(ring)]
        if start != end:
            yield start, end


def walls(site: Site) -> list[Wall]:
    """A wall per boundary edge and a kerb per edge of each no-go zone's outer ring."""
    result = [
        Wall(f"boundary_wall_{i}", start, end, WALL_HEIGHT, WALL_THICKNESS)
        for i, (start, end) in enumerate(_ring_edges(boundary(site)))
    ]
    for zone in site.zones:
        if zone.kind is ZoneKind.NO_GO:
            result += [
                Wall(f"{zone.id}_kerb_{i}", start, end, KERB_HEIGHT, KERB_THICKNESS)
                for i, (start, end) in enumerate(_ring_edges(zone.polygon))
            ]
    return result


def _fmt(*values: float) -> str:
    return " ".join(f"{value:.10g}" for value in values)


def _box_model(parent: ET.Element, name: str, pose: Sequence[float], size: Sequence[float]) -> None:
    model = ET.SubElement(parent, "model", name=name)
    ET.SubElement(model, "static").text = "true"
    ET.SubElement(model, "pose").text = _fmt(*pose)
    link = ET.SubElement(model, "link", name="link")
    for part in ("collision", "visual"):
        element = ET.SubElement(link, part, name=part)
        box = ET.SubElement(ET.SubElement(element, "geometry"), "box")
        ET.SubElement(box, "size").text = _fmt(*size)


def _ground_and_sun(world: ET.Element, extent: float) -> None:
    light = ET.SubElement(world, "light", type="directional", name="sun")
    ET.SubElement(light, "cast_shadows").text = "true"
    ET.SubElement(light, "pose").text = "0 0 100 0 0 0"
    ET.SubElement(light, "diffuse").text = "0.8 0.8 0.8 1"
    ET.SubElement(light, "specular").text = "0.2 0.2 0.2 1"
    ET.SubElement(light, "direction").text = "-0.5 0.1 -0.9"
    ground = ET.SubElement(world, "model", name="ground_plane")
    ET.SubElement(ground, "static").text = "true"
    link = ET.SubElement(ground, "link", name="link")
    for part in ("collision", "visual"):
        geometry = ET.SubElement(ET.SubElement(link, part, name=part), "geometry")
        plane = ET.SubElement(geometry, "plane")
        ET.SubElement(plane, "normal").text = "0 0 1"
        ET.SubElement(plane, "size").text = _fmt(extent, extent)


def world_sdf(site: Site) -> str:
    """The site as an SDF 1.9 world; gz sim adds its default systems as the world names none."""
    sdf = ET.Element("sdf", version="1.9")
    world = ET.SubElement(sdf, "world", name=site.id)
    ring = boundary(site)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    extent = 2 * max(abs(v) for v in (*xs, *ys)) + 2 * MAP_MARGIN
    _ground_and_sun(world, extent)
    for wall in walls(site):
        (x0, y0), (x1, y1) = wall.start, wall.end
        length = math.hypot(x1 - x0, y1 - y0) + wall.thickness  # overlap so corners close
        pose = ((x0 + x1) / 2, (y0 + y1) / 2, wall.height / 2, 0, 0, math.atan2(y1 - y0, x1 - x0))
        _box_model(world, wall.name, pose, (length, wall.thickness, wall.height))
    for dock in site.docks:  # beyond the dock's node, where a docked robot stands
        x, y, yaw = charger_pose(site, dock)
        _box_model(world, dock.id, (x, y, CHARGER_SIZE[2] / 2, 0, 0, yaw), CHARGER_SIZE)
    ET.indent(sdf)
    return '<?xml version="1.0"?>\n' + ET.tostring(sdf, encoding="unicode") + "\n"


@dataclass(frozen=True)
class OccupancyGrid:
    """A map image: row 0 is the top (largest y); origin is the lower-left pixel's corner."""

    width: int
    height: int
    resolution: float
    origin: Point
    pixels: bytes

    def pixel_of(self, x: float, y: float) -> tuple[int, int]:
        """The (column, row) of the pixel containing a point."""
        column = math.floor((x - self.origin[0]) / self.resolution)
        row = self.height - 1 - math.floor((y - self.origin[1]) / self.resolution)
        return column, row

    def value_at(self, x: float, y: float) -> int:
        """The pixel value at a point; IndexError if it is off the image."""
        column, row = self.pixel_of(x, y)
        if not (0 <= column < self.width and 0 <= row < self.height):
            raise IndexError(f"({x}, {y}) is off the map")
        return self.pixels[row * self.width + column]

    def pgm(self) -> bytes:
        """The image as a binary (P5) PGM."""
        return f"P5\n{self.width} {self.height}\n255\n".encode("ascii") + self.pixels

    def yaml_text(self, image: str) -> str:
        """The map_server YAML describing this image (file name relative to the YAML)."""
        return (
            f"image: {image}\n"
            "mode: trinary\n"
            f"resolution: {self.resolution:g}\n"
            f"origin: [{self.origin[0]:g}, {self.origin[1]:g}, 0]\n"
            "negate: 0\n"
            f"occupied_thresh: {OCCUPIED_THRESH}\n"
            f"free_thresh: {FREE_THRESH}\n"
        )


class _Raster:
    """A bytearray image painted row by row, with the grid's pixel geometry."""

    def __init__(self, origin: Point, width: int, height: int, resolution: float) -> None:
        self.origin, self.width, self.height, self.res = origin, width, height, resolution
        self.pixels = bytearray([UNKNOWN]) * (width * height)

    def _paint(self, row: int, first: int, stop: int, value: int) -> None:
        first, stop = max(first, 0), min(stop, self.width)
        if 0 <= row < self.height and first < stop:
            start = row * self.width
            self.pixels[start + first : start + stop] = bytes([value]) * (stop - first)

    def fill(self, rings: Sequence[Sequence[Point]], value: int) -> None:
        """Paint the pixels whose centres are inside the rings (even-odd, so holes stay out)."""
        ox, oy = self.origin
        edges = [edge for ring in rings for edge in _ring_edges(ring)]
        for row in range(self.height):
            y = oy + (self.height - 1 - row + 0.5) * self.res
            xs = sorted(
                x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                for (x0, y0), (x1, y1) in edges
                if (y0 <= y) != (y1 <= y)
            )
            # Closed rings cross any line an even number of times, so the halves pair up.
            for left, right in zip(xs[::2], xs[1::2], strict=True):
                first = math.ceil((left - ox) / self.res - 0.5)
                stop = math.ceil((right - ox) / self.res - 0.5)
                self._paint(row, first, stop, value)

    def stroke(self, start: Point, end: Point, half_width: float, value: int) -> None:
        """Paint every pixel touched by the segment, grown by half_width on each side."""
        ox, oy = self.origin
        (x0, y0), (x1, y1) = start, end
        low, high = min(y0, y1) - half_width, max(y0, y1) + half_width
        top = self.height - 1 - math.floor((high - oy) / self.res)
        bottom = self.height - 1 - math.floor((low - oy) / self.res)
        for row in range(max(top, 0), min(bottom, self.height - 1) + 1):
            band_low = oy + (self.height - 1 - row) * self.res - half_width
            band_high = band_low + self.res + 2 * half_width
            if y0 == y1:
                xa, xb = x0, x1
            else:
                ta = min(max((band_low - y0) / (y1 - y0), 0.0), 1.0)
                tb = min(max((band_high - y0) / (y1 - y0), 0.0), 1.0)
                xa, xb = x0 + ta * (x1 - x0), x0 + tb * (x1 - x0)
            left, right = min(xa, xb) - half_width, max(xa, xb) + half_width
            first = math.floor((left - ox) / self.res)
            stop = math.floor((right - ox) / self.res) + 1
            self._paint(row, first, stop, value)


def occupancy_grid(site: Site, resolution: float) -> OccupancyGrid:
    """Free inside the boundary, occupied on its walls and in no-go zones, unknown outside."""
    if resolution <= 0:
        raise ValueError(f"resolution must be greater than 0, not {resolution}")
    ring = boundary(site)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    origin = (min(xs) - MAP_MARGIN, min(ys) - MAP_MARGIN)
    # The epsilon keeps 14.2 / 0.1 from becoming 143 pixels.
    width = math.ceil((max(xs) + MAP_MARGIN - origin[0]) / resolution - 1e-9)
    height = math.ceil((max(ys) + MAP_MARGIN - origin[1]) / resolution - 1e-9)
    raster = _Raster(origin, width, height, resolution)
    raster.fill([ring], FREE)
    for zone in site.zones:
        if zone.kind is ZoneKind.NO_GO:
            raster.fill([zone.polygon, *zone.holes], OCCUPIED)
    for wall in walls(site):
        raster.stroke(wall.start, wall.end, wall.thickness / 2, OCCUPIED)
    return OccupancyGrid(width, height, resolution, origin, bytes(raster.pixels))


def write_world(site: Site, path: Path) -> Path:
    """Write the site's SDF world to path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(world_sdf(site), encoding="utf-8")
    return path


def write_map(site: Site, base: Path, resolution: float) -> tuple[Path, Path]:
    """Write base.pgm and base.yaml (a .pgm or .yaml suffix on base is dropped)."""
    if base.suffix in (".pgm", ".yaml"):
        base = base.with_suffix("")
    grid = occupancy_grid(site, resolution)
    image, description = base.with_name(base.name + ".pgm"), base.with_name(base.name + ".yaml")
    base.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(grid.pgm())
    description.write_text(grid.yaml_text(image.name), encoding="utf-8")
    return image, description
