"""Mission templates: a mission defined once, by file or through the API, and run many times."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_protocol.site import Language
from fleet_server.db import json_column, utc_column
from fleet_server.fields import Description, Name, NameInEach, TextInEach
from fleet_server.missions.models.requests import MissionCreate

TEMPLATE_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"
# A mission has a handful of fields; overrides replace some of them.
MAX_OVERRIDES = 20

TemplateId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=TEMPLATE_ID)]
"""A template's id: lower-case letters, digits, `_` and `-`, 1 to 64 of them."""


class Template(SQLModel, table=True):
    """A stored template: its mission request and where it came from (file or api)."""

    id: str = Field(primary_key=True)
    name: str
    names: dict[Language, str] = Field(default_factory=dict, sa_column=json_column())
    description: str = ""
    descriptions: dict[Language, str] = Field(default_factory=dict, sa_column=json_column())
    site_id: str = Field(index=True)
    kind: str
    mission: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    source: str = "api"
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))


class TemplateCreate(BaseModel):
    """A new template (also the shape of a missions/templates/*.yaml file)."""

    id: TemplateId = PydanticField(examples=["street-patrol-zh"])
    name: Name
    names: NameInEach = PydanticField(
        default_factory=dict, examples=[{"zh": "街面巡逻", "en": "Street patrol"}]
    )
    description: Description = ""
    descriptions: TextInEach = PydanticField(default_factory=dict)
    mission: MissionCreate


class TemplateUpdate(BaseModel):
    """Changes to a template; omitted fields stay as they are."""

    name: Name | None = None
    names: NameInEach | None = None
    description: Description | None = None
    descriptions: TextInEach | None = None
    mission: MissionCreate | None = None


class TemplatePublic(BaseModel):
    """A template as the API shows it."""

    id: str
    name: str
    names: dict[Language, str]
    description: str
    descriptions: dict[Language, str]
    site: str
    kind: str
    mission: dict[str, Any]
    source: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, template: Template) -> TemplatePublic:
        """The public view of a template row."""
        return cls(site=template.site_id, **template.model_dump(exclude={"site_id"}))


class FromTemplate(BaseModel):
    """A mission from a template, with fields of the mission replaced by `overrides`."""

    template: TemplateId
    overrides: dict[str, Any] = PydanticField(
        default_factory=dict,
        max_length=MAX_OVERRIDES,
        examples=[{"robot": "dog-01", "rounds": 3}],
    )
