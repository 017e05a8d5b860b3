"""Chargers as a resource: which robot holds which charger of each dock, so a robot is sent only
to a dock with a charger free, and a robot that must wait knows until about when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fleet_protocol.site import Dock, Site
from fleet_server.sites.routing import NoRoute, RouteGraph


@dataclass(frozen=True)
class Hold:
    """A charger held by a robot: at which dock, since when, and until about when."""

    site_id: str
    dock_id: str
    since: datetime
    until: datetime | None


@dataclass(frozen=True)
class DockChoice:
    """The dock a robot is sent to, how far it is by route, and whether a charger is free there
    now (else `free_at`, when one is expected to be)."""

    dock: Dock
    distance_m: float
    free_now: bool
    free_at: datetime | None = None


class ChargerBook:
    """Holds of chargers by robot; a dock has as many as its site file gives it chargers."""

    def __init__(self) -> None:
        self._holds: dict[str, Hold] = {}

    def held_by(self, serial_number: str) -> Hold | None:
        """The charger the robot holds, if any."""
        return self._holds.get(serial_number)

    def holders(self, site_id: str, dock_id: str) -> dict[str, Hold]:
        """The robots holding a charger of the dock."""
        return {
            serial: hold
            for serial, hold in self._holds.items()
            if (hold.site_id, hold.dock_id) == (site_id, dock_id)
        }

    def free(self, site_id: str, dock: Dock, serial_number: str | None = None) -> int:
        """How many of the dock's chargers are free (one the robot itself holds counts free)."""
        taken = [s for s in self.holders(site_id, dock.id) if s != serial_number]
        return max(0, dock.chargers - len(taken))

    def reserve(
        self,
        serial_number: str,
        site: Site,
        dock: Dock,
        since: datetime,
        until: datetime | None = None,
    ) -> bool:
        """Hold a charger of the dock for the robot (dropping any other it held); False if none
        is free."""
        if self.free(site.id, dock, serial_number) == 0:
            return False
        self._holds[serial_number] = Hold(site.id, dock.id, since, until)
        return True

    def release(self, serial_number: str) -> Hold | None:
        """The robot gives its charger back (it left the dock, or no longer goes there)."""
        return self._holds.pop(serial_number, None)

    def nearest(
        self, graph: RouteGraph, site: Site, start: str, serial_number: str
    ) -> DockChoice | None:
        """The dock nearest by route with a charger free for the robot; if every reachable dock
        is full, the one whose charger is expected free first (then nearest). None if no dock
        can be reached."""
        reachable = []
        for dock in site.docks:
            try:
                _, length = graph.shortest_path(start, dock.node)
            except NoRoute:
                continue
            reachable.append((dock, length))
        if not reachable:
            return None
        free = [(d, m) for d, m in reachable if self.free(site.id, d, serial_number) > 0]
        if free:
            dock, metres = min(free, key=lambda pair: (pair[1], pair[0].id))
            return DockChoice(dock, metres, free_now=True)
        waits = [(self._first_free_at(site.id, d.id), m, d) for d, m in reachable]
        # A dock whose holders gave no time comes last: nobody knows when it frees up.
        known = [w for w in waits if w[0] is not None]
        free_at, metres, dock = min(known or waits, key=lambda w: (w[0] or datetime.max, w[1]))
        return DockChoice(dock, metres, free_now=False, free_at=free_at)

    def free_at(self, site_id: str, dock_id: str) -> datetime | None:
        """When a charger of the full dock is expected free: the earliest end of its holds, if
        every holder gave one."""
        return self._first_free_at(site_id, dock_id)

    def _first_free_at(self, site_id: str, dock_id: str) -> datetime | None:
        ends = [hold.until for hold in self.holders(site_id, dock_id).values()]
        known = [end for end in ends if end is not None]
        return min(known) if len(known) == len(ends) and known else None
