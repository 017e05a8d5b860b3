"""A deployed unit: a robot delivered under a contract, known by its serial number, tied to the
fleet's robot that reports its telemetry, its holder and its site."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_server.db import utc_column
from fleet_server.fields import Day, Id, Identifier, Label


class DeployedUnit(SQLModel, table=True):
    """One registration of a unit with a holder; a later registration of the same serial number
    (say, the robot was sold) ends this one."""

    id: int | None = TableField(default=None, primary_key=True)
    serial_number: str = TableField(index=True, max_length=100)
    robot: str = TableField(index=True, max_length=64)
    holder_id: int = TableField(foreign_key="enterprise.id", index=True)
    site_id: str = TableField(max_length=64)
    commissioned_on: dt.date
    registered_at: dt.datetime = TableField(sa_column=utc_column(nullable=False))
    ended_at: dt.datetime | None = TableField(default=None, sa_column=utc_column())

    def as_record(self) -> dict[str, Any]:
        """The unit as plain JSON values, for the audit log's before/after."""
        return self.model_dump(mode="json")


class DeployedUnitCreate(BaseModel):
    """A unit put into service: its serial number (as on the contract), the fleet robot that
    reports for it, its holder, the site it serves and the day it was commissioned."""

    model_config = ConfigDict(extra="forbid")

    serial_number: Label
    robot: Identifier = Field(description="the fleet robot's VDA 5050 serialNumber")
    holder_id: Id
    site_id: Identifier
    commissioned_on: Day


class DeployedUnitPublic(BaseModel):
    """A unit registration as the API shows it; `current` is false once it was ended."""

    id: int
    serial_number: str
    robot: str
    holder_id: int
    site_id: str
    commissioned_on: dt.date
    registered_at: dt.datetime
    ended_at: dt.datetime | None
    current: bool

    @classmethod
    def of(cls, unit: DeployedUnit) -> DeployedUnitPublic:
        """The public view of a stored registration."""
        return cls(**unit.model_dump(), current=unit.ended_at is None)
