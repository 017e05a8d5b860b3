"""Dispatching missions: matching queued missions with free robots (missions.joint), saying why
a mission waits, and taking a robot from lower-priority work for a response. Giving a mission to
its robot is missions.assignment; ending and re-queueing missions is missions.ending."""

from __future__ import annotations

import logging

from fleet_protocol.logs import LogContext
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.ending import MissionEnding, resume_note
from fleet_server.missions.idle_charging import on_automatic_charge
from fleet_server.missions.joint import PairTable, assign, needs_of
from fleet_server.missions.models.choice import MissionAssignmentRecord
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.parts import is_shared
from fleet_server.missions.rationale import Bystander, explain, waiting_for, why_not_free
from fleet_server.texts import Text

log = logging.getLogger(__name__)


class MissionDispatch(MissionEnding):
    """Gives queued missions robots, jointly per site, and records why each was chosen."""

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
        matched: dict[int, MissionAssignmentRecord | Text | None] = {}
        for site_id in sorted({m.site_id for m in queued}):
            matched |= self._match_site(site_id, queued, idle)
        for mission in sorted(queued, key=lambda m: (-m.priority, m.id or 0)):
            if mission.id in self._preempting or mission.status is not MissionStatus.QUEUED:
                continue
            with LogContext(mission=mission.id):
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
        match: MissionAssignmentRecord | Text | None,
    ) -> None:
        if mission.site_id not in idle:
            idle[mission.site_id] = self._idle_robots(mission.site_id)
        choice = match if isinstance(match, MissionAssignmentRecord) else None
        waiting_for: Text | None = None
        if choice is None:
            waiting_for = match if isinstance(match, Text) else self._why_waiting(mission, idle)
        if choice is None and self._may_preempt(mission):
            preempt, _ = self.chooser.choose(mission, self._preemptible_robots(mission))
            if preempt is not None:
                victim = self._preempt(self.registry.get(preempt.serial_number), mission)
                waiting_for = reasons.WAITING_PREEMPT.of(
                    robot=preempt.serial_number, mission=victim
                )
        if waiting_for is not None:
            waiting_for = resume_note(mission, waiting_for)
        robot = self.registry.get(choice.robot) if choice is not None else None
        # A robot taken since the match (a mission set aside dispatches again) waits for the
        # next pass; a robot on an automatic charge ends it first (missions.idle_charging).
        free = robot is not None and (
            robot.mission_id is None or on_automatic_charge(self._unfinished.get(robot.mission_id))
        )
        if robot is not None and free and robot in idle[mission.site_id]:
            assert choice is not None
            mission.explain(None)
            idle[mission.site_id].remove(robot)
            self._assign(mission, robot)
            if mission.status is MissionStatus.ASSIGNED:
                # Recorded once the robot has it (not while it leaves a charger or waits for one).
                self.store.save_assignment(choice)
        elif waiting_for is not None and waiting_for.message != mission.reason:
            # Say why the mission waits, so an operator can act on it.
            mission.explain(waiting_for)
            self.store.save_mission(mission)
            self._notify(mission)

    def _held_back(self, mission: Mission) -> bool:
        """Whether the paused or recalled fleet holds the mission back (it says so)."""
        held = self.fleet_hold.holds(mission)
        if held is not None:
            held = resume_note(mission, held)
        if held is not None and held.message != mission.reason:
            mission.explain(held)
            self.store.save_mission(mission)
            self._notify(mission)
        return held is not None

    def _match_site(
        self, site_id: str, queued: list[Mission], idle: dict[str, list[Robot]]
    ) -> dict[int, MissionAssignmentRecord | Text | None]:
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

    def _why_waiting(self, mission: Mission, idle: dict[str, list[Robot]]) -> Text:
        """What a mission that no idle robot could take waits for, as the nearest choice says."""
        robots = idle[mission.site_id]
        no_legs = self._on_automatic_charge(robots)
        choice, waiting = self.chooser.choose(mission, robots, no_legs=no_legs)
        if choice is None and waiting is not None:
            return waiting
        return reasons.WAITING_FREE.of(site=mission.site_id)

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
