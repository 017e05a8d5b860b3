"""A subsidy claim: a contract's units, the subsidy computed under rule 6, every rule's check
with the figures behind it, the evidence pack's digest, and the officer's decision."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import json_column, utc_column
from fleet_server.fields import Id, Name, Note


class ClaimStatus(str, Enum):
    """Where a claim is: checked by the system, decided by an officer, then paid."""

    AUTO_VERIFIED = "auto_verified"
    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


OPEN_STATUSES = (ClaimStatus.AUTO_VERIFIED, ClaimStatus.NEEDS_REVIEW, ClaimStatus.APPROVED)
"""Claims still on their way to a payout: their subsidy counts against caps and vouchers."""


class RuleCheck(BaseModel):
    """One rule checked for a claim: whether it held, in words, and the figures behind it.

    `texts` are its findings (what was wrong, else what held), each {code, params, message}
    for the console to word; `message` is them in English. `labels` word the figures whose
    names are sentences (rule 6's limits), by that English name. Checks stored before the
    findings were kept have neither, and are shown by their message."""

    rule: int
    title: str
    passed: bool
    message: str
    figures: dict[str, Any] = Field(default_factory=dict)
    texts: list[dict[str, Any]] = Field(default_factory=list)
    labels: dict[str, dict[str, Any]] = Field(default_factory=dict)


class Claim(SQLModel, table=True):
    """A stored claim; amounts in fen."""

    id: int | None = TableField(default=None, primary_key=True)
    programme_id: int = TableField(foreign_key="programme.id", index=True)
    contract_id: int = TableField(foreign_key="contract.id", index=True)
    voucher_id: int = TableField(foreign_key="voucher.id", index=True)
    holder_id: int = TableField(foreign_key="enterprise.id", index=True)
    supplier_id: int = TableField(foreign_key="institution.id", index=True)
    serial_numbers: list[str] = TableField(default_factory=list, sa_column=json_column())
    filed_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))
    filed_by: str
    status: ClaimStatus = TableField(index=True)
    subsidy_fen: int = TableField(sa_column=Column(BigInteger, nullable=False))
    checks: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    checked_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))
    # The evidence pack exactly as hashed, so a download re-checks against the digest.
    evidence: str = TableField(sa_column=Column(Text, nullable=False))
    evidence_sha256: str
    decided_by: str | None = None
    decided_at: dt.datetime | None = TableField(default=None, sa_column=utc_column())
    decision_reason: str | None = None
    decision_reference: str | None = None
    overridden_rules: list[int] = TableField(default_factory=list, sa_column=json_column())
    notice_from: dt.datetime | None = TableField(default=None, sa_column=utc_column())
    notice_until: dt.datetime | None = TableField(default=None, sa_column=utc_column())
    paid_fen: int = TableField(default=0, sa_column=Column(BigInteger, nullable=False))

    def as_record(self) -> dict[str, Any]:
        """The claim as plain JSON values for the audit log (the pack itself by its digest)."""
        return self.model_dump(mode="json", exclude={"evidence"})

    def failed_rules(self) -> list[int]:
        """The rules whose check did not hold, in order."""
        return sorted({check["rule"] for check in self.checks if not check["passed"]})


class ClaimKey(SQLModel, table=True):
    """A contract, invoice or serial number held by an open or paid claim: the database's
    unique key makes each claimable once only, across all vouchers (rule 7)."""

    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: int | None = TableField(default=None, primary_key=True)
    kind: str = TableField(max_length=16)
    value: str = TableField(max_length=100)
    claim_id: int = TableField(foreign_key="claim.id", index=True)


class ClaimCreate(BaseModel):
    """A claim for all the units of one contract."""

    model_config = ConfigDict(extra="forbid")

    contract_id: Id


class ClaimApprove(BaseModel):
    """An officer's approval: the decision's reference, and a reason when overriding failed
    checks. The public notice runs from now for the programme's notice days."""

    model_config = ConfigDict(extra="forbid")

    decision_reference: Name
    reason: Note | None = None


class ClaimReject(BaseModel):
    """An officer's rejection, with the reason the holder will be told."""

    model_config = ConfigDict(extra="forbid")

    reason: Note
    decision_reference: Name | None = None


class ClaimPublic(BaseModel):
    """A claim as the API shows it (the evidence pack is downloaded on its own)."""

    id: int
    programme_id: int
    contract_id: int
    voucher_id: int
    holder_id: int
    supplier_id: int
    serial_numbers: list[str]
    filed_at: dt.datetime
    filed_by: str
    status: ClaimStatus
    subsidy_fen: int
    checks: list[RuleCheck]
    failed_rules: list[int]
    checked_at: dt.datetime
    evidence_sha256: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    decision_reference: str | None
    overridden_rules: list[int]
    notice_from: dt.datetime | None
    notice_until: dt.datetime | None
    paid_fen: int

    @classmethod
    def of(cls, claim: Claim) -> ClaimPublic:
        """The public view of a stored claim."""
        return cls(**claim.model_dump(exclude={"evidence"}), failed_rules=claim.failed_rules())
