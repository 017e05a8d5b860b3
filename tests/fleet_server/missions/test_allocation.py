"""Choosing the nearest robot by route distance, not straight-line distance."""

from __future__ import annotations

from fleet_server.missions.allocation import Candidate, choose_nearest
from fleet_server.sites.routing import RouteGraph
from tests.fleet_server.small_site import small_site


def test_nearest_by_route_wins_over_nearest_by_air() -> None:
    graph = RouteGraph(small_site())
    # F is 20 m from B by air but one-way away from it; D is 10 m from A by route.
    near_by_air = Candidate("dog-f", 30.0, 0.0)
    near_by_route = Candidate("dog-d", 0.0, 10.0)
    choice = choose_nearest(graph, [near_by_air, near_by_route], goal="A")
    assert choice is not None
    assert choice.serial_number == "dog-d"
    assert choice.start_node == "D"
    assert choice.distance_m == 10.0


def test_robot_off_node_starts_from_its_nearest_node() -> None:
    choice = choose_nearest(RouteGraph(small_site()), [Candidate("dog", 9.0, 1.0)], goal="C")
    assert choice is not None and choice.start_node == "B"
    assert 10.0 < choice.distance_m < 12.0


def test_no_candidate_means_no_choice() -> None:
    assert choose_nearest(RouteGraph(small_site()), [], goal="A") is None
    assert choose_nearest(RouteGraph(small_site()), [Candidate("f", 30.0, 0.0)], goal="A") is None
