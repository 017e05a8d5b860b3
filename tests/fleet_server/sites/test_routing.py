"""Shortest routes on a site graph."""

from __future__ import annotations

import pytest

from fleet_server.sites.routing import NoRoute, RouteGraph
from tests.fleet_server.small_site import small_site


def test_shortest_path_follows_edges_and_sums_lengths() -> None:
    graph = RouteGraph(small_site())
    path, length = graph.shortest_path("E", "C")
    assert path in (["E", "A", "B", "C"], ["E", "A", "D", "C"])
    assert length == pytest.approx(30.0)


def test_one_way_edge_is_respected() -> None:
    graph = RouteGraph(small_site())
    assert graph.shortest_path("B", "F")[0] == ["B", "F"]
    with pytest.raises(NoRoute, match="no route from 'F' to 'B'"):
        graph.shortest_path("F", "B")


def test_unknown_node_is_named() -> None:
    with pytest.raises(NoRoute, match="no node 'Z'"):
        RouteGraph(small_site()).shortest_path("A", "Z")


def test_path_through_waypoints_joins_legs() -> None:
    path, length = RouteGraph(small_site()).path_through(["A", "C", "A"])
    assert path[0] == "A" and path[-1] == "A" and "C" in path
    assert len(path) == 5
    assert length == pytest.approx(40.0)
