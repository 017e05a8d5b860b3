"""The field logbook: incidents, checkpoint visits and announcements, append-only and chained."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_server.db import json_column, utc_column


class EntryKind(str, Enum):
    """What a logbook entry records."""

    INCIDENT = "incident"
    CHECKPOINT = "checkpoint"
    ANNOUNCEMENT = "announcement"
    # A robot found running an order the server did not give it (or one of an ended mission).
    UNEXPECTED_ORDER = "unexpected_order"
    # The whole fleet paused, resumed or recalled by an operator.
    FLEET_CONTROL = "fleet_control"
    # A robot's evidence photo received, with the SHA-256 of the file kept.
    PHOTO = "photo"


class LogbookEntry(SQLModel, table=True):
    """One entry; each holds the hash of the one before, so no row can change unnoticed."""

    id: int | None = Field(default=None, primary_key=True)
    time: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    kind: EntryKind = Field(index=True)
    site_id: str = Field(index=True)
    x: float | None = None
    y: float | None = None
    node: str | None = None
    robot: str | None = None
    mission_id: int | None = None
    incident_id: int | None = Field(default=None, index=True)
    # Who caused it: the reporting integration, an operator, or the robot.
    actor: str
    summary: str
    details: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    prev_hash: str
    hash: str = Field(unique=True)


class LogbookEntryPublic(BaseModel):
    """A logbook entry as the API shows it."""

    id: int
    time: datetime
    kind: EntryKind
    site: str
    x: float | None
    y: float | None
    node: str | None
    robot: str | None
    mission_id: int | None
    incident_id: int | None
    actor: str
    summary: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, entry: LogbookEntry) -> LogbookEntryPublic:
        """The public view of an entry."""
        assert entry.id is not None
        return cls(**entry.model_dump(exclude={"site_id"}), site=entry.site_id)
