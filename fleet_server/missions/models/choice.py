"""Why a mission got its robot: each assignment with its prediction and the runners-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column
from fleet_server.missions.models.mission import Mission, MissionPublic


class RunnerUp(BaseModel):
    """A robot that did not get the mission, and why."""

    robot: str
    # One word for the reason (farther, taken, tie, incapable, charge, too_far, unreachable,
    # busy, offline, paused, error, stale, not_free), then the reason in words.
    code: str = ""
    reason: str
    # The reason as a sentence the console words: {code, params, message} (fleet_server.texts).
    reason_text: dict[str, Any] | None = None
    distance_m: float | None = None
    predicted_s: float | None = None
    charge: float | None = None
    charge_needed: float | None = None


class MissionAssignmentRecord(SQLModel, table=True):
    """One assignment of a mission to a robot (a re-queued or resumed mission has several)."""

    __tablename__ = "mission_assignment"

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(index=True)
    at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    robot: str
    # Predicted time to start: route distance to the mission's first goal over the robot's speed.
    predicted_s: float
    distance_m: float
    # Charge (percent) the mission takes with the way to a dock and the reserve, and what the
    # robot had.
    charge_needed: float | None = None
    charge: float | None = None
    runners_up: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    # "joint": matched together with other waiting missions; "nearest": the only mission
    # waiting or the only robot free, so the nearest choice.
    method: str = "nearest"


class AssignmentPublic(BaseModel):
    """An assignment as the API shows it."""

    at: datetime
    robot: str
    predicted_s: float
    distance_m: float
    charge_needed: float | None
    charge: float | None
    runners_up: list[RunnerUp]
    method: str

    @classmethod
    def of(cls, record: MissionAssignmentRecord) -> AssignmentPublic:
        """The public view of an assignment row."""
        return cls(
            at=record.at,
            robot=record.robot,
            predicted_s=record.predicted_s,
            distance_m=record.distance_m,
            charge_needed=record.charge_needed,
            charge=record.charge,
            runners_up=[RunnerUp.model_validate(r) for r in record.runners_up],
            method=record.method,
        )


class MissionDetail(MissionPublic):
    """One mission as its own page shows it: with its latest assignment and all of them."""

    assignment: AssignmentPublic | None
    assignments: list[AssignmentPublic]

    @classmethod
    def of_records(cls, mission: Mission, records: list[MissionAssignmentRecord]) -> MissionDetail:
        """The mission and its assignments, oldest first."""
        shown = [AssignmentPublic.of(r) for r in records]
        return cls(
            **MissionPublic.of(mission).model_dump(),
            assignment=shown[-1] if shown else None,
            assignments=shown,
        )
