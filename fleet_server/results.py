"""A mission's result: what happened at each checkpoint visit, read from the robot's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleet_protocol.state import ActionStatus, State
from fleet_server.mission_plans import MissionPlan, checkpoints_of
from fleet_server.models import Mission


def initial_results(plan: MissionPlan) -> dict[str, Any]:
    """One entry per checkpoint visit, every action WAITING."""
    actions_by_id = {a.action_id: a for actions in plan.actions_at.values() for a in actions}
    return {
        "checkpoints": [
            {
                "node": slot.node,
                "round": slot.round,
                "checkpoint": slot.checkpoint,
                "plan_index": slot.plan_index,
                "reached_at": None,
                "actions": [
                    {
                        "id": action_id,
                        "type": actions_by_id[action_id].action_type,
                        "status": ActionStatus.WAITING.value,
                        "result": None,
                    }
                    for action_id in slot.action_ids
                ],
            }
            for slot in plan.slots
        ]
    }


@dataclass(frozen=True)
class ResultUpdate:
    """Whether the results changed, and why the mission must stop if a failure aborts it."""

    changed: bool
    abort_reason: str | None = None


def update_results(mission: Mission, state: State, now: datetime) -> ResultUpdate:
    """Fold the robot's action states and progress into the mission's checkpoint results."""
    visits = mission.results.get("checkpoints", [])
    if not visits or state.order_id != mission.order_id:
        return ResultUpdate(changed=False)
    reported = {a.action_id: a for a in state.action_states}
    changed = False
    abort: str | None = None
    for visit in visits:
        if visit["reached_at"] is None and mission.nodes_passed > visit["plan_index"]:
            visit["reached_at"] = now.isoformat()
            changed = True
        for action in visit["actions"]:
            seen = reported.get(action["id"])
            if seen is None or seen.action_status.value == action["status"]:
                continue
            action["status"] = seen.action_status.value
            action["result"] = seen.result_description
            changed = True
            # Checkpoints are parsed only when an action fails, not on every state message.
            if (
                seen.action_status is ActionStatus.FAILED
                and checkpoints_of(mission)[visit["checkpoint"]].on_failure == "abort"
            ):
                abort = abort or (
                    f"checkpoint {visit['node']} (round {visit['round']}): {action['type']} failed"
                    + (f" ({seen.result_description})" if seen.result_description else "")
                )
    return ResultUpdate(changed=changed, abort_reason=abort)
