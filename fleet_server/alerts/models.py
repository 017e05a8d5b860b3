"""Alerts: one row per thing an operator must see, repeats counted, until acknowledged."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column
from fleet_server.fields import Id

# The most alerts one request acknowledges by id (a page of the console's list is 50).
MAX_ACKNOWLEDGE_IDS = 500


class AlertKind(str, Enum):
    """What happened; the console names and routes each kind."""

    INCIDENT_REPORTED = "incident_reported"
    INCIDENT_ESCALATED = "incident_escalated"
    INCIDENT_HELD = "incident_held"
    ROBOT_ERROR = "robot_error"
    ROBOT_OFFLINE = "robot_offline"
    FOREIGN_ORDER = "foreign_order"
    LOW_BATTERY = "low_battery"


class AlertSeverity(str, Enum):
    """How urgently someone should look."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order of urgency: low 0, medium 1, high 2."""
        return list(AlertSeverity).index(self)


class Alert(SQLModel, table=True):
    """An alert: its kind and words (a code with parameters, and English), what it is about, how
    often it happened while nobody acknowledged it, and who acknowledged it when."""

    id: int | None = SQLField(default=None, primary_key=True)
    kind: AlertKind = SQLField(index=True)
    severity: AlertSeverity
    # The text as a code with parameters (the console words it in zh or en) and in English.
    code: str
    params: dict[str, Any] = SQLField(default_factory=dict, sa_column=json_column())
    message: str
    site_id: str | None = None
    robot: str | None = SQLField(default=None, index=True)
    incident_id: int | None = SQLField(default=None, index=True)
    mission_id: int | None = None
    # How many times it happened while unacknowledged, and when it last did.
    count: int = 1
    created_at: datetime = SQLField(default_factory=utc_now, sa_column=utc_column(nullable=False))
    # Lists are newest first by this, and `since` filters on it.
    last_at: datetime = SQLField(
        default_factory=utc_now, sa_column=utc_column(nullable=False, index=True)
    )
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = SQLField(default=None, sa_column=utc_column(index=True))


class AlertPublic(BaseModel):
    """An alert as the API and the live feed show it."""

    id: int
    kind: AlertKind
    severity: AlertSeverity
    code: str
    params: dict[str, Any]
    message: str
    site: str | None
    robot: str | None
    incident_id: int | None
    mission_id: int | None
    count: int
    created_at: datetime
    last_at: datetime
    acknowledged: bool
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    @classmethod
    def of(cls, alert: Alert) -> AlertPublic:
        """The public view of an alert row."""
        data = alert.model_dump(exclude={"site_id"})
        return cls(**data, site=alert.site_id, acknowledged=alert.acknowledged_at is not None)


class AlertPage(BaseModel):
    """One page of alerts, newest first, with how many match and how many await acknowledging."""

    alerts: list[AlertPublic]
    total: int
    offset: int
    limit: int
    # Every unacknowledged alert, whatever the filters: the console's badge.
    unacknowledged: int


class AcknowledgeMany(BaseModel):
    """Which alerts to acknowledge: these ids, or every unacknowledged one."""

    ids: list[Id] = Field(default_factory=list, max_length=MAX_ACKNOWLEDGE_IDS)
    all: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> AcknowledgeMany:
        if self.all == bool(self.ids):
            raise PydanticCustomError(
                "ids_or_all", "give either ids (1 to 500 alert ids) or all: true"
            )
        return self


class Acknowledged(BaseModel):
    """What an acknowledgement changed: the alerts now acknowledged, and how many remain."""

    acknowledged: list[AlertPublic]
    unacknowledged: int
