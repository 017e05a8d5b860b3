"""Every choice explains itself: an assignment's prediction and the runners-up with why each
lost, and what a mission that got no robot waits for (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fleet_protocol.state import ErrorLevel
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import start_node_of
from fleet_server.missions.joint import Matching, PairTable
from fleet_server.missions.models.choice import MissionAssignmentRecord, RunnerUp
from fleet_server.sites.routing import RouteGraph
from fleet_server.texts import Text, figure

# How many robots that lost a mission its assignment names.
RUNNERS_UP = 5

# Each reason's one-word code (for the console's labels), by how its words begin.
REASON_CODES = (
    ("farther", "farther"),
    ("slower", "farther"),
    ("taken by", "taken"),
    ("as near", "tie"),
    ("incapable", "incapable"),
    ("too little charge", "charge"),
    ("too far", "too_far"),
    ("cannot reach", "unreachable"),
    ("busy", "busy"),
    ("offline", "offline"),
    ("paused", "paused"),
    ("has a fatal error", "error"),
    ("still running", "stale"),
)


def reason_code(reason: Text) -> str:
    """The one-word code of a runner-up's reason ("not_free" for any other)."""
    words = reason.message
    return next((code for start, code in REASON_CODES if words.startswith(start)), "not_free")


@dataclass(frozen=True)
class Bystander:
    """A robot on the site that was not free for any mission, and why."""

    robot: Robot
    reason: Text


def why_not_free(robot: Robot, stale_order: bool) -> Text:
    """Why the dispatcher did not count a robot on the site among the free ones."""
    if not robot.online:
        return reasons.OFFLINE.of()
    if robot.mission_id is not None:
        return reasons.BUSY.of(mission=robot.mission_id)
    if robot.paused:
        return reasons.PAUSED.of()
    if any(e.get("level") == ErrorLevel.FATAL.value for e in robot.errors):
        return reasons.FATAL.of()
    if stale_order:
        return reasons.STALE_ORDER.of()
    return reasons.NOT_FREE.of()


def explain(
    table: PairTable,
    matching: Matching,
    row: int,
    bystanders: Sequence[Bystander],
    graph: RouteGraph,
    at: datetime,
) -> MissionAssignmentRecord:
    """The record of row's assignment: the chosen robot's prediction and up to RUNNERS_UP
    other robots of the site, nearest first, each with why it lost."""
    chosen = table.pair(row, matching.robot_of[row])
    assert chosen.distance_m is not None and chosen.predicted_s is not None
    taken_by = matching.taken_by()
    others = []
    for col in range(len(table.robots)):
        if col == matching.robot_of[row]:
            continue
        pair = table.pair(row, col)
        reason = pair.why_not
        if reason is None:
            assert pair.predicted_s is not None and pair.distance_m is not None
            later = pair.predicted_s - chosen.predicted_s
            other = taken_by.get(col)
            if other is not None and later <= 0:
                # Only a joint match takes a robot that would have suited this mission better.
                mission_id = table.needs[other].mission_id
                reason = reasons.TAKEN_JOINTLY.of(mission=mission_id)
            else:
                reason = _slower(pair.distance_m - chosen.distance_m, later)
        others.append(
            RunnerUp(
                robot=pair.serial_number,
                code=reason_code(reason),
                reason=reason.message,
                reason_text=reason.wire(),
                distance_m=pair.distance_m,
                predicted_s=pair.predicted_s,
                charge=pair.charge,
                charge_needed=pair.charge_needed,
            )
        )
    to_goal = graph.distances_to(table.needs[row].goal)
    for bystander in bystanders:
        robot = bystander.robot
        metres = _distance(graph, to_goal, robot)
        others.append(
            RunnerUp(
                robot=robot.serial_number,
                code=reason_code(bystander.reason),
                reason=bystander.reason.message,
                reason_text=bystander.reason.wire(),
                distance_m=metres,
            )
        )
    others.sort(key=lambda r: (r.distance_m is None, r.distance_m or 0.0, r.robot))
    return MissionAssignmentRecord(
        mission_id=table.needs[row].mission_id,
        at=at,
        robot=chosen.serial_number,
        predicted_s=chosen.predicted_s,
        distance_m=chosen.distance_m,
        charge_needed=chosen.charge_needed,
        charge=chosen.charge,
        runners_up=[r.model_dump() for r in others[:RUNNERS_UP]],
        method=matching.method,
    )


def _slower(metres: float, seconds: float) -> Text:
    if seconds <= 0 and metres <= 0:
        return reasons.TIE.of()
    if metres >= 0:
        return reasons.FARTHER.of(metres=figure(metres), seconds=figure(seconds))
    return reasons.SLOWER.of(seconds=figure(seconds), metres=figure(-metres))


def _distance(graph: RouteGraph, to_goal: dict[str, float], robot: Robot) -> float | None:
    if robot.x is None or robot.y is None:
        return None
    start, offset = start_node_of(graph, robot.x, robot.y)
    metres = to_goal.get(start)
    return None if metres is None or not math.isfinite(metres) else metres + offset


def waiting_for(table: PairTable, matching: Matching, row: int) -> Text | None:
    """Why an unmatched mission waits when free robots could have done it: they went to other
    missions (None when no free robot could: the nearest choice's reasons say why)."""
    able = [col for col in range(len(table.robots)) if table.feasible[row, col]]
    if not able:
        return None
    taken_by = matching.taken_by()
    serials = [table.robots[col].serial_number for col in able]
    missions = sorted({table.needs[taken_by[col]].mission_id for col in able if col in taken_by})
    return reasons.WAITING_TAKEN.of(robots=serials, missions=missions)
