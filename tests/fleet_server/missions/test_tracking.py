"""Mission status and progress read from robot state."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fleet_protocol.state import (
    ActionState,
    ActionStatus,
    Error,
    ErrorLevel,
    ErrorReference,
    NodeState,
    State,
)
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.observe import observe
from tests import vehicles

PLAN = ["A", "B", "C", "D", "A"]


def _mission(**fields: object) -> Mission:
    values = {
        "id": 1,
        "site_id": "square",
        "route": ["A", "B", "C", "D"],
        "rounds": 1,
        "plan": PLAN,
        "status": MissionStatus.RUNNING,
        "robot": "dog",
        "order_id": "m1",
        "released_until": 5,
    } | fields
    return Mission(**values)


def _state(**fields: object) -> State:
    base = State.model_validate_json(vehicles.state("dog", order_id="m1"))
    return base.model_copy(update=fields)


def test_progress_counts_passed_nodes() -> None:
    seen = observe(
        _mission(),
        _state(
            last_node_sequence_id=4,
            driving=True,
            node_states=[NodeState(node_id="D", sequence_id=6, released=True)],
        ),
    )
    assert seen.nodes_passed == 3
    assert seen.status is None


def test_completed_only_when_the_last_node_is_reached_and_everything_released() -> None:
    done = _state(last_node_sequence_id=8)
    assert observe(_mission(), done).status is MissionStatus.COMPLETED
    assert observe(_mission(released_until=4), done).status is None
    running_action = ActionState(action_id="a1", action_status=ActionStatus.RUNNING)
    assert (
        observe(_mission(), done.model_copy(update={"action_states": [running_action]})).status
        is None
    )


def test_paused_robot_pauses_the_mission_and_resumes_it() -> None:
    assert observe(_mission(), _state(paused=True)).status is MissionStatus.PAUSED
    resumed = observe(_mission(status=MissionStatus.PAUSED), _state(last_node_sequence_id=2))
    assert resumed.status is MissionStatus.RUNNING


def test_fatal_error_fails_the_mission_with_the_error_shown() -> None:
    fatal = Error(error_type="batteryEmpty", error_level=ErrorLevel.FATAL, error_description="0 %")
    seen = observe(_mission(), _state(errors=[fatal]))
    assert seen.status is MissionStatus.FAILED
    assert "batteryEmpty: 0 %" in str(seen.reason)
    assert seen.errors[0]["type"] == "batteryEmpty"


def test_rejected_order_fails_the_mission() -> None:
    rejection = Error(
        error_type="orderError",
        error_level=ErrorLevel.WARNING,
        error_description="unreachable",
        error_references=[ErrorReference(reference_key="orderId", reference_value="m1")],
    )
    seen = observe(_mission(status=MissionStatus.ASSIGNED), _state(order_id="", errors=[rejection]))
    assert seen.status is MissionStatus.FAILED
    assert "orderError" in str(seen.reason)


def test_cancel_confirmed_by_the_robot_cancels_the_mission() -> None:
    mission = _mission(control_action_id="c1", control_action_type="cancelOrder")
    pending = ActionState(
        action_id="c1", action_type="cancelOrder", action_status=ActionStatus.RUNNING
    )
    assert observe(mission, _state(action_states=[pending])).status is None
    finished = pending.model_copy(update={"action_status": ActionStatus.FINISHED})
    assert observe(mission, _state(action_states=[finished])).status is MissionStatus.CANCELLED


def test_robot_that_lost_a_running_order_fails_the_mission() -> None:
    seen = observe(_mission(), _state(order_id="", last_node_sequence_id=0))
    assert seen.status is MissionStatus.FAILED
    assert "no longer has" in str(seen.reason)


def test_assigned_order_not_taken_in_time_fails_the_mission() -> None:
    assigned = datetime(2026, 1, 1, tzinfo=timezone.utc)
    mission = _mission(status=MissionStatus.ASSIGNED, assigned_at=assigned)
    soon = observe(mission, _state(order_id=""), now=assigned + timedelta(seconds=5))
    assert soon.status is None and soon.nodes_passed is None
    late = observe(mission, _state(order_id=""), now=assigned + timedelta(seconds=31))
    assert late.status is MissionStatus.FAILED
    assert "30 s" in str(late.reason)


def test_order_aborted_by_a_navigation_failure_fails_the_mission() -> None:
    aborted = Error(
        error_type="navigationFailed",
        error_level=ErrorLevel.WARNING,
        error_description="path blocked",
        error_references=[ErrorReference(reference_key="orderId", reference_value="m1")],
    )
    seen = observe(_mission(), _state(errors=[aborted], last_node_sequence_id=2))
    assert seen.status is MissionStatus.FAILED
    assert str(seen.reason) == "robot aborted the order (navigationFailed: path blocked)"


def test_a_new_order_reported_with_the_last_node_of_the_one_before_is_no_progress() -> None:
    # The robot took order m1 while its state still names node E (sequenceId 14) of its last
    # order: nothing of m1 is passed yet, so no checkpoint of it may count as reached.
    new_order = [NodeState(node_id=n, sequence_id=2 * i, released=True) for i, n in enumerate(PLAN)]
    stale = _state(last_node_id="E", last_node_sequence_id=14, node_states=new_order)
    assert observe(_mission(nodes_passed=0), stale).nodes_passed is None
    # A node id that is not the plan's at that sequenceId is no progress either.
    wrong = _state(last_node_id="C", last_node_sequence_id=2, node_states=new_order[2:])
    assert observe(_mission(), wrong).nodes_passed is None
    taken = _state(last_node_id="A", last_node_sequence_id=0, node_states=new_order[1:])
    assert observe(_mission(nodes_passed=0), taken).nodes_passed == 1
    at_c = _state(last_node_id="C", last_node_sequence_id=4, node_states=new_order[3:])
    assert observe(_mission(), at_c).nodes_passed == 3
