"""Per robot and local day: time online, active, charging and inside geofences, distance, battery
used, missions done."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import Polygon

from fleet_protocol.site import Site, ZoneKind

# Faster than this between two observations is a relocalisation or a bad fix, not driving.
MAX_PLAUSIBLE_SPEED_MPS = 50.0

DayKey = tuple[str, date]


@dataclass
class DayActivity:
    """What one robot did on one local calendar day (or the part not yet written)."""

    serial_number: str
    day: date
    site_id: str | None = None
    seconds_online: float = 0.0
    seconds_active: float = 0.0
    zone_seconds: dict[str, float] = field(default_factory=dict)
    missions_completed: int = 0
    distance_m: float = 0.0
    seconds_working: float = 0.0
    seconds_charging: float = 0.0
    battery_used_percent: float = 0.0


@dataclass(frozen=True)
class Observation:
    """One look at a robot: when, whether online, where, whether it was working, its battery."""

    serial_number: str
    time: datetime
    online: bool
    x: float | None
    y: float | None
    map_id: str | None
    active: bool
    battery: float | None = None
    charging: bool = False


@dataclass(frozen=True)
class _SiteView:
    """What the tracker needs of a site: its timezone and its geofence polygons."""

    site_id: str
    zone: tzinfo
    geofences: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, site: Site) -> _SiteView:
        fences = []
        for zone in site.zones:
            if zone.kind is ZoneKind.GEOFENCE:
                polygon = Polygon(zone.polygon, zone.holes)
                shapely.prepare(polygon)
                fences.append((zone.id, polygon))
        return cls(site.id, ZoneInfo(site.timezone), tuple(fences))

    def zones_at(self, x: float, y: float) -> list[str]:
        """The geofences containing a point (the boundary counts as inside)."""
        return [zone_id for zone_id, poly in self.geofences if shapely.intersects_xy(poly, x, y)]


def local_days(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[date, float]]:
    """Split [start, end) at local midnights: (local date, seconds) for each day it touches."""
    parts: list[tuple[date, float]] = []
    cursor = start
    while cursor < end:
        today = cursor.astimezone(zone).date()
        midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
        boundary = min(end, midnight.astimezone(timezone.utc))
        parts.append((today, (boundary - cursor).total_seconds()))
        cursor = boundary
    return parts


class ActivityTracker:
    """Accumulates robots' activity per local day from their observations; no I/O.

    `pending` holds what was added since the last `take_pending`: the store adds it to the days
    already written, so a restart loses nothing that was flushed.
    """

    def __init__(
        self,
        *,
        max_gap_s: float,
        sites: Iterable[Site] = (),
        max_speed_mps: float = MAX_PLAUSIBLE_SPEED_MPS,
    ) -> None:
        # A robot silent for longer than this was not demonstrably online: only this much counts.
        self.max_gap = timedelta(seconds=max_gap_s)
        self.max_speed_mps = max_speed_mps
        self._sites = {site.map_id: _SiteView.of(site) for site in sites}
        self._site_ids = {view.site_id: view for view in self._sites.values()}
        self._last: dict[str, Observation] = {}
        self._last_site: dict[str, _SiteView] = {}
        self.pending: dict[DayKey, DayActivity] = {}

    def observe(self, seen: Observation) -> None:
        """Credit the time since the robot's previous observation, judged by that observation."""
        before = self._last.get(seen.serial_number)
        self._last[seen.serial_number] = seen
        placed = self._site_of(seen.map_id)
        if placed is not None:
            self._last_site[seen.serial_number] = placed
        if before is None or not before.online or seen.time <= before.time:
            return
        site = self._site_for(before, seen)
        zone = site.zone if site else timezone.utc
        end = min(seen.time, before.time + self.max_gap)
        where = _fix(before)
        inside = site.zones_at(where[0], where[1]) if site and where else []
        for day, seconds in local_days(before.time, end, zone):
            record = self._record(seen.serial_number, day, site)
            record.seconds_online += seconds
            if before.active:
                record.seconds_active += seconds
            if before.charging:
                record.seconds_charging += seconds
            elif before.active:
                record.seconds_working += seconds
            for zone_id in inside:
                record.zone_seconds[zone_id] = record.zone_seconds.get(zone_id, 0.0) + seconds
        local_day = seen.time.astimezone(zone).date()
        metres = self._distance(before, seen)
        if metres:
            self._record(seen.serial_number, local_day, site).distance_m += metres
        used = _battery_used(before, seen)
        if used:
            self._record(seen.serial_number, local_day, site).battery_used_percent += used

    def mission_completed(self, serial_number: str, when: datetime, site_id: str) -> None:
        """Count a completed mission on the local day it ended."""
        site = self._site_ids.get(site_id)
        day = when.astimezone(site.zone if site else timezone.utc).date()
        self._record(serial_number, day, site).missions_completed += 1

    def take_pending(self) -> list[DayActivity]:
        """What was added since the last call, to be written; the tracker starts afresh."""
        taken, self.pending = list(self.pending.values()), {}
        return taken

    def _site_of(self, map_id: str | None) -> _SiteView | None:
        return self._sites.get(map_id) if map_id is not None else None

    def _site_for(self, before: Observation, seen: Observation) -> _SiteView | None:
        """The site whose day the time since `before` counts on: the map `before` was on; for a
        robot that had not said where it was (online, not yet localised), the site it was last
        placed on, counting the one it turns up on now.
        Only a robot never placed on a known site's map is counted by UTC days, with no site."""
        if before.map_id is not None:
            return self._site_of(before.map_id)
        return self._last_site.get(seen.serial_number)

    def _record(self, serial_number: str, day: date, site: _SiteView | None) -> DayActivity:
        record = self.pending.get((serial_number, day))
        if record is None:
            record = DayActivity(serial_number, day)
            self.pending[(serial_number, day)] = record
        if site is not None:
            record.site_id = site.site_id
        return record

    def _distance(self, before: Observation, seen: Observation) -> float:
        """Straight-line metres between two fixes on one map, or 0 for an implausible jump."""
        start, end = _fix(before), _fix(seen)
        if start is None or end is None or start[2] != end[2]:
            return 0.0
        metres = math.hypot(end[0] - start[0], end[1] - start[1])
        seconds = (seen.time - before.time).total_seconds()
        if metres > self.max_speed_mps * seconds:
            return 0.0
        return metres


def _battery_used(before: Observation, seen: Observation) -> float:
    """Percent of charge spent between two observations, judged by the first like the times are:
    a drop from a robot on no charger (a rise, or any change from one on a charger, is none)."""
    if before.battery is None or seen.battery is None or before.charging:
        return 0.0
    return max(0.0, before.battery - seen.battery)


def _fix(seen: Observation) -> tuple[float, float, str] | None:
    """Where the robot was (x, y, map), if it said."""
    if seen.x is None or seen.y is None or seen.map_id is None:
        return None
    return seen.x, seen.y, seen.map_id
