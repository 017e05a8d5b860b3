"""The whole fleet at once: pause every robot, resume them, or recall them all to free chargers.

Pausing sends startPause to every online robot, through its mission's pause where it has one;
resuming sends stopPause the same way. A recall stops the work under way (it re-queues and later
resumes where it stopped) and gives every robot a dock mission to its nearest free charger.
While the fleet is paused or recalled, dispatch holds queued work back (missions.fleet_hold).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from fleet_protocol.kinds import CANCEL_ORDER, START_PAUSE, STOP_PAUSE
from fleet_server.errors import Conflict
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.outbox import instant_action
from fleet_server.missions.core import ACTIVE
from fleet_server.missions.fleet_hold import RECALL, FleetHold, FleetMode
from fleet_server.missions.idle_charging import AUTOMATIC, DOCK_ACTIONS
from fleet_server.missions.models.fleet_control import (
    FleetAction,
    FleetControlChange,
    FleetControlPublic,
)
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.models.requests import DockCreate
from fleet_server.missions.service import MissionService
from fleet_server.missions.texts import (
    FLEET_ALREADY_PAUSED,
    FLEET_ALREADY_RECALLED,
    FLEET_HELD_SINCE,
    FLEET_RUNNING,
)

log = logging.getLogger(__name__)


class FleetControlListener(Protocol):
    """Told of every fleet-wide action (the logbook, the live feed)."""

    def on_fleet_control(self, change: FleetControlChange) -> None:
        """The fleet was paused, resumed or recalled."""


class FleetControl:
    """Pauses, resumes and recalls the whole fleet; one fleet-wide state at a time."""

    def __init__(self, missions: MissionService) -> None:
        self.missions = missions
        self.listeners: list[FleetControlListener] = []
        self._last: FleetControlChange | None = None

    def restore(self, mode: FleetMode, since: datetime, by: str) -> None:
        """Take the fleet-wide state over after a restart (as the logbook last recorded it), so
        a paused or recalled fleet stays held until someone resumes it."""
        self.missions.fleet_hold = FleetHold(mode, since, by)

    def state(self) -> FleetControlPublic:
        """Running, paused or recalled, since when and by whom."""
        hold = self.missions.fleet_hold
        return FleetControlPublic(mode=hold.mode, since=hold.since, by=hold.by, last=self._last)

    def pause(self, actor: str) -> FleetControlChange:
        """startPause to every online robot; running missions pause; queued work waits."""
        self._refuse_if(FleetMode.PAUSED, "pause")
        change = self._begin(FleetAction.PAUSE, FleetMode.PAUSED, actor)
        for robot in self._online():
            mission = self._mission_of(robot)
            if (
                mission is not None
                and mission.status in (MissionStatus.ASSIGNED, MissionStatus.RUNNING)
                and not _stopping(mission)
            ):
                assert mission.id is not None
                self.missions.pause(mission.id)
                change.missions.append(mission.id)
            else:
                self._send(robot, START_PAUSE)
            change.robots.append(robot.serial_number)
        return self._done(change)

    def resume(self, actor: str) -> FleetControlChange:
        """stopPause to every online robot; paused missions resume; dispatch goes on."""
        if self.missions.fleet_hold.mode is FleetMode.RUNNING:
            raise Conflict(FLEET_RUNNING.of())
        change = self._begin(FleetAction.RESUME, FleetMode.RUNNING, actor)
        for robot in self._online():
            mission = self._mission_of(robot)
            if mission is not None and mission.status is MissionStatus.PAUSED:
                assert mission.id is not None
                self.missions.resume(mission.id)
                change.missions.append(mission.id)
            else:
                self._send(robot, STOP_PAUSE)
            change.robots.append(robot.serial_number)
        done = self._done(change)
        self.missions.dispatch()
        return done

    def recall(self, actor: str) -> FleetControlChange:
        """Stop the work under way (it re-queues, to resume where it stopped) and send every
        robot to its nearest free charger; other work waits until the fleet is resumed."""
        self._refuse_if(FleetMode.RECALLED, "recall")
        change = self._begin(FleetAction.RECALL, FleetMode.RECALLED, actor)
        sites = {site.id for site in self.missions.sites.all()}
        for robot in self._online():
            if robot.map_id not in sites:
                continue
            if robot.paused:
                # A paused robot would not drive to its dock.
                self._send(robot, STOP_PAUSE)
            change.robots.append(robot.serial_number)
            change.notes[robot.serial_number] = self._recall_one(robot, actor, change)
        return self._done(change)

    def _recall_one(self, robot: Robot, actor: str, change: FleetControlChange) -> str:
        """Stop the robot's work and give it a dock mission; what became of it."""
        mission = self._mission_of(robot)
        if mission is not None and mission.kind == "dock":
            return f"already going to charge (mission {mission.id})"
        stopped = ""
        if mission is not None and not _stopping(mission):
            assert mission.id is not None
            mission.definition = mission.definition | {"recalled_by": actor}
            self.missions._control(mission, CANCEL_ORDER)
            change.missions.append(mission.id)
            stopped = f"; after it stops mission {mission.id}"
        if not set(robot.actions) >= DOCK_ACTIONS:
            return "cannot dock (it declares no dock and charge actions)" + stopped
        assert robot.map_id is not None
        request = DockCreate(kind="dock", site=robot.map_id, robot=robot.serial_number)
        dock = self.missions.check(request)
        # An automatic charge: when work comes after the fleet resumes, a robot with charge
        # enough for it leaves the charger.
        dock.definition = dock.definition | {RECALL: actor, AUTOMATIC: f"recalled by {actor}"}
        dock = self.missions.add(dock)
        if dock.status is MissionStatus.QUEUED:
            return f"dock mission {dock.id}: {dock.reason or 'queued'}{stopped}"
        where = dock.definition.get("charger_dock")
        return f"dock mission {dock.id} to {where}"

    def _refuse_if(self, mode: FleetMode, verb: str) -> None:
        hold = self.missions.fleet_hold
        if hold.mode is mode:
            since = FLEET_HELD_SINCE.of(time=f"{hold.since:%Y-%m-%d %H:%M}") if hold.since else ""
            already = FLEET_ALREADY_PAUSED if verb == "pause" else FLEET_ALREADY_RECALLED
            raise Conflict(already.of(by=hold.by, since=since))

    def _begin(self, action: FleetAction, mode: FleetMode, actor: str) -> FleetControlChange:
        """Set the fleet's mode first, so dispatch during the action already holds work."""
        now = self.missions.clock()
        self.missions.fleet_hold = FleetHold(mode, now, actor)
        return FleetControlChange(action=action, by=actor, at=now, mode=mode)

    def _done(self, change: FleetControlChange) -> FleetControlChange:
        for serial in change.robots:
            site = self.missions.registry.get(serial).map_id or ""
            change.robots_by_site.setdefault(site, []).append(serial)
        self._last = change
        log.info(
            "fleet %s by %s: %d robots, %d missions",
            change.action.value,
            change.by,
            len(change.robots),
            len(change.missions),
        )
        for listener in self.listeners:
            self._tell(listener.on_fleet_control, change)
        return change

    def _tell(self, call: Callable[[FleetControlChange], None], change: FleetControlChange) -> None:
        """A listener's failure (logbook, live feed) is recorded; the others are still told."""
        try:
            call(change)
        except Exception as exc:
            listener = type(getattr(call, "__self__", call)).__name__
            where = f"fleet control listener {listener}"
            self.missions.failures.record(where, change.action.value, exc)

    def _online(self) -> list[Robot]:
        return [r for r in self.missions.registry.all() if r.online]

    def _mission_of(self, robot: Robot) -> Mission | None:
        if robot.mission_id is None:
            return None
        mission = self.missions._unfinished.get(robot.mission_id)
        return mission if mission is not None and mission.status in ACTIVE else None

    def _send(self, robot: Robot, action_type: str) -> None:
        self.missions.outbox.send_instant_actions(robot, [instant_action(action_type)])


def _stopping(mission: Mission) -> bool:
    """Whether the mission is already being stopped (cancelled, preempted or recalled)."""
    return (
        mission.control_action_type == CANCEL_ORDER
        or "preempted_by" in mission.definition
        or "recalled_by" in mission.definition
    )
