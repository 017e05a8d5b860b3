"""Claim evidence from the fleet's telemetry: each unit's days as figures, and the pack of them
with its SHA-256 digest, in a canonical form anyone can hash again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Protocol

from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.unit import DeployedUnit

PACK_FORMAT = "fleet-claim-evidence/1"


class DayFigures(Protocol):
    """A robot's day as stored (a RobotDay row, or a row of its columns)."""

    @property
    def day(self) -> date: ...
    @property
    def site_id(self) -> str | None: ...
    @cached_property
    def seconds_online(self) -> float: ...
    @property
    def seconds_active(self) -> float: ...
    @property
    def zone_seconds(self) -> dict[str, Any]: ...
    @property
    def missions_completed(self) -> int: ...
    @property
    def distance_m(self) -> float: ...


@dataclass(frozen=True)
class UnitEvidence:
    """A unit's operation from its commissioning up to (not including) the filing day."""

    serial_number: str
    robot: str
    commissioned_on: date
    filed_on: date
    days: list[dict[str, Any]]
    active_day_min_s: int

    @cached_property
    def deployment_days(self) -> int:
        """Whole days from commissioning to the filing day."""
        return max(0, (self.filed_on - self.commissioned_on).days)

    @cached_property
    def active_days(self) -> int:
        """Days on which the robot was active (driving or working) for long enough."""
        return sum(1 for day in self.days if day["seconds_active"] >= self.active_day_min_s)

    @cached_property
    def seconds_online(self) -> int:
        """Seconds the robot reported in, over the window."""
        return sum(int(day["seconds_online"]) for day in self.days)

    @cached_property
    def seconds_in_geofence(self) -> int:
        """Seconds it reported from inside the programme's geofence, over the window."""
        return sum(int(day["seconds_in_geofence"]) for day in self.days)

    @cached_property
    def geofence_share_bp(self) -> int | None:
        """Its share of reported time inside the geofence in basis points (rounded down), or
        None when it never reported."""
        online = self.seconds_online
        return None if online == 0 else self.seconds_in_geofence * 10_000 // online

    def as_pack_entry(self) -> dict[str, Any]:
        """The unit's part of the evidence pack."""
        return {
            "serial_number": self.serial_number,
            "robot": self.robot,
            "commissioned_on": self.commissioned_on.isoformat(),
            "window": {
                "from": self.commissioned_on.isoformat(),
                "until_before": self.filed_on.isoformat(),
            },
            "active_day_min_seconds": self.active_day_min_s,
            "totals": {
                "deployment_days": self.deployment_days,
                "active_days": self.active_days,
                "seconds_online": self.seconds_online,
                "seconds_in_geofence": self.seconds_in_geofence,
                "geofence_share_bp": self.geofence_share_bp,
                "days_reported": len(self.days),
            },
            "days": self.days,
        }


def unit_evidence(
    unit: DeployedUnit, rows: Sequence[DayFigures], programme: Programme, filed_on: date
) -> UnitEvidence:
    """The unit's figures from its robot's days within [commissioned_on, filed_on); time in the
    geofence counts only on days the robot was at the programme's geofence site."""
    days = []
    for row in sorted(rows, key=lambda r: r.day):
        if not unit.commissioned_on <= row.day < filed_on:
            continue
        at_site = row.site_id == programme.geofence_site
        inside = float(row.zone_seconds.get(programme.geofence_zone, 0.0)) if at_site else 0.0
        days.append(
            {
                "day": row.day.isoformat(),
                "site_id": row.site_id,
                # Whole seconds and decimetres: the pack's totals then re-add exactly.
                "seconds_online": round(row.seconds_online),
                "seconds_active": round(row.seconds_active),
                "seconds_in_geofence": round(inside),
                "missions_completed": row.missions_completed,
                "distance_m": round(row.distance_m, 1),
            }
        )
    return UnitEvidence(
        serial_number=unit.serial_number,
        robot=unit.robot,
        commissioned_on=unit.commissioned_on,
        filed_on=filed_on,
        days=days,
        active_day_min_s=programme.active_day_min_minutes * 60,
    )


def canonical(document: dict[str, Any]) -> str:
    """The one text of a document that is hashed: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_pack(header: dict[str, Any], units: Sequence[UnitEvidence]) -> tuple[str, str]:
    """The pack's canonical text and its digest."""
    document = {
        "format": PACK_FORMAT,
        "claim": header,
        "units": [unit.as_pack_entry() for unit in units],
    }
    text = canonical(document)
    return text, digest(text)
