"""Clawback cases of the lock-in watch (rule 10): a paid unit that went offline or left the
geofence for too long, or whose serial number turned up under another holder."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column, Index, text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import json_column, utc_column
from fleet_server.fields import Note


class ClawbackReason(str, Enum):
    """Why a case was opened."""

    OUT_OF_SERVICE = "out_of_service"  # offline or outside the geofence for too many days
    OTHER_HOLDER = "other_holder"  # the serial number is now registered to another holder


class ClawbackStatus(str, Enum):
    """Where a case stands: open until an officer closes it."""

    OPEN = "open"
    RECOVERED = "recovered"
    DISMISSED = "dismissed"


class Recovery(str, Enum):
    """How much of the unit's payout an officer recovers."""

    FULL = "full"
    PRO_RATA = "pro_rata"  # the part of the lock-in period the unit did not serve


# Enums are stored by name: the one open case per unit and reason is kept by the database too.
_OPEN = text("status = 'OPEN'")


class ClawbackCase(SQLModel, table=True):
    """A stored case; amounts in fen."""

    __table_args__ = (
        Index(
            "ux_clawbackcase_open",
            "claim_id",
            "serial_number",
            "reason",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: int | None = TableField(default=None, primary_key=True)
    programme_id: int = TableField(foreign_key="programme.id", index=True)
    claim_id: int = TableField(foreign_key="claim.id", index=True)
    payout_id: int = TableField(foreign_key="payout.id", index=True)
    serial_number: str = TableField(index=True, max_length=100)
    holder_id: int = TableField(foreign_key="enterprise.id", index=True)
    reason: ClawbackReason
    opened_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))
    # The lock-in runs from the payout day up to, not including, lock_in_until (local days).
    lock_in_from: dt.date
    lock_in_until: dt.date
    # The first local day the unit did not serve: the out-of-service run's first day, or the
    # day the other holder's registration began (never before lock_in_from).
    unserved_from: dt.date
    # The unit's part of its claim's payout (its line item's share of the contract amount).
    unit_paid_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    evidence: dict[str, Any] = TableField(default_factory=dict, sa_column=json_column())
    status: ClawbackStatus = TableField(default=ClawbackStatus.OPEN, index=True)
    recovery: Recovery | None = None
    recovered_fen: int = TableField(default=0, sa_column=Column(BigInteger, nullable=False))
    closed_by: str | None = None
    closed_at: dt.datetime | None = TableField(default=None, sa_column=utc_column())
    close_reason: str | None = None

    def as_record(self) -> dict[str, Any]:
        """The case as plain JSON values, for the audit log."""
        return self.model_dump(mode="json")


class ClawbackClose(BaseModel):
    """An officer closing a case: recovered (full or pro rata) or dismissed, with the reason."""

    model_config = ConfigDict(extra="forbid")

    outcome: ClawbackStatus = Field(description="recovered or dismissed")
    recovery: Recovery | None = Field(default=None, description="when recovered: full or pro_rata")
    reason: Note


class ClawbackPublic(BaseModel):
    """A case as the API shows it."""

    id: int
    programme_id: int
    claim_id: int
    payout_id: int
    serial_number: str
    holder_id: int
    reason: ClawbackReason
    opened_at: dt.datetime
    lock_in_from: dt.date
    lock_in_until: dt.date
    unserved_from: dt.date
    unit_paid_fen: int
    evidence: dict[str, Any]
    status: ClawbackStatus
    recovery: Recovery | None
    recovered_fen: int
    closed_by: str | None
    closed_at: dt.datetime | None
    close_reason: str | None

    @classmethod
    def of(cls, case: ClawbackCase) -> ClawbackPublic:
        """The public view of a stored case."""
        return cls(**case.model_dump())
