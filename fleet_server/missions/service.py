"""The mission service: create, assign, release, track and control missions."""

from __future__ import annotations

from fleet_protocol.kinds import CANCEL_ORDER, START_PAUSE, STOP_PAUSE
from fleet_server.errors import Conflict, NotFound
from fleet_server.missions import reasons, texts
from fleet_server.missions.clean_results import coverage_png, shared_coverage_png
from fleet_server.missions.core import ACTIVE, MissionListener
from fleet_server.missions.fleet_hold import FleetMode
from fleet_server.missions.idle_charging import AUTOMATIC, charge_reason, robots_to_charge
from fleet_server.missions.models.choice import MissionAssignmentRecord
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.models.requests import DockCreate
from fleet_server.missions.parts import PARTS, is_shared
from fleet_server.missions.plans import is_cleaning
from fleet_server.missions.tracking import MissionTracking

__all__ = ["MissionListener", "MissionService"]


class MissionService(MissionTracking):
    """What the API and the rest of the server use: missions' queries and operator commands."""

    def load(self) -> None:
        """Take over the unfinished missions from the database (after a server restart)."""
        for mission in self.store.unfinished_missions():
            assert mission.id is not None
            self._unfinished[mission.id] = mission
            if "preempted_by" in mission.definition:
                self._preempting[mission.definition["preempted_by"]] = mission.id
            if mission.robot and mission.status in ACTIVE:
                try:
                    self.registry.get(mission.robot).mission_id = mission.id
                except NotFound:
                    self._finish(mission, MissionStatus.FAILED, reasons.ROBOT_GONE.of())
                    continue
                self.charger_keeper.restore(mission)

    def charge_idle_robots(self) -> list[Mission]:
        """Send idle robots below the threshold to a free charger (automatic dock missions)."""
        if self.fleet_hold.mode is not FleetMode.RUNNING:
            return []
        made = []
        for robot in robots_to_charge(self):
            assert robot.map_id is not None
            request = DockCreate(kind="dock", site=robot.map_id, robot=robot.serial_number)
            mission = self.check(request)
            why = charge_reason(robot, self.idle_charge_below_percent)
            mission.definition = mission.definition | {AUTOMATIC: why.message}
            made.append(self.add(mission))
        return made

    def unfinished(self) -> list[Mission]:
        """Every mission not yet completed, failed or cancelled, oldest first."""
        return [self._unfinished[i] for i in sorted(self._unfinished)]

    def find(self, status: MissionStatus | None, robot: str | None, limit: int) -> list[Mission]:
        """Missions newest first; unfinished ones as they are in memory."""
        rows = self.store.list_missions(status=status, robot=robot, limit=limit)
        return [self._unfinished.get(m.id, m) for m in rows]

    def assignments(self, mission_id: int) -> list[MissionAssignmentRecord]:
        """The mission's assignments with their runners-up, oldest first (NotFound if none)."""
        self.get(mission_id)
        records: list[MissionAssignmentRecord] = self.store.assignments_of(mission_id)
        return records

    def coverage_image(self, mission_id: int) -> bytes:
        """The PNG of what a cleaning mission has covered so far."""
        mission = self.get(mission_id)
        if not is_cleaning(mission):
            raise Conflict(texts.NOT_CLEANING.of(mission=mission_id, kind=mission.kind))
        if is_shared(mission):
            parts = [self.get(i) for i in mission.definition[PARTS]]
            return shared_coverage_png(mission, parts, self.sites.get(mission.site_id))
        if not mission.plan:
            raise Conflict(texts.NO_COVERAGE_YET.of(mission=mission_id))
        return coverage_png(mission, self.sites.get(mission.site_id))

    def reprioritise(self, mission_id: int, priority: int) -> Mission:
        """Change the priority of a queued mission."""
        mission = self._unfinished_or_conflict(mission_id, "reprioritise")
        if mission.status is not MissionStatus.QUEUED:
            raise Conflict(
                texts.ONLY_QUEUED_REPRIORITISED.of(mission=mission_id, status=mission.status.value)
            )
        mission.priority = priority
        self.store.save_mission(mission)
        self.dispatch()
        return mission

    def cancel(self, mission_id: int) -> Mission:
        """Cancel: a queued mission at once; an active one when its robot confirms cancelOrder."""
        mission = self._unfinished_or_conflict(mission_id, "cancel")
        if is_shared(mission):
            # Each part ends as its robot confirms; the shared mission ends with the last.
            for part in self._parts_of(mission):
                self.cancel(part.id or 0)
            return mission
        if mission.status is MissionStatus.QUEUED:
            self._finish(mission, MissionStatus.CANCELLED, reasons.CANCELLED.of())
        else:
            self._control(mission, CANCEL_ORDER)
        return mission

    def pause(self, mission_id: int) -> Mission:
        """Ask the robot to pause; the mission shows paused when the robot reports it."""
        mission = self._unfinished_or_conflict(mission_id, "pause")
        if is_shared(mission):
            return self._each_part(
                mission, "pause", (MissionStatus.ASSIGNED, MissionStatus.RUNNING)
            )
        if mission.status not in (MissionStatus.ASSIGNED, MissionStatus.RUNNING):
            raise Conflict(
                texts.ONLY_RUNNING_PAUSES.of(mission=mission_id, status=mission.status.value)
            )
        self._control(mission, START_PAUSE)
        return mission

    def resume(self, mission_id: int) -> Mission:
        """Ask the robot to resume; the mission shows running when the robot reports it."""
        mission = self._unfinished_or_conflict(mission_id, "resume")
        if is_shared(mission):
            return self._each_part(mission, "resume", (MissionStatus.PAUSED,))
        if mission.status is not MissionStatus.PAUSED:
            raise Conflict(
                texts.ONLY_PAUSED_RESUMES.of(mission=mission_id, status=mission.status.value)
            )
        self._control(mission, STOP_PAUSE)
        return mission

    def _parts_of(self, shared: Mission) -> list[Mission]:
        """The unfinished parts of a shared mission."""
        return [self._unfinished[i] for i in shared.definition[PARTS] if i in self._unfinished]

    def _each_part(
        self, shared: Mission, verb: str, statuses: tuple[MissionStatus, ...]
    ) -> Mission:
        """Pause or resume every part that can be; Conflict if none can."""
        parts = [p for p in self._parts_of(shared) if p.status in statuses]
        if not parts:
            raise Conflict(texts.NO_PART[verb].of(mission=shared.id))
        control = self.pause if verb == "pause" else self.resume
        for part in parts:
            control(part.id or 0)
        return shared

    def current_of(self, serial_number: str, verb: str) -> int:
        """The id of the robot's assigned, running or paused mission; Conflict if it has none."""
        robot = self.registry.get(serial_number)
        mission = self._unfinished.get(robot.mission_id) if robot.mission_id is not None else None
        if mission is None or mission.id is None or mission.status not in ACTIVE:
            raise Conflict(texts.NO_CURRENT[verb].of(robot=serial_number))
        return mission.id

    def _unfinished_or_conflict(self, mission_id: int, verb: str) -> Mission:
        mission = self.get(mission_id)
        if mission.status.finished:
            raise Conflict(texts.FINISHED[verb].of(mission=mission_id, status=mission.status.value))
        return self._unfinished[mission_id]

    def flush(self) -> None:
        """Write batched progress of running missions."""
        rows = [
            {"id": m.id, "nodes_passed": m.nodes_passed}
            for m in (self._unfinished.get(i) for i in self._dirty)
            if m is not None
        ]
        self._dirty = set()
        self.store.update_missions(rows)
