"""Missions: what an operator asked for, which robot does it, and how far it has got."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import json_column, utc_column
from fleet_server.texts import Text, columns

# The most nodes a mission's progress lists ahead of its robot: a round of a long patrol.
AHEAD_LIMIT = 200


class MissionStatus(str, Enum):
    """Where a mission is in its life; running/paused/completed follow what the robot reports."""

    QUEUED = "queued"
    ASSIGNED = "assigned"
    RUNNING = "running"
    PAUSED = "paused"
    # Between two legs of work longer than one charge: the robot charges, the mission waits.
    CHARGING = "charging"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the mission has ended."""
        return self in FINISHED_STATUSES


FINISHED_STATUSES = frozenset(
    {MissionStatus.COMPLETED, MissionStatus.FAILED, MissionStatus.CANCELLED}
)


class MissionBase(SQLModel):
    """What an operator asks for."""

    kind: str = "patrol"
    site_id: str
    route: list[str] = Field(default_factory=list, sa_column=json_column())
    rounds: int = 1
    requested_robot: str | None = None


class Mission(MissionBase, table=True):
    """A mission with its plan, the order it became, its progress and its outcome."""

    id: int | None = Field(default=None, primary_key=True)
    status: MissionStatus = Field(default=MissionStatus.QUEUED, index=True)
    # Higher runs first among queued missions; equal priorities run oldest first.
    priority: int = 0
    # What the kind needs beyond route and rounds (checkpoints, dock, target level), as requested.
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # What happened: per checkpoint, when it was reached and how each action ended.
    results: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # Why it waits or how it ended: the English, and the code and parameters the console words.
    reason: str | None = None
    reason_code: str | None = None
    reason_params: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    robot: str | None = Field(default=None, index=True)
    # The planned node sequence, from the robot's start node through every round.
    plan: list[str] = Field(default_factory=list, sa_column=json_column())
    # Index in `plan` where the approach to the route ends and each round's length.
    approach_nodes: int = 0
    round_nodes: int = 0
    nodes_passed: int = 0
    order_id: str | None = None
    order_update_id: int = 0
    released_until: int = 0
    control_action_id: str | None = None
    control_action_type: str | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    assigned_at: datetime | None = Field(default=None, sa_column=utc_column())
    started_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Indexed: the fleet's reports count missions ended in a range.
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))

    def explain(self, why: Text | None) -> None:
        """Say why the mission waits or how it ended (None: nothing to say)."""
        self.reason, self.reason_code, self.reason_params = columns(why)

    @property
    def why(self) -> Text | None:
        """The reason as a sentence, to say again or inside another (an incident's)."""
        if self.reason is None:
            return None
        return Text.stored(self.reason_code, self.reason_params, self.reason)

    @property
    def nodes_total(self) -> int:
        """How many nodes the mission passes in all."""
        return len(self.plan)

    @property
    def ahead(self) -> list[str]:
        """The plan's nodes still to pass up to the end of the round under way (through the
        first round while the robot approaches the route); none once the mission has ended."""
        if self.status.finished or not self.plan:
            return []
        end = len(self.plan)
        rounds_done = max(0, self.nodes_passed - self.approach_nodes) // max(1, self.round_nodes)
        if self.round_nodes and rounds_done + 1 < self.rounds:
            end = min(end, self.approach_nodes + (rounds_done + 1) * self.round_nodes)
        return self.plan[self.nodes_passed : min(end, self.nodes_passed + AHEAD_LIMIT)]

    @property
    def current_round(self) -> int:
        """The round the robot is in (0 while it approaches the route)."""
        if not self.round_nodes or self.nodes_passed < self.approach_nodes:
            return 0
        done = (self.nodes_passed - self.approach_nodes) // self.round_nodes + 1
        return min(done, self.rounds)


Leg = Literal["approach", "route", "return", "done"]


class RouteProgress(BaseModel):
    """A patrol counted on the route the operator drew: its nodes passed in the current round,
    and the leg the robot is on (to the route's start, along it, on the way back, done)."""

    passed: int
    total: int
    leg: Leg


class Progress(BaseModel):
    """How far a mission has got (a patrol's also on its drawn route, else null)."""

    nodes_passed: int
    nodes_total: int
    current_round: int
    rounds: int
    # The nodes still to pass this round, in order (drawn as the robot's planned route).
    ahead: list[str] = Field(default_factory=list)
    route: RouteProgress | None = None


def route_progress(mission: Mission) -> RouteProgress | None:
    """Where a patrol is on its drawn route, from the plan indices of its route visits."""
    visits = mission.results.get("route_visits")
    drawn = len(mission.route)
    if not visits or not drawn:
        return None
    passed = mission.nodes_passed
    rounds = [visits[i : i + drawn] for i in range(0, len(visits), drawn)]
    started = [visits_of_round for visits_of_round in rounds if visits_of_round[0] < passed]
    if not started:
        return RouteProgress(passed=0, total=drawn, leg="approach")
    done = sum(1 for index in started[-1] if index < passed)
    leg: Leg = "route"
    if passed >= mission.nodes_total:
        leg = "done"
    elif done == drawn:
        leg = "return"
    return RouteProgress(passed=done, total=drawn, leg=leg)


class MissionPublic(BaseModel):
    """A mission as the API shows it."""

    id: int
    kind: str
    site: str
    route: list[str]
    rounds: int
    priority: int
    definition: dict[str, Any]
    robot: str | None
    requested_robot: str | None
    status: MissionStatus
    reason: str | None
    # The reason's code and parameters (fleet_server.texts), for words in the user's language.
    reason_code: str | None
    reason_params: dict[str, Any]
    progress: Progress
    results: dict[str, Any]
    order_id: str | None
    order_update_id: int
    errors: list[dict[str, Any]]
    created_at: datetime
    assigned_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, mission: Mission) -> MissionPublic:
        """The public view of a mission row."""
        assert mission.id is not None
        return cls(
            id=mission.id,
            kind=mission.kind,
            site=mission.site_id,
            route=mission.route,
            rounds=mission.rounds,
            priority=mission.priority,
            definition=mission.definition,
            robot=mission.robot,
            requested_robot=mission.requested_robot,
            status=mission.status,
            reason=mission.reason,
            reason_code=mission.reason_code,
            reason_params=mission.reason_params,
            progress=Progress(
                nodes_passed=mission.nodes_passed,
                nodes_total=mission.nodes_total,
                current_round=mission.current_round,
                rounds=mission.rounds,
                ahead=mission.ahead,
                route=route_progress(mission),
            ),
            results=mission.results,
            order_id=mission.order_id,
            order_update_id=mission.order_update_id,
            errors=mission.errors,
            created_at=mission.created_at,
            assigned_at=mission.assigned_at,
            started_at=mission.started_at,
            finished_at=mission.finished_at,
        )
