"""Resuming an interrupted mission: where it picks up, and how the rest of its plan shifts."""

from __future__ import annotations

from fleet_server.missions.checks import check_request, mission_from_request
from fleet_server.missions.models.mission import Mission, RouteProgress, route_progress
from fleet_server.missions.models.requests import PatrolCreate
from fleet_server.missions.plans import compile_mission
from fleet_server.missions.results import initial_results
from fleet_server.missions.resume import (
    Resume,
    approach_to,
    current_plan,
    resume_target,
    resumed_plan,
    shift_results,
)
from fleet_server.sites.routing import RouteGraph
from tests.fleet_server.small_site import small_site

DWELL = {"type": "dwell", "params": {"seconds": 2}}


def _patrol() -> Mission:
    request = PatrolCreate.model_validate(
        {
            "kind": "patrol",
            "site": "square",
            "route": ["A", "B", "C", "D"],
            "rounds": 2,
            "checkpoints": [{"node": "C", "actions": [DWELL]}],
        }
    )
    site = small_site()
    check_request(request, site, RouteGraph(site))
    mission = mission_from_request(request, priority=30)
    mission.id = 3
    mission.definition = mission.definition | {"start_node": "E"}
    return mission


def test_the_rest_of_a_patrol_is_driven_from_the_new_start() -> None:
    site, mission = small_site(), _patrol()
    graph = RouteGraph(site)
    plan = compile_mission(mission, graph, site, "E")
    assert plan.nodes == ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A"]
    mission.plan, mission.results = plan.nodes, initial_results(plan)
    # The robot passed E, A, B and C (and C's dwell finished) in round 1 when it was stopped.
    mission.nodes_passed = 4
    mission.results["checkpoints"][0]["actions"][0]["status"] = "FINISHED"
    target = resume_target(mission)
    assert target == 4  # on to D
    # Its robot (or another) comes back from the dock at E.
    resume = Resume(target, approach_to(graph, site, plan, target, "E"))
    assert resume.approach == ["E", "A", "D"]
    rest = resumed_plan(plan, resume, site)
    assert rest.nodes == ["E", "A", "D", "A", "B", "C", "D", "A"]
    # Round 2's checkpoint visit (old index 7) keeps its actions, now at index 5.
    assert sorted(rest.actions_at) == [5]
    assert rest.actions_at[5] == plan.actions_at[7]
    assert rest.approach_nodes == plan.approach_nodes + resume.shift
    shifted = shift_results(mission.results, rest, resume)
    assert [v["plan_index"] for v in shifted["checkpoints"]] == [1, 5]
    # A, B and C were passed before the stop; D is driven to anew, then round 2.
    assert plan.route_visits == [1, 2, 3, 4, 5, 6, 7, 8]
    assert shifted["route_visits"] == [-1, -1, -1, 2, 3, 4, 5, 6]
    mission.plan, mission.approach_nodes, mission.round_nodes = rest.nodes, rest.approach_nodes, 4
    mission.results = shifted
    mission.nodes_passed = 2  # back at A, on the way to D
    assert route_progress(mission) == RouteProgress(passed=3, total=4, leg="route")
    mission.nodes_passed = 3  # D
    assert route_progress(mission) == RouteProgress(passed=4, total=4, leg="return")


def test_an_action_waiting_for_a_retry_waits_again_under_the_resumed_orders_id() -> None:
    site, mission = small_site(), _patrol()
    plan = compile_mission(mission, RouteGraph(site), site, "E")
    mission.plan, mission.results = plan.nodes, initial_results(plan)
    mission.nodes_passed = 4
    dwell = mission.results["checkpoints"][0]["actions"][0]
    dwell.update(id=f"{dwell['id']}-retry1", status="WAITING", attempts=1)
    resume = Resume(resume_target(mission), ["B", "C"])
    rest = resumed_plan(plan, resume, site)
    visit = shift_results(mission.results, rest, resume)["checkpoints"][0]
    assert visit["plan_index"] == 1
    assert visit["actions"][0]["id"] == rest.actions_at[1][0].action_id
    assert visit["actions"][0]["attempts"] == 1


def test_a_checkpoint_whose_actions_did_not_end_is_visited_again() -> None:
    site, mission = small_site(), _patrol()
    plan = compile_mission(mission, RouteGraph(site), site, "E")
    mission.plan, mission.results = plan.nodes, initial_results(plan)
    mission.nodes_passed = 4  # at C, dwell still running when the robot was stopped
    mission.results["checkpoints"][0]["actions"][0]["status"] = "RUNNING"
    target = resume_target(mission)
    assert target == 3
    resume = Resume(target, ["B", "C"])
    rest = resumed_plan(plan, resume, site)
    assert rest.nodes[:2] == ["B", "C"]
    assert rest.actions_at[1] == plan.actions_at[3]


def test_the_plan_after_resumes_is_rebuilt_the_same_after_a_restart() -> None:
    site, mission = small_site(), _patrol()
    graph = RouteGraph(site)
    plan = compile_mission(mission, graph, site, "E")
    resume = Resume(6, approach_to(graph, site, plan, 6, "D"))
    mission.definition = mission.definition | {"resumes": [resume.as_dict()]}
    rebuilt = current_plan(mission, graph, site)
    assert rebuilt == resumed_plan(plan, resume, site)
    assert rebuilt.nodes == ["D", "A", "B", "C", "D", "A"]
