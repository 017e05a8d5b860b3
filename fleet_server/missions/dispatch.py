"""Dispatching missions: checking requests, choosing robots, preempting, re-queueing and ending
missions; giving a mission to its robot and releasing its order is missions.assignment."""

from __future__ import annotations

import logging
from typing import Any

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.outbox import instant_action
from fleet_server.missions.assignment import MissionAssignment
from fleet_server.missions.checks import check_request, mission_from_request
from fleet_server.missions.clean_results import coverage_summary, shared_coverage_summary
from fleet_server.missions.core import ACTIVE
from fleet_server.missions.idle_charging import on_automatic_charge
from fleet_server.missions.joint import PairTable, assign, needs_of
from fleet_server.missions.models.choice import MissionAssignmentRecord
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.models.requests import MissionCreate
from fleet_server.missions.parts import (
    PARTS,
    is_shared,
    make_parts,
    part_count,
    parts_summary,
    shared_id,
    shared_state,
    wants_parts,
)
from fleet_server.missions.plans import is_cleaning, mission_coverage, required_actions
from fleet_server.missions.rationale import Bystander, explain, waiting_for, why_not_free
from fleet_server.missions.resume import resume_target
from fleet_server.missions.robot_choice import fits

log = logging.getLogger(__name__)


class MissionDispatch(MissionAssignment):
    """Takes missions in, gives them robots, sends their orders, and ends them."""

    def check(self, request: MissionCreate) -> Mission:
        """The mission a request describes, checked against its site (Invalid names the field)."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(f"unknown site {request.site!r}", field="site") from None
        check_request(request, site, self.sites.graph(site.id))
        return mission_from_request(request, self.priorities.get(request.kind, 0))

    def create(self, request: MissionCreate) -> Mission:
        """Check a request against its site and robot, store it, and assign it if one is free."""
        mission = self.check(request)
        if request.robot is not None:
            self._check_requested_robot(request.robot, mission.site_id, required_actions(mission))
        return self.add(mission)

    def add(self, mission: Mission) -> Mission:
        """Store a checked mission and assign it if a robot is free; a zone asked to be shared
        by several robots is shared out to part missions."""
        if wants_parts(mission):
            return self._share_out(mission)
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished[mission.id] = mission
        log.info("mission %s created: %s on %s", mission.id, mission.kind, mission.site_id)
        self.dispatch()
        return mission

    def _share_out(self, mission: Mission) -> Mission:
        """Store a cleaning mission shared by several robots, and its parts (one per robot)."""
        site = self.sites.get(mission.site_id)
        lanes = mission_coverage(mission, site).lane_count
        required = required_actions(mission)
        capable = sum(
            1
            for r in self.registry.all()
            if r.online and r.map_id == site.id and fits(mission, r, required)
        )
        count = part_count(mission.definition["robots"], capable, lanes)
        if count == 1:
            mission.definition = mission.definition | {"robots": 1}
            return self.add(mission)
        mission.definition = mission.definition | {PARTS: []}
        mission.reason = f"shared by {count} robots"
        self.store.save_mission(mission)
        parts = make_parts(mission, count)
        for part in parts:
            self.store.save_mission(part)
        mission.definition = mission.definition | {PARTS: [p.id for p in parts]}
        mission.results = {"parts": parts_summary(parts)}
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished[mission.id] = mission
        for part in parts:
            assert part.id is not None
            self._unfinished[part.id] = part
        log.info(
            "mission %s created: clean %s on %s, shared by %d robots (missions %s)",
            mission.id,
            mission.definition.get("zone"),
            mission.site_id,
            count,
            ", ".join(str(p.id) for p in parts),
        )
        self.dispatch()
        return mission

    def _notify(self, mission: Mission) -> None:
        super()._notify(mission)
        if shared_id(mission) is not None:
            self._follow_shared(mission)

    def _follow_shared(self, part: Mission) -> None:
        """A part changed: the shared mission's status, reason and results follow its parts'."""
        shared = self._unfinished.get(shared_id(part) or 0)
        if shared is None:
            return
        parts = [
            self._unfinished.get(i) or self.store.get_mission(i) for i in shared.definition[PARTS]
        ]
        known = [p for p in parts if p is not None]
        status, reason = shared_state(known)
        results = shared.results | {"parts": parts_summary(known)}
        if part.status.finished or status.finished:
            try:
                site = self.sites.get(shared.site_id)
                results["coverage"] = shared_coverage_summary(shared, known, site)
            except Exception as exc:
                self.failures.record("coverage", f"mission {shared.id}", exc)
        if status.finished:
            shared.results = results
            self._finish(shared, status, reason)
            return
        if (status, reason, results) == (shared.status, shared.reason, shared.results):
            return
        if status is MissionStatus.RUNNING and shared.started_at is None:
            shared.started_at = self.clock()
        shared.status, shared.reason, shared.results = status, reason, results
        self.store.save_mission(shared)
        super()._notify(shared)

    def _check_requested_robot(self, serial: str, site_id: str, required: set[str]) -> None:
        try:
            robot = self.registry.get(serial)
        except NotFound:
            raise Invalid(f"unknown robot {serial!r}", field="robot") from None
        if not robot.online:
            raise Conflict(f"robot {serial!r} is offline", field="robot")
        if robot.map_id != site_id:
            where = f"on map {robot.map_id!r}" if robot.map_id else "without a reported position"
            raise Conflict(f"robot {serial!r} is {where}, not on site {site_id!r}", field="robot")
        missing = required - set(robot.actions)
        if missing:
            raise Conflict(
                f"robot {serial!r} cannot do action {', '.join(sorted(missing))} "
                f"(it declares: {', '.join(robot.actions) or 'no actions'})",
                field="robot",
            )

    def dispatch(self) -> None:
        """Assign queued missions to capable idle robots on their site that have the charge for
        the mission and the way to a dock: each site's waiting missions and free robots are
        matched together (missions.joint), highest priority first, and every assignment is
        recorded with why its robot was chosen (missions.rationale).

        A mission that may preempt (an incident response) takes a robot from lower-priority work
        when no robot is idle: that work stops, re-queues, and later resumes where it stopped.
        """
        queued = [
            m
            for m in self._unfinished.values()
            if m.status is MissionStatus.QUEUED and not is_shared(m) and not self._held_back(m)
        ]
        if not queued:
            return
        # Idle robots by site, found once per pass (a fleet has thousands of robots).
        idle: dict[str, list[Robot]] = {}
        matched: dict[int, MissionAssignmentRecord | str | None] = {}
        for site_id in sorted({m.site_id for m in queued}):
            matched |= self._match_site(site_id, queued, idle)
        for mission in sorted(queued, key=lambda m: (-m.priority, m.id or 0)):
            if mission.id in self._preempting or mission.status is not MissionStatus.QUEUED:
                continue
            try:
                self._dispatch_one(mission, idle, matched.get(mission.id or 0))
            except Exception as exc:
                # One mission that cannot be planned (a node its site no longer has, a bug)
                # fails alone; the rest of the queue is still served.
                self._set_aside(mission, "dispatch", exc)

    def _dispatch_one(
        self,
        mission: Mission,
        idle: dict[str, list[Robot]],
        match: MissionAssignmentRecord | str | None,
    ) -> None:
        if mission.site_id not in idle:
            idle[mission.site_id] = self._idle_robots(mission.site_id)
        choice = match if isinstance(match, MissionAssignmentRecord) else None
        waiting_for = ""
        if choice is None:
            waiting_for = match if isinstance(match, str) else self._why_waiting(mission, idle)
        if choice is None and self._may_preempt(mission):
            preempt, _ = self.chooser.choose(mission, self._preemptible_robots(mission))
            if preempt is not None:
                victim = self._preempt(self.registry.get(preempt.serial_number), mission)
                waiting_for = f"waiting for robot {preempt.serial_number} to stop mission {victim}"
        waiting_for = _resume_note(mission, waiting_for)
        robot = self.registry.get(choice.robot) if choice is not None else None
        # A robot taken since the match (a mission set aside dispatches again) waits for the
        # next pass; a robot on an automatic charge ends it first (missions.idle_charging).
        free = robot is not None and (
            robot.mission_id is None or on_automatic_charge(self._unfinished.get(robot.mission_id))
        )
        if robot is not None and free and robot in idle[mission.site_id]:
            assert choice is not None
            mission.reason = None
            idle[mission.site_id].remove(robot)
            self._assign(mission, robot)
            if mission.status is MissionStatus.ASSIGNED:
                # Recorded once the robot has it (not while it leaves a charger or waits for one).
                self.store.save_assignment(choice)
        elif choice is None and waiting_for != mission.reason:
            # Say why the mission waits, so an operator can act on it.
            mission.reason = waiting_for
            self.store.save_mission(mission)
            self._notify(mission)

    def _held_back(self, mission: Mission) -> bool:
        """Whether the paused or recalled fleet holds the mission back (it says so)."""
        held = self.fleet_hold.holds(mission)
        if held is not None:
            held = _resume_note(mission, held)
        if held is not None and held != mission.reason:
            mission.reason = held
            self.store.save_mission(mission)
            self._notify(mission)
        return held is not None

    def _match_site(
        self, site_id: str, queued: list[Mission], idle: dict[str, list[Robot]]
    ) -> dict[int, MissionAssignmentRecord | str | None]:
        """The site's waiting missions matched with its idle robots: each matched mission's
        assignment record, or why a mission waits (None: as the nearest choice says)."""
        idle[site_id] = self._idle_robots(site_id)
        needs = []
        for mission in queued:
            if mission.site_id != site_id or mission.id in self._preempting:
                continue
            try:
                needs.append(needs_of(mission, self.chooser))
            except Exception as exc:
                self._set_aside(mission, "dispatch", exc)
        if not needs or not idle[site_id]:
            return {}
        graph = self.sites.graph(site_id)
        table = PairTable(
            graph,
            needs,
            idle[site_id],
            self.chooser.battery_of,
            self.chooser.default_speed_m_s,
            charging=self._on_automatic_charge(idle[site_id]),
        )
        matching = assign(table)
        bystanders = self._bystanders(site_id, idle[site_id]) if matching.robot_of else []
        now = self.clock()
        return {
            need.mission_id: (
                explain(table, matching, row, bystanders, graph, now)
                if row in matching.robot_of
                else waiting_for(table, matching, row)
            )
            for row, need in enumerate(table.needs)
        }

    def _bystanders(self, site_id: str, idle: list[Robot]) -> list[Bystander]:
        """The site's robots that are not idle, with why (for the runners-up)."""
        free = {r.serial_number for r in idle}
        return [
            Bystander(r, why_not_free(r, not self.registry.free_of_orders(r.serial_number)))
            for r in self.registry.all()
            if r.map_id == site_id and r.serial_number not in free
        ]

    def _on_automatic_charge(self, robots: list[Robot]) -> frozenset[str]:
        """Those of the idle robots that are on an automatic charge (the only idle ones with a
        mission, missions.idle_charging)."""
        return frozenset(r.serial_number for r in robots if r.mission_id is not None)

    def _why_waiting(self, mission: Mission, idle: dict[str, list[Robot]]) -> str:
        """What a mission that no idle robot could take waits for, as the nearest choice says."""
        robots = idle[mission.site_id]
        no_legs = self._on_automatic_charge(robots)
        choice, waiting = self.chooser.choose(mission, robots, no_legs=no_legs)
        return waiting if choice is None else f"waiting for a free robot on site {mission.site_id}"

    def _set_aside(self, mission: Mission, loop: str, exc: Exception) -> None:
        """A mission whose handling raised fails with the reason, and frees its robot."""
        reason = self.failures.record(loop, f"mission {mission.id}", exc)
        robot = self._robot_of(mission)
        if robot is not None and mission.status in ACTIVE:
            self.outbox.send_instant_actions(robot, [instant_action(CANCEL_ORDER)])
        self._finish(mission, MissionStatus.FAILED, f"failed in {loop}: {reason}")

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

    def _requeue(self, mission: Mission, robot: Robot, *, lost: str | None = None) -> None:
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
            mission.reason = f"fleet recalled by {recalled}; resumes where it stopped"
        elif lost is None:
            cause = {"interrupted_by": by}
            mission.reason = f"preempted by mission {by}; resumes where it stopped"
        else:
            cause = {"lost": lost}
            mission.reason = f"{lost}; resumes where it stopped"
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

    def _idle_robots(self, site_id: str) -> list[Robot]:
        """Online robots on the site with no mission and, by their last state, no order under
        way (a robot back with a stale order is not given work until it has cancelled it), and
        robots on an automatic charge."""
        return [
            r
            for r in self.registry.all()
            if r.online
            and r.map_id == site_id
            and not r.paused
            and not any(e["level"] == "FATAL" for e in r.errors)
            and (
                (r.mission_id is None and self.registry.free_of_orders(r.serial_number))
                # A robot charging by itself leaves the charger for work (missions.idle_charging).
                or on_automatic_charge(self._unfinished.get(r.mission_id or 0))
            )
        ]

    def _finish(self, mission: Mission, status: MissionStatus, reason: str | None) -> None:
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
        mission.reason = reason
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
        log.info("mission %s %s: %s", mission.id, status.value, reason or "")
        self._notify(mission)
        self.dispatch()


def _resume_note(mission: Mission, waiting_for: str) -> str:
    """Why a mission waits, led by why it was interrupted if it resumes where it stopped."""
    if "resume_at" not in mission.definition:
        return waiting_for
    lost = mission.definition.get("lost")
    by = mission.definition.get("interrupted_by")
    recalled = mission.definition.get("recalled")
    if lost is not None:
        cause = str(lost)
    elif recalled is not None:
        cause = f"fleet recalled by {recalled}"
    elif by is not None:
        cause = f"preempted by mission {by}"
    else:
        return waiting_for
    return f"{cause}; resumes where it stopped ({waiting_for})"
