"""Incidents: what a camera or person reported, which robot went, and how it ended."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column
from fleet_server.fields import Coordinate, Description, Identifier, Label, Note, Phrase
from fleet_server.texts import Text, columns


class IncidentType(str, Enum):
    """What kind of trouble was reported; each maps to a robot kind and a response."""

    STREET_VENDING = "street_vending"
    LITTER = "litter"
    CROWD = "crowd"
    OTHER = "other"


class Severity(str, Enum):
    """How urgent the reporter says the incident is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncidentStatus(str, Enum):
    """open → dispatched → on_scene → [awaiting_confirmation →] resolved | escalated."""

    OPEN = "open"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    # The robot did all it was sent to do; a person confirms the incident is resolved.
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    RESOLVED = "resolved"
    ESCALATED = "escalated"

    @property
    def finished(self) -> bool:
        """Whether the incident needs nothing more from the fleet."""
        return self in (IncidentStatus.RESOLVED, IncidentStatus.ESCALATED)


class Location(BaseModel):
    """A point in the site's map frame, in metres."""

    x: Coordinate
    y: Coordinate


class IncidentCreate(BaseModel):
    """What an integrator (camera analytics) or an operator reports."""

    type: IncidentType
    site: Identifier
    location: Location | None = None
    node: Identifier | None = None
    severity: Severity = Severity.MEDIUM
    source: Label
    description: Description = ""
    # What the robot says, in Chinese; replaces the response's default request.
    text: Phrase | None = None
    # What the robot says after it, in English; replaces the default English request.
    text_en: Phrase | None = None

    @model_validator(mode="after")
    def _one_place(self) -> IncidentCreate:
        if (self.location is None) == (self.node is None):
            # A type of its own: the console words it by its code (validation.incident_place).
            raise PydanticCustomError(
                "incident_place", "give the incident's place as either location {x, y} or node"
            )
        return self


class Incident(SQLModel, table=True):
    """An incident and its life: who reported it, which robot went, when, and the outcome."""

    id: int | None = SQLField(default=None, primary_key=True)
    type: IncidentType = SQLField(index=True)
    site_id: str = SQLField(index=True)
    x: float
    y: float
    # The site node the robot goes to (the one given, or the nearest to the location).
    node: str
    severity: Severity = Severity.MEDIUM
    source: str
    description: str = ""
    text: str | None = None
    text_en: str | None = None
    reported_by: str
    status: IncidentStatus = SQLField(default=IncidentStatus.OPEN, index=True)
    # Why the incident waits or was escalated, in words an operator acts on.
    reason: str | None = None
    reason_code: str | None = None
    reason_params: dict[str, Any] = SQLField(default_factory=dict, sa_column=json_column())
    robot: str | None = None
    mission_id: int | None = None
    # Earlier handled incidents of the same type nearby (the repeat-visit warning).
    repeat_of: list[int] = SQLField(default_factory=list, sa_column=json_column())
    # Photo ids and other evidence the robot reported.
    evidence: list[str] = SQLField(default_factory=list, sa_column=json_column())
    # What the robot said on scene: {text, language, at, robot} per announcement finished.
    spoken: list[dict[str, Any]] = SQLField(default_factory=list, sa_column=json_column())
    # How it ended (or what the robot did, awaiting confirmation): English, code, parameters.
    resolution: str | None = None
    resolution_code: str | None = None
    resolution_params: dict[str, Any] = SQLField(default_factory=dict, sa_column=json_column())
    resolved_by: str | None = None
    created_at: datetime = SQLField(
        default_factory=utc_now, sa_column=utc_column(nullable=False, index=True)
    )
    dispatched_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    on_scene_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    # When the robot finished its response (and a person's confirmation was asked for).
    answered_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    resolved_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    escalated_at: datetime | None = SQLField(default=None, sa_column=utc_column())

    def explain(self, why: Text | None) -> None:
        """Say why the incident waits or was escalated (None: nothing to say)."""
        self.reason, self.reason_code, self.reason_params = columns(why)

    def conclude(self, what: Text) -> None:
        """Say how the incident ended, or what the robot did."""
        self.resolution, self.resolution_code, self.resolution_params = columns(what)

    @property
    def why(self) -> Text | None:
        """The reason as a sentence, to say again or inside another (an alert's)."""
        if self.reason is None:
            return None
        return Text.stored(self.reason_code, self.reason_params, self.reason)


class Spoken(BaseModel):
    """One announcement a robot made at the incident."""

    text: str
    language: str
    at: datetime | None
    robot: str | None


class Repeat(BaseModel):
    """Whether the incident repeats earlier handled ones nearby, and which."""

    count: int
    earlier: list[int]


class IncidentPublic(BaseModel):
    """An incident as the API shows it."""

    id: int
    type: IncidentType
    site: str
    location: Location
    node: str
    severity: Severity
    source: str
    description: str
    text: str | None
    text_en: str | None
    reported_by: str
    status: IncidentStatus
    reason: str | None
    reason_code: str | None
    reason_params: dict[str, Any]
    robot: str | None
    mission_id: int | None
    repeat: Repeat
    evidence: list[str]
    spoken: list[Spoken]
    resolution: str | None
    resolution_code: str | None
    resolution_params: dict[str, Any]
    resolved_by: str | None
    created_at: datetime
    dispatched_at: datetime | None
    on_scene_at: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None
    escalated_at: datetime | None

    @classmethod
    def of(cls, incident: Incident) -> IncidentPublic:
        """The public view of an incident row."""
        data: dict[str, Any] = incident.model_dump(exclude={"site_id", "x", "y", "repeat_of"})
        return cls(
            **data,
            site=incident.site_id,
            location=Location(x=incident.x, y=incident.y),
            repeat=Repeat(count=len(incident.repeat_of), earlier=incident.repeat_of),
        )


class IncidentNote(BaseModel):
    """An operator's words when resolving or escalating an incident."""

    note: Note
