"""Logbook entries for fleet-wide actions: who paused, resumed or recalled the whole fleet."""

from __future__ import annotations

from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.logbook_texts import FLEET_PAUSED, FLEET_RECALLED, FLEET_RESUMED
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.missions.fleet_control import FleetControl
from fleet_server.missions.fleet_hold import FleetMode
from fleet_server.missions.models.fleet_control import FleetAction, FleetControlChange
from fleet_server.sites.sites import SiteRegistry

FLEET_SAID = {
    FleetAction.PAUSE: FLEET_PAUSED,
    FleetAction.RESUME: FLEET_RESUMED,
    FleetAction.RECALL: FLEET_RECALLED,
}


class FleetControlRecorder:
    """Writes one entry per site for each fleet-wide action, naming who did it."""

    def __init__(self, logbook: Logbook, sites: SiteRegistry) -> None:
        self.logbook = logbook
        self.sites = sites

    def on_fleet_control(self, change: FleetControlChange) -> None:
        """Record the action on every site: the hold applies to all of them."""
        robots_on = change.robots_by_site
        for site in self.sites.all():
            robots = robots_on.get(site.id, [])
            self.logbook.append(
                EntryKind.FLEET_CONTROL,
                site_id=site.id,
                actor=change.by,
                summary=FLEET_SAID[change.action].of(
                    by=change.by, count=len(robots), fleet_mode=change.mode.value
                ),
                details={
                    "action": change.action.value,
                    "mode": change.mode.value,
                    "robots": robots,
                    "missions": change.missions,
                    "notes": {r: change.notes[r] for r in robots if r in change.notes},
                },
            )


def restore_fleet_control(control: FleetControl, logbook: Logbook) -> None:
    """Hold the fleet as the logbook's last fleet-wide action left it (after a restart)."""
    last = logbook.latest(EntryKind.FLEET_CONTROL)
    if last is not None:
        control.restore(FleetMode(last.details["mode"]), last.time, last.actor)
