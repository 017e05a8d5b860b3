"""Why no coverage can be planned or measured, as codes with parameters (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

BAD_WIDTH = Phrase(
    "coverage.bad_width", "cleaning width must be a positive number of metres, got {width!r}"
)
BAD_MARGIN = Phrase(
    "coverage.bad_margin", "no-go safety margin must be zero or more metres, got {margin!r}"
)
# What a shape problem is about ({what} below).
ZONE_POLYGON = Phrase("coverage.zone_polygon", "zone polygon")
ZONE_WITH_HOLES = Phrase("coverage.zone_with_holes", "zone polygon with its holes")
HOLE = Phrase("coverage.hole", "hole {index}")
NO_GO_POLYGON = Phrase("coverage.no_go_polygon", "no-go polygon {index}")
TRAVERSED_PATH = Phrase("coverage.traversed_path", "traversed path")
BAD_POINT = Phrase(
    "coverage.bad_point", "{what} has a point that is not two finite numbers: {point}"
)
TOO_FEW_POINTS = Phrase(
    "coverage.too_few_points", "{what} needs at least 3 distinct points, got {count}"
)
NO_AREA = Phrase("coverage.no_area", "{what} has no area: its points lie on one line")
NOT_VALID = Phrase("coverage.not_valid", "{what} is not valid: {reason}")
NO_ROOM = Phrase(
    "coverage.no_room",
    "the zone has no room for one lane of width {width:g} m: the area left after holes "
    "and no-go areas ({area:.1f} m²) is narrower than the width everywhere",
)
FALLS_APART = Phrase(
    "coverage.falls_apart",
    "the zone minus its holes and no-go areas falls apart into {parts} separate "
    "parts; the robot cannot drive between them inside the zone (plan each part as a zone)",
)
PARTS_TOO_FEW = Phrase("coverage.parts_too_few", "parts must be at least 1, got {parts}")
PARTS_TOO_MANY = Phrase(
    "coverage.parts_too_many",
    "the zone has {lanes} lane(s): it can be shared by at most {lanes} robots, not {parts}",
)
NO_ROUTE = Phrase("coverage.no_route", "no route from {start} to {end} inside the free space")
IMAGE_TOO_SMALL = Phrase(
    "coverage.image_too_small", "coverage image must be at least {minimum} px, got {size}"
)
