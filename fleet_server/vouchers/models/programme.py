"""A voucher programme: its pool, budgets and every rule's number, stored with it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import json_column, utc_column
from fleet_server.fields import Identifier, Name
from fleet_server.vouchers.models.money import BasisPoints, Days, Fen, MinutesOfADay, Months

YUAN = 100  # fen
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_YEARS = LAST_YEAR - FIRST_YEAR + 1


class Payee(str, Enum):
    """Who the subsidy is paid to."""

    HOLDER = "holder"
    SUPPLIER = "supplier"


class AnnualBudget(BaseModel):
    """What the programme may pay out in one calendar year."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, strict=True)
    budget_fen: Fen


class ProgrammeRules(BaseModel):
    """The programme's settings, each with the district's default (CONTEXT.md)."""

    model_config = ConfigDict(extra="forbid")

    total_pool_fen: Fen = 100_000_000 * YUAN
    annual_budgets: list[AnnualBudget] = Field(default_factory=list, max_length=MAX_YEARS)
    ratio_bp: BasisPoints = 5_000
    enterprise_annual_cap_fen: Fen = 1_000_000 * YUAN
    unit_cap_fen: Fen | None = None
    voucher_validity_days: Days = 365
    min_deployment_days: Days = 90
    min_active_days: Days = 60
    min_geofence_share_bp: BasisPoints = 9_000
    claim_deadline_months: Months = 12
    lock_in_months: Months = 24
    clawback_days: Days = 30
    active_day_min_minutes: MinutesOfADay = 60
    public_notice_days: Days = 7
    payee: Payee = Payee.HOLDER


class ProgrammeCreate(ProgrammeRules):
    """A new programme: a name, its geofence (a site zone of kind geofence) and its rules."""

    name: Name
    geofence_site: Identifier
    geofence_zone: Identifier


class ProgrammeUpdate(BaseModel):
    """A change to a programme: only the fields given change (unit_cap_fen null removes it)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    geofence_site: Identifier | None = None
    geofence_zone: Identifier | None = None
    total_pool_fen: Fen | None = None
    annual_budgets: list[AnnualBudget] | None = Field(default=None, max_length=MAX_YEARS)
    ratio_bp: BasisPoints | None = None
    enterprise_annual_cap_fen: Fen | None = None
    unit_cap_fen: Fen | None = None
    voucher_validity_days: Days | None = None
    min_deployment_days: Days | None = None
    min_active_days: Days | None = None
    min_geofence_share_bp: BasisPoints | None = None
    claim_deadline_months: Months | None = None
    lock_in_months: Months | None = None
    clawback_days: Days | None = None
    active_day_min_minutes: MinutesOfADay | None = None
    public_notice_days: Days | None = None
    payee: Payee | None = None


class Programme(SQLModel, table=True):
    """A stored programme; amounts in fen, shares in basis points."""

    id: int | None = TableField(default=None, primary_key=True)
    name: str
    geofence_site: str
    geofence_zone: str
    # 100 million yuan is 10^10 fen: past a 32-bit integer.
    total_pool_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    annual_budgets: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    ratio_bp: int
    enterprise_annual_cap_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    unit_cap_fen: int | None = TableField(default=None, sa_column=Column(BigInteger))
    voucher_validity_days: int
    min_deployment_days: int
    min_active_days: int
    min_geofence_share_bp: int
    claim_deadline_months: int
    lock_in_months: int
    clawback_days: int
    active_day_min_minutes: int
    public_notice_days: int
    payee: Payee
    created_at: datetime = TableField(sa_column=utc_column(nullable=False))
    updated_at: datetime = TableField(sa_column=utc_column(nullable=False))


class Balances(BaseModel):
    """Where the pool stands: reserved by vouchers, paid out, and what is left to issue."""

    reserved_fen: int
    paid_fen: int
    available_fen: int


class ProgrammePublic(ProgrammeRules):
    """A programme as the API shows it, with its balances."""

    model_config = ConfigDict(extra="ignore")

    id: int
    name: str
    geofence_site: str
    geofence_zone: str
    balances: Balances
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, programme: Programme, balances: Balances) -> ProgrammePublic:
        """The public view of a programme with its balances."""
        return cls(**programme.model_dump(), balances=balances)
