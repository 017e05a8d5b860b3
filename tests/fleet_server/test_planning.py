"""Patrol plans: approach, then the loop once per round."""

from __future__ import annotations

from fleet_server.planning import plan_patrol
from fleet_server.routing import RouteGraph
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
