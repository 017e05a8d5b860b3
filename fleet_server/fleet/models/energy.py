"""Robots' learned energy figures: one row per robot, and how the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column

# Where a figure comes from: the robot's own telemetry, its kind's learned robots, the settings.
Source = Literal["learned", "kind", "settings"]


class RobotEnergy(SQLModel, table=True):
    """What the server learned of one robot's energy use (written at most every ~30 s)."""

    __tablename__ = "robot_energy"

    serial_number: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    # The figures as last solved, for people and other tools reading the database.
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # The learner's statistics (its fits), from which it carries on after a restart.
    learner: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))


class DriveFigure(BaseModel):
    """Charge used per km driven (all the robot uses while driving), and what it rests on."""

    percent_per_km: float
    km: float  # of the robot's own driving the figure rests on (older data counting less)
    source: Source
    # The robot's driving speed learned from its poses (turns and stops included), by the
    # server's clock: its own once it rests on enough driving, else its kind's learned average,
    # else None. It times drives and turns the cleaning deck's per-minute load into a per-km one.
    speed_m_s: float | None = None


class RateFigure(BaseModel):
    """Charge used (or, for charging, gained) per minute, and what it rests on."""

    percent_per_min: float
    minutes: float  # of the robot's own telemetry the figure rests on (older counting less)
    source: Source


class EnergyPublic(BaseModel):
    """A robot's energy figures as the API shows them: per km driving, per minute standing,
    per minute of each action on top of standing or driving, per minute gained on a charger.
    Minutes are the server's clock's."""

    drive: DriveFigure
    idle: RateFigure
    charge: RateFigure
    work: dict[str, RateFigure]
