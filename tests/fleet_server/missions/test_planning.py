"""Patrol plans: approach, then the loop once per round."""

from __future__ import annotations

import pytest

from fleet_server.missions.planning import plan_patrol
from fleet_server.sites.routing import NoRoute, RouteGraph
from tests.fleet_server.small_site import small_site


def test_patrol_plan_approaches_then_loops_each_round() -> None:
    plan = plan_patrol(RouteGraph(small_site()), "E", ["A", "B", "C", "D"], rounds=2)
    assert plan.nodes == ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A"]
    assert plan.approach_nodes == 2
    assert plan.round_nodes == 4
    assert plan.length_m == 10 + 2 * 40


def test_patrol_from_the_first_route_node_has_no_approach() -> None:
    plan = plan_patrol(RouteGraph(small_site()), "A", ["A", "C"], rounds=1)
    assert plan.nodes[0] == "A" and plan.nodes[-1] == "A"
    assert plan.approach_nodes == 1
    assert "C" in plan.nodes


def test_visits_are_the_route_nodes_not_nodes_passed_between_them() -> None:
    # A -> C passes B (or D), but only A and C are visits of the route.
    plan = plan_patrol(RouteGraph(small_site()), "E", ["A", "C"], rounds=2)
    assert [plan.nodes[i] for i, _ in plan.visits] == ["A", "C", "A", "C"]
    assert [node for _, node in plan.visits] == ["A", "C", "A", "C"]
    assert plan.visits[0][0] == 1


def test_a_route_that_never_leaves_its_first_node_is_no_plan() -> None:
    # Requests like this are refused before they are stored; a row stored before that check
    # must still not give the dispatcher a round of no nodes to divide by.
    with pytest.raises(NoRoute, match="never leaves 'A'"):
        plan_patrol(RouteGraph(small_site()), "E", ["A", "A"], rounds=1)
