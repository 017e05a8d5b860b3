"""Taking missions in: checking a request against its site and robot, storing it, and sharing a
zone out to part missions for several robots (missions.parts), whose shared mission follows them."""

from __future__ import annotations

import logging

from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.fleet.texts import ROBOT_NOT_FOUND
from fleet_server.missions import reasons, texts
from fleet_server.missions.checks import check_request, mission_from_request
from fleet_server.missions.clean_results import shared_coverage_summary
from fleet_server.missions.dispatch import MissionDispatch
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.models.requests import MissionCreate
from fleet_server.missions.parts import (
    PARTS,
    make_parts,
    part_count,
    parts_summary,
    shared_id,
    shared_state,
    wants_parts,
)
from fleet_server.missions.plans import mission_coverage, required_actions
from fleet_server.missions.robot_choice import fits
from fleet_server.sites.texts import SITE_NOT_FOUND

log = logging.getLogger(__name__)


class MissionIntake(MissionDispatch):
    """Takes missions in, one robot's or shared by several, and hands them to the dispatcher."""

    def check(self, request: MissionCreate) -> Mission:
        """The mission a request describes, checked against its site (Invalid names the field)."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(SITE_NOT_FOUND.of(site=request.site), field="site") from None
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
        log.info(
            "mission %s created: %s on %s",
            mission.id,
            mission.kind,
            mission.site_id,
            extra={"mission": mission.id},
        )
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
        mission.explain(reasons.SHARED.of(count=count))
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
        if (status, reason.message, results) == (shared.status, shared.reason, shared.results):
            return
        if status is MissionStatus.RUNNING and shared.started_at is None:
            shared.started_at = self.clock()
        shared.status, shared.results = status, results
        shared.explain(reason)
        self.store.save_mission(shared)
        super()._notify(shared)

    def _check_requested_robot(self, serial: str, site_id: str, required: set[str]) -> None:
        try:
            robot = self.registry.get(serial)
        except NotFound:
            raise Invalid(ROBOT_NOT_FOUND.of(robot=serial), field="robot") from None
        if not robot.online:
            raise Conflict(texts.ROBOT_OFFLINE.of(robot=serial), field="robot")
        if robot.map_id != site_id:
            elsewhere = (
                texts.ROBOT_ON_OTHER_MAP.of(robot=serial, map=robot.map_id, site=site_id)
                if robot.map_id
                else texts.ROBOT_NOT_PLACED.of(robot=serial, site=site_id)
            )
            raise Conflict(elsewhere, field="robot")
        missing = required - set(robot.actions)
        if missing:
            raise Conflict(
                texts.ROBOT_LACKS_ACTIONS.of(
                    robot=serial,
                    actions=sorted(missing),
                    declared_actions=list(robot.actions) or texts.NO_ACTIONS.of(),
                ),
                field="robot",
            )
