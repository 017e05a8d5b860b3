"""Dock missions and the charger book: a dock mission takes a free charger when it is given to
its robot (or waits, saying until about when), and gives it back when the robot leaves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fleet_protocol.kinds import DEFAULT_CHARGE_TARGET
from fleet_protocol.site import Dock, Site
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.plans import CHARGER_DOCK
from fleet_server.missions.texts import NO_DOCK_REACHABLE
from fleet_server.sites.routing import NoRoute
from fleet_server.sites.sites import SiteRegistry
from fleet_server.texts import Text

# Until the robot's own charging rate is known (the learned energy model), a hold's end is
# estimated with this: the demo fleet's robots gain about 1 % a minute on a charger.
DEFAULT_CHARGE_PERCENT_PER_HOUR = 60.0
# A dock mission in one of these no longer goes to its charger.
GIVEN_BACK = (MissionStatus.CANCELLED, MissionStatus.FAILED, MissionStatus.QUEUED)


def about(moment: datetime | None, site: Site) -> Text:
    """'about HH:MM' in the site's time zone, or that nobody knows."""
    if moment is None:
        return reasons.NO_TIME_KNOWN.of()
    return reasons.ABOUT.of(time=f"{moment.astimezone(ZoneInfo(site.timezone)):%H:%M}")


class ChargerKeeper:
    """Reserves chargers for dock missions and releases them (a MissionListener)."""

    def __init__(
        self,
        book: ChargerBook,
        sites: SiteRegistry,
        clock: Callable[[], datetime],
        charge_percent_per_hour: Callable[[Robot], float] | None = None,
    ) -> None:
        self.book = book
        self.sites = sites
        self.clock = clock
        self.charge_percent_per_hour = charge_percent_per_hour or (
            lambda _: DEFAULT_CHARGE_PERCENT_PER_HOUR
        )
        # Which robot holds a charger for which dock mission.
        self._holders: dict[int, str] = {}
        # What each waiting dock mission last said (it is tried again on every dispatch).
        self._last_wait: dict[int, str] = {}

    def take(self, mission: Mission, robot: Robot, start: str) -> Text | None:
        """Reserve a charger for the dock mission about to go to `robot` (at node `start`) and
        note the dock in its definition; or, if none is free, why it waits."""
        assert mission.id is not None
        site = self.sites.get(mission.site_id)
        named = mission.definition.get("dock")
        dock: Dock
        if named:
            dock = next(d for d in site.docks if d.id == named)
            if self.book.free(site.id, dock, robot.serial_number) == 0:
                return self._waits(robot, dock, site, self.book.free_at(site.id, dock.id))
        else:
            choice = self.book.nearest(
                self.sites.graph(site.id), site, start, robot.serial_number
            )
            if choice is None:
                raise NoRoute(NO_DOCK_REACHABLE.of(site=site.id, start=start))
            if not choice.free_now:
                return self._waits(robot, choice.dock, site, choice.free_at)
            dock = choice.dock
        now = self.clock()
        self.book.reserve(robot.serial_number, site, dock, now, self._charged_at(mission, robot))
        self._holders[mission.id] = robot.serial_number
        self._last_wait.pop(mission.id, None)
        mission.definition = mission.definition | {CHARGER_DOCK: dock.id}
        return None

    def wait_changed(self, mission: Mission, waiting_for: Text) -> bool:
        """Whether the dock mission now waits for something else than it last said."""
        assert mission.id is not None
        if self._last_wait.get(mission.id) == waiting_for.message:
            return False
        self._last_wait[mission.id] = waiting_for.message
        return True

    def restore(self, mission: Mission) -> None:
        """Hold again the charger of an active dock mission, or of a mission charging in a leg
        (missions.charging), taken over after a restart."""
        leg = mission.definition.get("leg") or {}
        in_leg = leg.get("dock") if leg.get("stage") == "charging" else None
        dock_id = mission.definition.get(CHARGER_DOCK) or in_leg
        if mission.id is None or mission.robot is None or not dock_id:
            return
        site = self.sites.get(mission.site_id)
        dock = next((d for d in site.docks if d.id == dock_id), None)
        if dock is not None:
            self.book.reserve(mission.robot, site, dock, self.clock(), None)
            if not in_leg:  # a leg gives its charger back itself (missions.charging)
                self._holders[mission.id] = mission.robot

    def _waits(self, robot: Robot, dock: Dock, site: Site, free_at: datetime | None) -> Text:
        return reasons.WAITING_CHARGER.of(
            dock=dock.id, robot=robot.serial_number, when=about(free_at, site)
        )

    def _charged_at(self, mission: Mission, robot: Robot) -> datetime | None:
        """When the robot is expected to have charged to the mission's target."""
        rate = self.charge_percent_per_hour(robot)
        if robot.battery is None or rate <= 0:
            return None
        target = float(mission.definition.get("target_level", DEFAULT_CHARGE_TARGET))
        hours = max(0.0, target - robot.battery) / rate
        return self.clock() + timedelta(hours=hours)

    # ---- MissionListener: the robot leaves the dock

    def on_mission(self, mission: Mission) -> None:
        """A dock mission cancelled, failed or re-queued gives its charger back; a robot given
        other work leaves the dock, so its charger is free."""
        if mission.status.finished:
            self._last_wait.pop(mission.id or 0, None)
        if mission.id in self._holders:
            if mission.status in GIVEN_BACK:
                self.book.release(self._holders.pop(mission.id))
            elif mission.status is MissionStatus.COMPLETED:
                # The robot stays on the charger until it is given work: when, nobody knows.
                self._keep_without_end(self._holders.pop(mission.id))
        elif (
            mission.kind != "dock"
            and mission.status is MissionStatus.ASSIGNED
            and mission.robot is not None
        ):
            self.book.release(mission.robot)

    def _keep_without_end(self, serial_number: str) -> None:
        hold = self.book.held_by(serial_number)
        if hold is None:
            return
        site = self.sites.get(hold.site_id)
        dock = next(d for d in site.docks if d.id == hold.dock_id)
        self.book.reserve(serial_number, site, dock, hold.since, None)

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Visits do not move robots on or off a charger."""
