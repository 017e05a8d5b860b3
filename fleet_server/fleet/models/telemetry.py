"""Telemetry history: downsampled robot poses and battery, kept for a retention period."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fleet_server.db import utc_column


class TelemetrySample(SQLModel, table=True):
    """One downsampled sample of a robot's pose and battery."""

    # A robot's samples in a time range (its track, its history) come from one index.
    __table_args__ = (Index("ix_telemetrysample_serial_number_time", "serial_number", "time"),)

    id: int | None = Field(default=None, primary_key=True)
    serial_number: str = Field(index=True)
    time: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    x: float
    y: float
    theta: float
    map_id: str
    battery: float | None = None
    driving: bool = False
    charging: bool = False
    mission_id: int | None = None


class TrackPoint(BaseModel):
    """Where a robot was at a moment of its recent past (a telemetry sample)."""

    time: datetime
    x: float
    y: float
    theta: float
    map_id: str

    @classmethod
    def of(cls, sample: TelemetrySample) -> TrackPoint:
        """The point of a stored sample."""
        return cls(
            time=sample.time, x=sample.x, y=sample.y, theta=sample.theta, map_id=sample.map_id
        )


class PlaybackPoint(TrackPoint):
    """A point of a mission's track: which robot was where, with its battery."""

    serial_number: str
    battery: float | None

    @classmethod
    def of(cls, sample: TelemetrySample) -> PlaybackPoint:
        """The point of a stored sample."""
        return cls(
            time=sample.time,
            x=sample.x,
            y=sample.y,
            theta=sample.theta,
            map_id=sample.map_id,
            serial_number=sample.serial_number,
            battery=sample.battery,
        )


class HistoryPoint(BaseModel):
    """A robot's battery and what it was doing at a moment (a telemetry sample): charging, working
    (on a mission or driving) or idle."""

    time: datetime
    battery: float | None
    activity: Literal["charging", "working", "idle"]
    mission_id: int | None

    @classmethod
    def of(cls, sample: TelemetrySample) -> HistoryPoint:
        """The point of a stored sample."""
        if sample.charging:
            activity: Literal["charging", "working", "idle"] = "charging"
        elif sample.mission_id is not None or sample.driving:
            activity = "working"
        else:
            activity = "idle"
        return cls(
            time=sample.time,
            battery=sample.battery,
            activity=activity,
            mission_id=sample.mission_id,
        )
