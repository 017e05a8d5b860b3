"""Ending missions, and stopping them to resume later: a mission finished, set aside when its
handling fails, preempted by a response, or re-queued to resume where it stopped (missions.resume).
Choosing robots for the queue is missions.dispatch, above this."""

from __future__ import annotations

import logging
from typing import Any

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.outbox import instant_action
from fleet_server.missions import reasons
from fleet_server.missions.assignment import MissionAssignment
from fleet_server.missions.clean_results import coverage_summary
from fleet_server.missions.core import ACTIVE
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.plans import is_cleaning
from fleet_server.missions.resume import resume_target
from fleet_server.texts import Text

log = logging.getLogger(__name__)


class MissionEnding(MissionAssignment):
    """Ends missions and re-queues interrupted ones; each change lets the queue move on."""

    def dispatch(self) -> None:
        """Assign queued missions to free robots (missions.dispatch)."""
        raise NotImplementedError

    def _finish(self, mission: Mission, status: MissionStatus, reason: Text | None) -> None:
        if is_cleaning(mission) and mission.plan:
            try:
                site = self.sites.get(mission.site_id)
                mission.results = mission.results | {"coverage": coverage_summary(mission, site)}
            except Exception as exc:
                # The mission ends all the same; only its coverage figure is missing.
                self.failures.record("coverage", f"mission {mission.id}", exc)
        robot = self._robot_of(mission)
        ended = f"{status.value} ({reason})" if reason else status.value
        self.reconciler.retire(mission.order_id, mission.id or 0, ended, robot)
        mission.status = status
        mission.explain(reason)
        mission.finished_at = self.clock()
        mission.control_action_id = None
        mission.control_action_type = None
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished.pop(mission.id, None)
        self._dirty.discard(mission.id)
        self._offline_since.pop(mission.id, None)
        self.chooser.forget(mission.id)
        self._plans.pop(mission.id, None)
        # A mission that ends while being stopped for a response frees its robot all the same.
        self._preempting.pop(mission.definition.get("preempted_by") or 0, None)
        if robot is not None and robot.mission_id == mission.id:
            robot.mission_id = None
            self.registry.mark_dirty(robot.serial_number)
        ids = {"mission": mission.id, "robot": mission.robot}
        log.info("mission %s %s: %s", mission.id, status.value, reason or "", extra=ids)
        self._notify(mission)
        self.dispatch()

    def _set_aside(self, mission: Mission, loop: str, exc: Exception) -> None:
        """A mission whose handling raised fails with the reason, and frees its robot."""
        reason = self.failures.record(loop, f"mission {mission.id}", exc)
        robot = self._robot_of(mission)
        if robot is not None and mission.status in ACTIVE:
            self.outbox.send_instant_actions(robot, [instant_action(CANCEL_ORDER)])
        self._finish(mission, MissionStatus.FAILED, reasons.SET_ASIDE.of(loop=loop, error=reason))

    def _may_preempt(self, mission: Mission) -> bool:
        return mission.kind == "respond" and bool(self.preemptible_kinds)

    def _preemptible_robots(self, mission: Mission) -> list[Robot]:
        """Online robots on the site busy with running work of a kind that may be interrupted
        and of lower priority than `mission`."""
        robots = []
        for robot in self.registry.all():
            current = self._unfinished.get(robot.mission_id) if robot.mission_id else None
            if (
                current is not None
                and robot.online
                and robot.map_id == mission.site_id
                and current.kind in self.preemptible_kinds
                and current.priority < mission.priority
                and current.status in (MissionStatus.ASSIGNED, MissionStatus.RUNNING)
                and "preempted_by" not in current.definition
            ):
                robots.append(robot)
        return robots

    def _preempt(self, robot: Robot, mission: Mission) -> int:
        """Stop the robot's current mission for `mission`; it re-queues once the robot stops."""
        assert robot.mission_id is not None
        victim = self._unfinished[robot.mission_id]
        victim.definition = victim.definition | {"preempted_by": mission.id}
        assert mission.id is not None
        self._preempting[mission.id] = robot.mission_id
        self._control(victim, CANCEL_ORDER)
        log.info("mission %s preempts mission %s on %s", mission.id, victim.id, robot.serial_number)
        return robot.mission_id

    def _requeue(self, mission: Mission, robot: Robot, *, lost: Text | None = None) -> None:
        """Queue an interrupted mission to resume where it stopped, with whichever robot is free:
        its robot has stopped it for a response, or (`lost`: why) is gone."""
        assert mission.id is not None
        by = mission.definition.get("preempted_by")
        recalled = mission.definition.get("recalled_by")
        self._preempting.pop(by or 0, None)
        self._keep_lanes_passed(mission)
        causes = ("preempted_by", "interrupted_by", "lost", "recalled_by", "recalled")
        definition = {k: v for k, v in mission.definition.items() if k not in causes}
        cause: dict[str, Any]
        if recalled is not None and lost is None:
            cause = {"recalled": recalled}
        elif lost is None:
            cause = {"interrupted_by": by}
        else:
            cause = {"lost": lost.wire()}
        stopped = _cause(cause) or reasons.PREEMPTED_BY.of(mission=by)
        mission.explain(reasons.RESUMES.of(cause=stopped))
        mission.definition = definition | cause | {"resume_at": resume_target(mission)}
        self.reconciler.retire(mission.order_id, mission.id, "was re-queued", robot)
        mission.status = MissionStatus.QUEUED
        mission.robot = None
        mission.order_id = None
        mission.control_action_id = None
        mission.control_action_type = None
        self._plans.pop(mission.id, None)
        self._offline_since.pop(mission.id, None)
        if robot.mission_id == mission.id:
            robot.mission_id = None
            self.registry.mark_dirty(robot.serial_number)
        self.store.save_mission(mission)
        self._notify(mission)
        log.info("mission %s re-queued: %s", mission.id, mission.reason)
        self.dispatch()

    def _keep_lanes_passed(self, mission: Mission) -> None:
        """The lane ends a cleaning mission has passed count towards its coverage after it
        resumes (its plan is replaced by the rest)."""
        if is_cleaning(mission):
            own = self._plan(mission).positions
            passed = [n for n in mission.plan[: mission.nodes_passed] if n in own]
            before = mission.results.get("passed_before", [])
            mission.results = mission.results | {"passed_before": [*before, *passed]}


def _cause(definition: dict[str, Any]) -> Text | None:
    """Why an interrupted mission stopped, from its definition's note of it."""
    lost = definition.get("lost")
    by = definition.get("interrupted_by")
    recalled = definition.get("recalled")
    if lost is not None:
        return Text.kept(lost)
    if recalled is not None:
        return reasons.RECALLED_BY.of(user=recalled)
    if by is not None:
        return reasons.PREEMPTED_BY.of(mission=by)
    return None


def resume_note(mission: Mission, waiting_for: Text) -> Text:
    """Why a mission waits, led by why it was interrupted if it resumes where it stopped."""
    cause = _cause(mission.definition) if "resume_at" in mission.definition else None
    if cause is None:
        return waiting_for
    return reasons.RESUMES_WAITING.of(cause=cause, waiting=waiting_for)
