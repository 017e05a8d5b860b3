"""Schedules: a mission request run again and again by a recurrence rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column
from fleet_server.fields import Name
from fleet_server.missions.models.requests import MissionCreate

# A recurrence rule has a handful of fields (kind, days, times, window, blackouts...).
MAX_RULE_FIELDS = 20


class Schedule(SQLModel, table=True):
    """A stored schedule: the mission it creates, its rule, and when it last ran."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    site_id: str = Field(index=True)
    mission: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    recurrence: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    enabled: bool = True
    # Runs between this and now are due (or missed) at the next check.
    last_checked: datetime | None = Field(default=None, sa_column=utc_column())
    last_run_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_mission_id: int | None = None
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))


class ScheduleCreate(BaseModel):
    """A new schedule. The recurrence's timezone defaults to the mission's site."""

    name: Name
    mission: MissionCreate
    recurrence: dict[str, Any] = PydanticField(
        max_length=MAX_RULE_FIELDS,
        examples=[{"kind": "weekly", "days": ["mon", "wed", "fri"], "times": ["08:00", "20:00"]}],
    )
    enabled: bool = True


class ScheduleUpdate(BaseModel):
    """Changes to a schedule; omitted fields stay as they are."""

    name: Name | None = None
    recurrence: dict[str, Any] | None = PydanticField(default=None, max_length=MAX_RULE_FIELDS)
    enabled: bool | None = None


class SchedulePublic(BaseModel):
    """A schedule as the API shows it, with its next runs in the schedule's timezone."""

    id: int
    name: str
    site: str
    mission: dict[str, Any]
    recurrence: dict[str, Any]
    enabled: bool
    next_runs: list[datetime]
    last_run_at: datetime | None
    last_mission_id: int | None
    last_error: str | None
    created_at: datetime
