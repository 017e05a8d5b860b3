"""Telemetry history: downsampled robot poses and battery, kept for a retention period."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from fleet_server.models.types import utc_column


class TelemetrySample(SQLModel, table=True):
    """One downsampled sample of a robot's pose and battery."""

    id: int | None = Field(default=None, primary_key=True)
    serial_number: str = Field(index=True)
    time: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    x: float
    y: float
    theta: float
    map_id: str
    battery: float | None = None
    driving: bool = False
    mission_id: int | None = None
