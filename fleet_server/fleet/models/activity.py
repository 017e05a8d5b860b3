"""Robot days: per robot and local calendar day, the activity that evidences its operation."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_server.db import json_column


class RobotDay(SQLModel, table=True):
    """One robot's activity on one day in its site's timezone; kept beyond telemetry retention."""

    serial_number: str = Field(primary_key=True, max_length=64)
    # Indexed on its own too: the fleet's reports read every robot's days in a range.
    day: date = Field(primary_key=True, index=True)
    site_id: str | None = Field(default=None, max_length=64)
    seconds_online: float = 0.0
    seconds_active: float = 0.0
    # Seconds inside each geofence zone of the site, by zone id.
    zone_seconds: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    missions_completed: int = 0
    distance_m: float = 0.0
    # Active off the charger (working: the reports' utilisation), time on a charger, and battery
    # percent used (its drops while on no charger, summed).
    seconds_working: float = 0.0
    seconds_charging: float = 0.0
    battery_used_percent: float = 0.0


class RobotDayPublic(BaseModel):
    """A robot's day as the API shows it (seconds and metres rounded to one decimal)."""

    serial_number: str
    day: date
    site_id: str | None
    seconds_online: float
    seconds_active: float
    zone_seconds: dict[str, float]
    missions_completed: int
    distance_m: float
    seconds_working: float
    seconds_charging: float
    battery_used_percent: float

    @classmethod
    def of(cls, row: RobotDay) -> RobotDayPublic:
        """The public view of a robot day row."""
        return cls(
            serial_number=row.serial_number,
            day=row.day,
            site_id=row.site_id,
            seconds_online=round(row.seconds_online, 1),
            seconds_active=round(row.seconds_active, 1),
            zone_seconds={k: round(float(v), 1) for k, v in sorted(row.zone_seconds.items())},
            missions_completed=row.missions_completed,
            distance_m=round(row.distance_m, 1),
            seconds_working=round(row.seconds_working, 1),
            seconds_charging=round(row.seconds_charging, 1),
            battery_used_percent=round(row.battery_used_percent, 1),
        )
