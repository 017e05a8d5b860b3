"""Compiling missions: checkpoint actions on every visit, dock missions, checks that name fields."""

from __future__ import annotations

import pytest

from fleet_server.errors import Invalid
from fleet_server.missions.checks import check_request, mission_from_request
from fleet_server.missions.models.mission import (
    Mission,
    MissionPublic,
    MissionStatus,
    route_progress,
)
from fleet_server.missions.models.requests import DockCreate, PatrolCreate, ServiceCreate
from fleet_server.missions.plans import MissionPlan, compile_mission, required_actions
from fleet_server.missions.results import initial_results
from fleet_server.sites.routing import RouteGraph
from tests.fleet_server.small_site import small_site

ANNOUNCE = {"type": "announce", "params": {"text": "请勿占道经营", "language": "zh"}}
PHOTO = {"type": "capturePhoto", "params": {"direction": "front"}}


def _patrol(**fields: object) -> PatrolCreate:
    body = {"kind": "patrol", "site": "square", "route": ["A", "B", "C", "D"], "rounds": 2}
    return PatrolCreate.model_validate(body | fields)


def _compiled(request: PatrolCreate | DockCreate | ServiceCreate, start: str = "E"):  # type: ignore[no-untyped-def]
    site = small_site()
    graph = RouteGraph(site)
    check_request(request, site, graph)
    mission = mission_from_request(request, priority=30)
    mission.id = 7
    return mission, compile_mission(mission, graph, site, start)


def test_checkpoint_actions_go_on_every_visit_with_unique_ids() -> None:
    request = _patrol(checkpoints=[{"node": "C", "actions": [ANNOUNCE, PHOTO]}])
    mission, plan = _compiled(request)
    assert plan.nodes == ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A"]
    assert sorted(plan.actions_at) == [3, 7]
    assert [s.round for s in plan.slots] == [1, 2]
    ids = [a.action_id for actions in plan.actions_at.values() for a in actions]
    assert len(ids) == len(set(ids)) == 4
    first = plan.actions_at[3][0]
    assert first.action_type == "announce" and first.parameters()["text"] == "请勿占道经营"
    assert required_actions(mission) == {"announce", "capturePhoto"}
    results = initial_results(plan)["checkpoints"]
    assert [(r["node"], r["round"], r["reached_at"]) for r in results] == [
        ("C", 1, None),
        ("C", 2, None),
    ]
    assert [a["status"] for a in results[0]["actions"]] == ["WAITING", "WAITING"]


def test_a_checkpoint_on_the_first_route_node_runs_once_per_round() -> None:
    _, plan = _compiled(_patrol(checkpoints=[{"node": "A", "actions": [PHOTO]}]))
    assert [(s.plan_index, s.round) for s in plan.slots] == [(1, 1), (5, 2)]


def test_dock_mission_docks_and_charges_at_the_nearest_dock() -> None:
    mission, plan = _compiled(DockCreate(kind="dock", site="square", target_level=80), start="C")
    assert plan.nodes[-1] == "E"
    actions = plan.actions_at[len(plan.nodes) - 1]
    assert [a.action_type for a in actions] == ["dock", "charge"]
    assert actions[0].parameters() == {"dockId": "dock-E"}
    assert actions[1].parameters() == {"targetLevel": 80.0}
    assert required_actions(mission) == {"dock", "charge"}
    assert mission.priority == 30


@pytest.mark.parametrize(
    ("checkpoints", "message"),
    [
        ([{"node": "F", "actions": [PHOTO]}], "checkpoints[0]: node 'F' is not on the route"),
        (
            [{"node": "B", "actions": [{"type": "dance"}]}],
            "checkpoints[0].actions[0]: unknown action 'dance'",
        ),
        (
            [{"node": "B", "actions": [{"type": "announce", "params": {}}]}],
            "checkpoints[0].actions[0]: action 'announce' needs parameter 'text'",
        ),
        (
            [{"node": "B", "actions": [{"type": "dwell", "params": {"seconds": "ten"}}]}],
            "parameter 'seconds' must be number, not str",
        ),
        (
            [{"node": "B", "actions": [PHOTO]}, {"node": "B", "actions": [PHOTO]}],
            "checkpoints[1]: node 'B' has a checkpoint already",
        ),
    ],
)
def test_bad_checkpoints_are_named(checkpoints: list[dict], message: str) -> None:
    with pytest.raises(Invalid) as raised:
        _compiled(_patrol(checkpoints=checkpoints))
    assert message in raised.value.message


def test_unknown_dock_is_named_with_the_known_ones() -> None:
    with pytest.raises(Invalid, match=r"unknown dock 'dock-Z' on site 'square' \(docks: dock-E\)"):
        _compiled(DockCreate(kind="dock", site="square", dock="dock-Z"))


def test_service_run_has_actions_at_both_ends_and_returns_home() -> None:
    request = ServiceCreate.model_validate(
        {
            "kind": "service",
            "site": "square",
            "mode": "deliver",
            "origin": "B",
            "destination": "D",
            "origin_actions": [{"type": "greet", "params": {"language": "zh"}}],
            "destination_actions": [{"type": "handover", "params": {"recipient": "Desk 5"}}],
            "home": "E",
        }
    )
    mission, plan = _compiled(request, start="A")
    assert plan.nodes[0] == "A" and plan.nodes[-1] == "E"
    assert [(s.node, plan.nodes[s.plan_index]) for s in plan.slots] == [("B", "B"), ("D", "D")]
    assert [a.action_type for a in plan.actions_at[plan.slots[1].plan_index]] == ["handover"]
    assert required_actions(mission) == {"greet", "handover"}
    assert mission.route == ["B", "D", "E"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"destination": "Q"}, "destination: unknown node 'Q'"),
        ({"destination": "B"}, "destination: must differ from the origin"),
        ({"origin": "F"}, "no route from 'F'"),
        ({"destination_actions": [{"type": "handover"}]}, "needs parameter 'recipient'"),
    ],
)
def test_bad_service_runs_are_named(fields: dict, message: str) -> None:
    body = {"kind": "service", "site": "square", "origin": "B", "destination": "D"} | fields
    with pytest.raises(Invalid) as raised:
        _compiled(ServiceCreate.model_validate(body))
    assert message in raised.value.message


def test_out_and_back_patrol_returns_the_same_way_each_round() -> None:
    request = _patrol(route=["A", "B", "F"], pattern="out_and_back", rounds=2)
    with pytest.raises(Invalid, match="no route from 'F' to 'B'"):
        _compiled(request)
    mission, plan = _compiled(_patrol(route=["E", "A", "B"], pattern="out_and_back"), start="E")
    assert plan.nodes == ["E", "A", "B", "A", "E", "A", "B", "A", "E"]
    assert mission.definition["pattern"] == "out_and_back"


def test_the_nodes_ahead_run_to_the_end_of_the_round_under_way() -> None:
    mission, plan = _compiled(_patrol())
    mission.plan = plan.nodes
    mission.approach_nodes = plan.approach_nodes
    mission.round_nodes = plan.round_nodes
    mission.status = MissionStatus.RUNNING
    assert plan.nodes == ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A"]
    # Approaching the route: the way to it and the first round, back to where it began.
    mission.nodes_passed = 0
    assert mission.ahead == ["E", "A", "B", "C", "D", "A"]
    # In the first round, past B: the rest of that round only.
    mission.nodes_passed = 3
    assert mission.ahead == ["C", "D", "A"]
    # In the last round: through the node that closes the loop.
    mission.nodes_passed = 6
    assert mission.ahead == ["B", "C", "D", "A"]
    assert MissionPublic.of(mission).progress.ahead == ["B", "C", "D", "A"]
    mission.status = MissionStatus.COMPLETED
    assert mission.ahead == []


def _progress_along(mission: Mission, plan: MissionPlan) -> list[tuple[int, str, int]]:
    """(drawn nodes passed, leg, round) after each node of the plan is passed."""
    mission.plan = plan.nodes
    mission.approach_nodes = plan.approach_nodes
    mission.round_nodes = plan.round_nodes
    mission.results = initial_results(plan)
    seen = []
    for passed in range(1, len(plan.nodes) + 1):
        mission.nodes_passed = passed
        route = route_progress(mission)
        assert route is not None and route.total == len(mission.route)
        seen.append((route.passed, route.leg, mission.current_round))
    return seen


def test_progress_counts_the_drawn_route_and_the_way_back_apart() -> None:
    # B, C, D drawn; the way back from D to B passes A, and so does the way from E to B.
    mission, plan = _compiled(_patrol(route=["B", "C", "D"]))
    assert plan.nodes == ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A", "B"]
    assert _progress_along(mission, plan) == [
        (0, "approach", 0),  # E, where the robot starts
        (0, "approach", 0),  # A, on the way to the route
        (1, "route", 1),  # B
        (2, "route", 1),  # C
        (3, "return", 1),  # D, the last drawn node
        (3, "return", 1),  # A, on the way back
        (1, "route", 2),  # B: the second round begins
        (2, "route", 2),
        (3, "return", 2),
        (3, "return", 2),
        (3, "done", 2),
    ]


def test_an_out_and_back_patrol_counts_its_drawn_nodes_not_the_way_back() -> None:
    mission, plan = _compiled(_patrol(route=["A", "B", "C"], pattern="out_and_back", rounds=1))
    assert plan.nodes == ["E", "A", "B", "C", "B", "A"]
    assert [(p, leg) for p, leg, _ in _progress_along(mission, plan)] == [
        (0, "approach"),
        (1, "route"),
        (2, "route"),
        (3, "return"),
        (3, "return"),
        (3, "done"),
    ]
