"""A supply contract between a voucher's holder and a service institution, with its invoices,
payment proofs and acceptance record (the papers a claim will need)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import json_column, utc_column
from fleet_server.fields import Day, Id, Label, Name, Phrase
from fleet_server.vouchers.models.money import Fen

PositiveFen = Annotated[Fen, Field(gt=0)]
"""An amount of money in fen, at least 1 fen."""

# A contract's robots and papers: generous for one purchase, bounded for one request.
MAX_LINE_ITEMS = 1000
MAX_PAPERS = 200


class Contract(SQLModel, table=True):
    """A stored contract; its amount and every amount in its papers in fen."""

    id: int | None = TableField(default=None, primary_key=True)
    voucher_id: int = TableField(foreign_key="voucher.id", index=True)
    supplier_id: int = TableField(foreign_key="institution.id", index=True)
    contract_number: str = TableField(unique=True)
    amount_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    signed_date: dt.date
    line_items: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    invoices: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    payment_proofs: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    acceptance: dict[str, Any] | None = TableField(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    created_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))

    def as_record(self) -> dict[str, Any]:
        """The contract as plain JSON values, for the audit log's before/after."""
        return self.model_dump(mode="json")


class LineItem(BaseModel):
    """One robot delivered under the contract."""

    model_config = ConfigDict(extra="forbid")

    serial_number: Label
    model: Label
    amount_fen: PositiveFen


class Invoice(BaseModel):
    """An invoice (发票) issued against the contract."""

    model_config = ConfigDict(extra="forbid")

    number: Label
    amount_fen: PositiveFen
    date: Day


class PaymentProof(BaseModel):
    """Proof that the holder paid part of the contract."""

    model_config = ConfigDict(extra="forbid")

    reference: Name
    amount_fen: PositiveFen
    date: Day


class Acceptance(BaseModel):
    """The record that the holder accepted the delivered robots (验收)."""

    model_config = ConfigDict(extra="forbid")

    date: Day
    accepted_by: Name
    document: Phrase


class ContractCreate(BaseModel):
    """A new contract under a voucher: the robots by serial number, and any papers so far."""

    model_config = ConfigDict(extra="forbid")

    voucher_id: Id
    supplier_id: Id = Field(description="the service institution supplying the robots")
    contract_number: Label
    amount_fen: PositiveFen
    signed_date: Day
    line_items: list[LineItem] = Field(min_length=1, max_length=MAX_LINE_ITEMS)
    invoices: list[Invoice] = Field(default_factory=list, max_length=MAX_PAPERS)
    payment_proofs: list[PaymentProof] = Field(default_factory=list, max_length=MAX_PAPERS)
    acceptance: Acceptance | None = None


class ContractUpdate(BaseModel):
    """A change to a contract's papers: a list given replaces the old one."""

    model_config = ConfigDict(extra="forbid")

    invoices: list[Invoice] | None = Field(default=None, max_length=MAX_PAPERS)
    payment_proofs: list[PaymentProof] | None = Field(default=None, max_length=MAX_PAPERS)
    acceptance: Acceptance | None = None


class ContractPublic(BaseModel):
    """A contract as the API shows it."""

    id: int
    voucher_id: int
    supplier_id: int
    contract_number: str
    amount_fen: int
    signed_date: dt.date
    line_items: list[LineItem]
    invoices: list[Invoice]
    payment_proofs: list[PaymentProof]
    acceptance: Acceptance | None
    created_at: dt.datetime

    @classmethod
    def of(cls, contract: Contract) -> ContractPublic:
        """The public view of a stored contract."""
        return cls(**contract.model_dump())
