"""A small site for server tests: a square loop A-B-C-D with a spur to a dock at E."""

from __future__ import annotations

from fleet_protocol.site import Site

SMALL_SITE = {
    "id": "square",
    "name": "Test square",
    "timezone": "Asia/Shanghai",
    "nodes": [
        {"id": "A", "x": 0, "y": 0},
        {"id": "B", "x": 10, "y": 0},
        {"id": "C", "x": 10, "y": 10},
        {"id": "D", "x": 0, "y": 10},
        {"id": "E", "x": -10, "y": 0},
        {"id": "F", "x": 30, "y": 0},
    ],
    "edges": [
        {"start": "A", "end": "B"},
        {"start": "B", "end": "C"},
        {"start": "C", "end": "D"},
        {"start": "D", "end": "A"},
        {"start": "E", "end": "A"},
        {"start": "B", "end": "F", "oneway": True},
    ],
    "docks": [{"id": "dock-E", "node": "E", "chargers": 2}],
    "zones": [
        {"id": "fence", "kind": "geofence", "polygon": [[-20, -20], [40, -20], [40, 20], [-20, 20]]}
    ],
}


def small_site() -> Site:
    """The test square as a validated Site."""
    return Site.model_validate(SMALL_SITE)
