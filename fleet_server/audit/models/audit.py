"""The audit log of programme records: append-only, hash-chained, each change before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from fleet_server.db import utc_column


class AuditEntry(SQLModel, table=True):
    """One change to a record; each holds the hash of the one before, so no row changes unseen."""

    id: int | None = Field(default=None, primary_key=True)
    time: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    actor: str = Field(index=True)
    # What was done, as "<entity>.<verb>": programme.create, enterprise.update...
    action: str
    entity: str = Field(index=True)
    entity_id: str = Field(index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Unique: two writers that read the same last entry cannot both append after it.
    prev_hash: str = Field(unique=True)
    hash: str = Field(unique=True)


class AuditEntryPublic(BaseModel):
    """An audit entry as the API shows it."""

    id: int
    time: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryPublic:
        """The public view of an entry."""
        assert entry.id is not None
        return cls(**entry.model_dump())
