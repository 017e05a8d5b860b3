"""A mission's result: what happened at each checkpoint visit, read from the robot's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleet_protocol.actions import Action
from fleet_protocol.state import ActionStatus, State
from fleet_server.missions import reasons
from fleet_server.missions.actions import MissionAction
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import MissionPlan, checkpoints_of
from fleet_server.texts import Text

TERMINAL = frozenset({ActionStatus.FINISHED.value, ActionStatus.FAILED.value})


def initial_results(plan: MissionPlan) -> dict[str, Any]:
    """One entry per checkpoint visit, every action WAITING; a patrol's route visits."""
    actions_by_id = {a.action_id: a for actions in plan.actions_at.values() for a in actions}
    route = {"route_visits": plan.route_visits} if plan.route_visits else {}
    return route | {
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
    abort_reason: Text | None = None
    # Checkpoint visits whose every action ended with this state (each is reported once).
    completed: tuple[dict[str, Any], ...] = ()
    # Failed actions of checkpoints with on_failure retry, to be sent again as instant actions.
    retries: tuple[Action, ...] = ()


def update_results(mission: Mission, state: State, now: datetime) -> ResultUpdate:
    """Fold the robot's action states and progress into the mission's checkpoint results."""
    visits = mission.results.get("checkpoints", [])
    if not visits or state.order_id != mission.order_id:
        return ResultUpdate(changed=False)
    reported = {a.action_id: a for a in state.action_states}
    changed = False
    abort: Text | None = None
    completed: list[dict[str, Any]] = []
    retries: list[Action] = []
    for visit in visits:
        was_done = _done(visit)
        if visit["reached_at"] is None and mission.nodes_passed > visit["plan_index"]:
            visit["reached_at"] = now.isoformat()
            changed = True
        for number, action in enumerate(visit["actions"]):
            seen = reported.get(action["id"])
            if seen is None or seen.action_status.value == action["status"]:
                continue
            action["status"] = seen.action_status.value
            action["result"] = seen.result_description
            if action["status"] in TERMINAL:
                # When the server heard it end (what an announcement's "said at" shows).
                action["ended_at"] = now.isoformat()
            changed = True
            if seen.action_status is not ActionStatus.FAILED:
                continue
            # Checkpoints are parsed only when an action fails, not on every state message.
            checkpoint = checkpoints_of(mission)[visit["checkpoint"]]
            if checkpoint.on_failure == "retry" and action.get("attempts", 0) < checkpoint.retries:
                retries.append(_retry(action, checkpoint.actions[number]))
            elif checkpoint.on_failure == "abort":
                abort = abort or _checkpoint_failed(visit, action, seen.result_description)
        if not was_done and _done(visit):
            completed.append(visit)
    return ResultUpdate(
        changed=changed, abort_reason=abort, completed=tuple(completed), retries=tuple(retries)
    )


@dataclass(frozen=True)
class Announcement:
    """Words a robot spoke at a checkpoint visit, and when the server heard it finish."""

    text: str
    language: str
    action_id: str
    at: str | None


def announcements(mission: Mission, visit: dict[str, Any]) -> list[Announcement]:
    """The visit's announce actions that finished, with the words the mission asked for."""
    asked = checkpoints_of(mission)[visit["checkpoint"]].actions
    said = []
    for action, request in zip(visit["actions"], asked, strict=False):
        if action["type"] != "announce" or action["status"] != ActionStatus.FINISHED.value:
            continue
        said.append(
            Announcement(
                text=str(request.params.get("text", "")),
                language=str(request.params.get("language", "zh")),
                action_id=action["id"],
                at=action.get("ended_at"),
            )
        )
    return said


def _retry(action: dict[str, Any], asked: MissionAction) -> Action:
    """Note the failed attempt and wait for the action again under a fresh id."""
    attempts = action.get("attempts", 0) + 1
    tries = [*action.get("tries", []), {"id": action["id"], "result": action["result"]}]
    root = tries[0]["id"]
    action.update(
        id=f"{root}-retry{attempts}",
        status=ActionStatus.WAITING.value,
        result=None,
        attempts=attempts,
        tries=tries,
    )
    return asked.to_action(action["id"])


def held_at(mission: Mission) -> int | None:
    """The plan index of the first checkpoint visit that may retry and has not ended: orders are
    released only up to it, so the robot waits there while a failed action runs again."""
    visits = mission.results.get("checkpoints", [])
    pending = [v for v in visits if not _done(v)]
    if not pending:
        return None
    checkpoints = checkpoints_of(mission)
    for visit in pending:
        if checkpoints[visit["checkpoint"]].on_failure == "retry":
            return int(visit["plan_index"])
    return None


def _done(visit: dict[str, Any]) -> bool:
    return all(a["status"] in TERMINAL for a in visit["actions"])


def _checkpoint_failed(visit: dict[str, Any], action: dict[str, Any], said: str | None) -> Text:
    """Why a checkpoint whose failed action aborts the mission ended it."""
    where = {"node": visit["node"], "round": visit["round"], "action_type": action["type"]}
    if said:
        return reasons.CHECKPOINT_FAILED_SAYS.of(**where, detail=said)
    return reasons.CHECKPOINT_FAILED.of(**where)
