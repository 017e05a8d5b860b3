"""A robot voucher: issued from a programme's pool to one enterprise, never transferred."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import utc_column
from fleet_server.fields import Id, Note
from fleet_server.vouchers.models.money import Fen

# Holders in one batch: a district's enterprises, bounded for one request.
MAX_BATCH = 1000


class VoucherStatus(str, Enum):
    """Where a voucher is in its life; issued and in_use ones hold their unused value."""

    ISSUED = "issued"
    IN_USE = "in_use"
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    REVOKED = "revoked"


LIVE_STATUSES = (VoucherStatus.ISSUED, VoucherStatus.IN_USE)
"""The statuses whose unused value stays reserved from the pool (rule 1)."""


class Voucher(SQLModel, table=True):
    """A stored voucher; its face value and used part in fen."""

    id: int | None = TableField(default=None, primary_key=True)
    programme_id: int = TableField(foreign_key="programme.id", index=True)
    holder_id: int = TableField(foreign_key="enterprise.id", index=True)
    face_value_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    used_fen: int = TableField(default=0, sa_column=Column(BigInteger, nullable=False))
    batch_id: str = TableField(index=True)
    issued_at: datetime = TableField(sa_column=utc_column(nullable=False))
    valid_until: datetime = TableField(sa_column=utc_column(nullable=False, index=True))
    status: VoucherStatus = TableField(default=VoucherStatus.ISSUED, index=True)
    ended_at: datetime | None = TableField(default=None, sa_column=utc_column())
    revoked_reason: str | None = None

    @property
    def unused_fen(self) -> int:
        """What is left of the face value: returned to the pool if the voucher ends unused."""
        return self.face_value_fen - self.used_fen

    def as_record(self) -> dict[str, Any]:
        """The voucher as plain JSON values, for the audit log's before/after."""
        return self.model_dump(mode="json")


class VoucherBatchCreate(BaseModel):
    """A batch: one voucher of the same face value for each holder, all issued or none."""

    model_config = ConfigDict(extra="forbid")

    programme_id: Id
    holders: list[Id] = Field(
        min_length=1, max_length=MAX_BATCH, description="enterprise ids, one voucher each"
    )
    face_value_fen: Fen


class VoucherRevoke(BaseModel):
    """Why a voucher is revoked; its unused value goes back to the pool."""

    model_config = ConfigDict(extra="forbid")

    reason: Note


class VoucherPublic(BaseModel):
    """A voucher as the API shows it."""

    id: int
    programme_id: int
    holder_id: int
    face_value_fen: int
    used_fen: int
    unused_fen: int
    batch_id: str
    issued_at: datetime
    valid_until: datetime
    status: VoucherStatus
    ended_at: datetime | None
    revoked_reason: str | None

    @classmethod
    def of(cls, voucher: Voucher) -> VoucherPublic:
        """The public view of a stored voucher."""
        return cls(**voucher.model_dump(), unused_fen=voucher.unused_fen)
