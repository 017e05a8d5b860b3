"""Reading a mission's progress and status from what its robot reports (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_protocol.state import ActionStatus, ErrorLevel, State
from fleet_server.missions import reasons
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.texts import Text, figure

# A robot that reports states without taking its new order for this long is not doing the mission.
DEFAULT_ACCEPT_TIMEOUT = timedelta(seconds=30)

# Errors a vehicle reports when it refuses an order (VDA 5050 6.6.4).
REJECTION_ERRORS = frozenset({"orderError", "orderUpdateError", "validationError"})


@dataclass(frozen=True)
class Observation:
    """What a state message says about a mission: progress, and a new status if it changed."""

    nodes_passed: int | None = None
    status: MissionStatus | None = None
    reason: Text | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    stop_robot: bool = False


def _error_dict(error: Any) -> dict[str, Any]:
    return {
        "type": error.error_type,
        "level": error.error_level.value,
        "description": error.error_description,
        "references": {r.reference_key: r.reference_value for r in error.error_references or []},
    }


def _order_errors(mission: Mission, state: State) -> list[dict[str, Any]]:
    """Errors the robot reports against this mission's order (rejection or abort)."""
    found = []
    for error in state.errors:
        refs = {r.reference_key: r.reference_value for r in error.error_references or []}
        if refs.get("orderId") == mission.order_id:
            found.append(_error_dict(error))
    return found


def _control_outcome(mission: Mission, state: State) -> Observation | None:
    """The result of a cancelOrder we sent, once the robot reports it."""
    if mission.control_action_type != CANCEL_ORDER:
        return None
    for action in state.action_states:
        if action.action_id != mission.control_action_id:
            continue
        if action.action_status is ActionStatus.FINISHED:
            return Observation(status=MissionStatus.CANCELLED, reason=reasons.CANCELLED.of())
        if action.action_status is ActionStatus.FAILED:
            # The robot had no order left to cancel: the mission is over all the same.
            said = action.result_description
            return Observation(
                status=MissionStatus.CANCELLED,
                reason=reasons.CANCELLED_ROBOT_SAYS.of(detail=said)
                if said
                else reasons.CANCELLED_NOTHING_LEFT.of(),
            )
    return None


def observe(
    mission: Mission,
    state: State,
    now: datetime | None = None,
    accept_timeout: timedelta = DEFAULT_ACCEPT_TIMEOUT,
) -> Observation:
    """What this state means for the mission the robot is doing."""
    fatal = [e for e in state.errors if e.error_level is ErrorLevel.FATAL]
    if fatal:
        first = fatal[0]
        return Observation(
            status=MissionStatus.FAILED,
            reason=reasons.ROBOT_FATAL_SAYS.of(
                error_type=first.error_type, description=first.error_description
            )
            if first.error_description
            else reasons.ROBOT_FATAL.of(error_type=first.error_type),
            errors=[_error_dict(e) for e in fatal],
            stop_robot=True,
        )
    control = _control_outcome(mission, state)
    if control is not None:
        return control
    order_errors = _order_errors(mission, state)
    if order_errors:
        cause = order_errors[0]
        refused = cause["type"] in REJECTION_ERRORS
        ended = reasons.ORDER_REJECTED if refused else reasons.ORDER_ABORTED
        return Observation(
            status=MissionStatus.FAILED,
            reason=ended.of(error_type=cause["type"], description=cause["description"]),
            errors=order_errors,
            stop_robot=state.order_id == mission.order_id,
        )
    if state.order_id != mission.order_id:
        return _order_missing(mission, now, accept_timeout)
    passed = (
        min(state.last_node_sequence_id // 2 + 1, mission.nodes_total)
        if _last_node_of_order(mission, state)
        else None
    )
    if state.paused:
        status = MissionStatus.PAUSED
    elif _complete(mission, state):
        status = MissionStatus.COMPLETED
    else:
        status = MissionStatus.RUNNING
    return Observation(nodes_passed=passed, status=None if status is mission.status else status)


def _last_node_of_order(mission: Mission, state: State) -> bool:
    """Whether the state's last node is one of the mission's order: a vehicle that has just taken
    the order may still report the last node of the order before (a checkpoint would be
    "reached" when the order was sent). Its node must be the plan's at that sequenceId, and no
    node still to pass may come before it."""
    index = state.last_node_sequence_id // 2
    if (
        state.last_node_id
        and index < len(mission.plan)
        and mission.plan[index] != state.last_node_id
    ):
        return False
    return all(node.sequence_id > state.last_node_sequence_id for node in state.node_states)


def _order_missing(mission: Mission, now: datetime | None, timeout: timedelta) -> Observation:
    """The robot reports another order (or none): it lost ours, or has not taken it yet."""
    if mission.status in (MissionStatus.RUNNING, MissionStatus.PAUSED):
        return Observation(
            status=MissionStatus.FAILED,
            reason=reasons.ORDER_LOST.of(),
        )
    assigned = mission.assigned_at
    if now is not None and assigned is not None and now - assigned > timeout:
        return Observation(
            status=MissionStatus.FAILED,
            reason=reasons.ORDER_NOT_TAKEN.of(seconds=figure(timeout.total_seconds())),
        )
    return Observation()


def _complete(mission: Mission, state: State) -> bool:
    if mission.released_until < mission.nodes_total or state.node_states or state.driving:
        return False
    if state.last_node_sequence_id != 2 * (mission.nodes_total - 1):
        return False
    pending = {
        ActionStatus.WAITING,
        ActionStatus.INITIALIZING,
        ActionStatus.RUNNING,
        ActionStatus.PAUSED,
    }
    return not any(a.action_status in pending for a in state.action_states)
