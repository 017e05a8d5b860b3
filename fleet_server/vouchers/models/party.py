"""Enterprises (voucher holders), service institutions (suppliers) and their affiliations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import UniqueConstraint
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from fleet_protocol.kinds import RobotKind
from fleet_server.db import json_column, utc_column
from fleet_server.fields import Id, Label, Name

# One party's catalogue and affiliations: generous for one supplier, bounded for one request.
MAX_CATALOGUE = 500
MAX_AFFILIATIONS = 200


class Enterprise(SQLModel, table=True):
    """An enterprise that may hold vouchers, known by its Unified Social Credit Code."""

    id: int | None = TableField(default=None, primary_key=True)
    name: str
    uscc: str = TableField(unique=True)
    registered_in_district: bool
    blacklisted: bool = False
    created_at: datetime = TableField(sa_column=utc_column(nullable=False))
    updated_at: datetime = TableField(sa_column=utc_column(nullable=False))


class Institution(SQLModel, table=True):
    """A service institution that supplies robots, with the models it may supply."""

    id: int | None = TableField(default=None, primary_key=True)
    name: str
    uscc: str = TableField(unique=True)
    registered_in_district: bool
    blacklisted: bool = False
    catalogue: list[dict[str, Any]] = TableField(default_factory=list, sa_column=json_column())
    created_at: datetime = TableField(sa_column=utc_column(nullable=False))
    updated_at: datetime = TableField(sa_column=utc_column(nullable=False))


class Affiliation(SQLModel, table=True):
    """An enterprise and an institution that are affiliated: it may not supply that holder."""

    __table_args__ = (UniqueConstraint("enterprise_id", "institution_id"),)

    id: int | None = TableField(default=None, primary_key=True)
    enterprise_id: int = TableField(foreign_key="enterprise.id", index=True)
    institution_id: int = TableField(foreign_key="institution.id", index=True)


class CatalogueItem(BaseModel):
    """A robot model an institution may supply."""

    model_config = ConfigDict(extra="forbid")

    model: Label
    manufacturer: Label
    kind: RobotKind


class _Party(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    uscc: Label = Field(description="Unified Social Credit Code, 18 characters (GB 32100-2015)")
    registered_in_district: bool
    blacklisted: bool = False


class _PartyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    uscc: Label | None = None
    registered_in_district: bool | None = None
    blacklisted: bool | None = None


class EnterpriseCreate(_Party):
    """A new enterprise; `affiliated_institutions` are the ids of institutions tied to it."""

    affiliated_institutions: list[Id] = Field(default_factory=list, max_length=MAX_AFFILIATIONS)


class EnterpriseUpdate(_PartyUpdate):
    """A change to an enterprise: only the fields given change; a given affiliation list
    replaces the old one."""

    affiliated_institutions: list[Id] | None = Field(default=None, max_length=MAX_AFFILIATIONS)


class InstitutionCreate(_Party):
    """A new service institution with its catalogue of robot models."""

    catalogue: list[CatalogueItem] = Field(default_factory=list, max_length=MAX_CATALOGUE)


class InstitutionUpdate(_PartyUpdate):
    """A change to an institution: only the fields given change; a given catalogue replaces
    the old one."""

    catalogue: list[CatalogueItem] | None = Field(default=None, max_length=MAX_CATALOGUE)


class EnterprisePublic(BaseModel):
    """An enterprise as the API shows it."""

    id: int
    name: str
    uscc: str
    registered_in_district: bool
    blacklisted: bool
    affiliated_institutions: list[int]
    created_at: datetime
    updated_at: datetime


class InstitutionPublic(BaseModel):
    """An institution as the API shows it."""

    id: int
    name: str
    uscc: str
    registered_in_district: bool
    blacklisted: bool
    catalogue: list[CatalogueItem]
    affiliated_enterprises: list[int]
    created_at: datetime
    updated_at: datetime
