"""Settlement rounds and their payouts: approved claims paid from a year's budget (rule 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import utc_column
from fleet_server.fields import Day, Id
from fleet_server.vouchers.models.programme import Payee


class SettlementRound(SQLModel, table=True):
    """A round: the claims it paid, what they asked, what was left of the year's budget and the
    cut applied to every claim alike when that was not enough (factor = numerator/denominator)."""

    id: int | None = TableField(default=None, primary_key=True)
    programme_id: int = TableField(foreign_key="programme.id", index=True)
    year: int
    settled_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))
    settled_by: str
    period_from: dt.date | None = None
    period_until: dt.date | None = None
    requested_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    budget_left_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    cut_numerator: int = TableField(sa_column=Column(BigInteger, nullable=False))
    cut_denominator: int = TableField(sa_column=Column(BigInteger, nullable=False))
    paid_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))

    def as_record(self) -> dict[str, Any]:
        """The round as plain JSON values, for the audit log."""
        return self.model_dump(mode="json")


class Payout(SQLModel, table=True):
    """What one claim was paid in a round, to whom, counted in the payout's year."""

    id: int | None = TableField(default=None, primary_key=True)
    round_id: int = TableField(foreign_key="settlementround.id", index=True)
    programme_id: int = TableField(foreign_key="programme.id", index=True)
    claim_id: int = TableField(foreign_key="claim.id", index=True, unique=True)
    holder_id: int = TableField(foreign_key="enterprise.id", index=True)
    payee: Payee
    payee_id: int
    year: int = TableField(index=True)
    subsidy_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    capped_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    paid_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))

    def as_record(self) -> dict[str, Any]:
        """The payout as plain JSON values, for the audit log."""
        return self.model_dump(mode="json")


class SettlementCreate(BaseModel):
    """A round for a programme: its approved claims whose public notice has ended, optionally
    only those approved within the period (local dates, both ends included)."""

    model_config = ConfigDict(extra="forbid")

    programme_id: Id
    period_from: Day | None = None
    period_until: Day | None = None


class PayoutPublic(BaseModel):
    """A payout as the API shows it: the claim's subsidy, after the annual cap, and paid."""

    id: int
    round_id: int
    programme_id: int
    claim_id: int
    holder_id: int
    payee: Payee
    payee_id: int
    year: int
    subsidy_fen: int
    capped_fen: int
    amount_fen: int
    paid_at: dt.datetime


class SettlementPublic(BaseModel):
    """A round as the API shows it, with its payouts."""

    id: int
    programme_id: int
    year: int
    settled_at: dt.datetime
    settled_by: str
    period_from: dt.date | None
    period_until: dt.date | None
    requested_fen: int
    budget_left_fen: int
    cut_numerator: int
    cut_denominator: int
    paid_fen: int
    payouts: list[PayoutPublic] = Field(default_factory=list)

    @classmethod
    def of(cls, settlement: SettlementRound, payouts: list[Payout]) -> SettlementPublic:
        """The public view of a round and its payouts."""
        return cls(
            **settlement.model_dump(),
            payouts=[PayoutPublic(**payout.model_dump()) for payout in payouts],
        )
