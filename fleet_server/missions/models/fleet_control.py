"""The whole fleet paused, resumed or recalled: what an operator did, and the fleet's state."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

from fleet_server.missions.fleet_hold import FleetMode


class FleetAction(str, Enum):
    """What an operator may do to the whole fleet."""

    PAUSE = "pause"
    RESUME = "resume"
    RECALL = "recall"


class FleetControlChange(BaseModel):
    """One fleet-wide action: who, when, and which robots and missions it touched."""

    action: FleetAction
    by: str
    at: datetime
    mode: FleetMode
    robots: list[str] = Field(default_factory=list, description="robots sent an instant action")
    missions: list[int] = Field(
        default_factory=list, description="missions paused, resumed, or stopped to re-queue"
    )
    notes: dict[str, str] = Field(
        default_factory=dict,
        description="per robot, what became of it (recall: its dock mission, or why none)",
    )
    robots_by_site: dict[str, list[str]] = Field(
        default_factory=dict, description="the robots told, by the site they were on"
    )


class FleetControlPublic(BaseModel):
    """The fleet-wide state: running, paused or recalled, since when, by whom, and the last
    action."""

    mode: FleetMode
    since: datetime | None
    by: str | None
    last: FleetControlChange | None
