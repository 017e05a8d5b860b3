"""The shipped demo site (Longgang): size, docks per area, zones that fit the graph, routes."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
import yaml

from fleet_protocol.site import Point, Site, ZoneKind

DEMO = Path(__file__).resolve().parents[1] / "missions" / "sites" / "longgang-demo.yaml"


@pytest.fixture(scope="module")
def site() -> Site:
    return Site.model_validate(yaml.safe_load(DEMO.read_text(encoding="utf-8")))


def sides(ring: list[Point]) -> list[tuple[Point, Point]]:
    """The polygon's sides, closing the ring."""
    return list(zip(ring, ring[1:] + ring[:1], strict=True))


def inside(point: Point, ring: list[Point]) -> bool:
    """Ray casting: is the point strictly inside the polygon ring?"""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in sides(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def edge_enters(start: Point, end: Point, ring: list[Point]) -> bool:
    if inside(start, ring) or inside(end, ring):
        return True
    return any(segments_cross(start, end, p, q) for p, q in sides(ring))


def position(site: Site, node_id: str) -> Point:
    node = site.node(node_id)
    return (node.x, node.y)


def test_identity_and_size(site: Site) -> None:
    assert site.id == site.map_id == "longgang-demo"
    assert site.timezone == "Asia/Shanghai"
    assert len(site.nodes) >= 40
    assert any(edge.oneway for edge in site.edges)
    xs = [n.x for n in site.nodes]
    ys = [n.y for n in site.nodes]
    assert 300 <= max(xs) - min(xs) <= 1500
    assert 300 <= max(ys) - min(ys) <= 1500


def test_every_node_reachable_from_every_node_respecting_one_way_edges(site: Site) -> None:
    forward: dict[str, set[str]] = {n.id: set() for n in site.nodes}
    for edge in site.edges:
        forward[edge.start].add(edge.end)
        if not edge.oneway:
            forward[edge.end].add(edge.start)
    for start in forward:
        reached = {start}
        queue = deque([start])
        while queue:
            for nxt in forward[queue.popleft()] - reached:
                reached.add(nxt)
                queue.append(nxt)
        assert reached == set(forward), f"from {start} unreachable: {set(forward) - reached}"


def test_each_area_has_a_dock_with_chargers(site: Site) -> None:
    docks = {dock.node: dock for dock in site.docks}
    assert len(docks) >= 3
    assert all(dock.chargers >= 1 for dock in docks.values())
    for area in ("street-", "hall-", "uc-"):
        assert any(node.startswith(area) for node in docks), f"no dock in area {area}"


def test_geofence_contains_every_node_and_zone(site: Site) -> None:
    fences = [z for z in site.zones if z.kind is ZoneKind.GEOFENCE]
    assert len(fences) == 1
    fence = fences[0].polygon
    for node in site.nodes:
        assert inside((node.x, node.y), fence), f"{node.id} is outside the geofence"
    for zone in site.zones:
        if zone.kind is ZoneKind.GEOFENCE:
            continue
        for corner in zone.polygon:
            assert inside(corner, fence), f"zone {zone.id} reaches outside the geofence"


def test_forecourt_cleaning_zone_covers_the_grid_around_the_fountain(site: Site) -> None:
    forecourt = site.zone("uc-forecourt")
    assert forecourt.kind is ZoneKind.CLEANING
    assert len(forecourt.holes) == 1
    grid = [n for n in site.nodes if n.id.startswith("uc-") and n.id != "uc-dock"]
    assert len(grid) == 20
    for node in grid:
        assert inside((node.x, node.y), forecourt.polygon), node.id
        assert not inside((node.x, node.y), forecourt.holes[0]), node.id
    for edge in site.edges:
        a, b = position(site, edge.start), position(site, edge.end)
        assert not edge_enters(a, b, forecourt.holes[0]), f"{edge.id} runs through the fountain"


def test_no_node_or_edge_enters_a_no_go_zone(site: Site) -> None:
    no_go = [z for z in site.zones if z.kind is ZoneKind.NO_GO]
    assert no_go
    for zone in no_go:
        for edge in site.edges:
            a, b = position(site, edge.start), position(site, edge.end)
            assert not edge_enters(a, b, zone.polygon), f"{edge.id} enters {zone.id}"
