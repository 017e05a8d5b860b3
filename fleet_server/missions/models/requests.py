"""What an operator may ask for: one request shape per mission kind, told apart by `kind`."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from fleet_protocol.kinds import DEFAULT_CHARGE_TARGET
from fleet_server.fields import Identifier, Moment
from fleet_server.missions.actions import MissionAction

UNTIL_MAX_ROUNDS = 100
# A route of more nodes, or a node with more actions, is a mistake rather than a patrol.
MAX_ROUTE_NODES = 200
MAX_ACTIONS = 20
# The most robots one cleaning mission may share a zone between.
MAX_ZONE_ROBOTS = 32


class Checkpoint(BaseModel):
    """A route node where the robot stops and runs actions, and what a failed action means."""

    node: Identifier
    actions: list[MissionAction] = Field(min_length=1, max_length=MAX_ACTIONS)
    # skip: note the failure and go on; retry: run a failed action again, up to `retries` times,
    # before going on; abort: end the mission as failed.
    on_failure: Literal["skip", "retry", "abort"] = "skip"
    retries: int = Field(default=0, ge=0, le=5)

    @model_validator(mode="after")
    def _retries_with_retry(self) -> Checkpoint:
        if self.on_failure == "retry" and self.retries < 1:
            raise PydanticCustomError(
                "retry_needs_retries", "on_failure retry needs retries of 1 to 5"
            )
        if self.on_failure != "retry" and self.retries:
            raise PydanticCustomError(
                "retries_without_retry",
                "retries applies only with on_failure retry, not {on_failure}",
                {"on_failure": self.on_failure},
            )
        return self


class MissionRequestBase(BaseModel):
    """Fields every mission request has."""

    site: Identifier
    robot: Identifier | None = None
    priority: int | None = Field(default=None, ge=0, le=1000)


class WorkRequestBase(MissionRequestBase):
    """Fields of every kind of work (every kind but dock)."""

    # Below this charge (percent) the mission pauses and its robot charges, then resumes where
    # it stopped; None: the server's FLEET_BATTERY_FLOOR_PERCENT.
    battery_floor: float | None = Field(default=None, ge=0, le=100)


class PatrolCreate(WorkRequestBase):
    """A patrol: loop the route `rounds` times, stopping at checkpoints to run their actions."""

    kind: Literal["patrol"]
    route: list[Identifier] = Field(max_length=MAX_ROUTE_NODES)
    # loop: back to the first node each round; out_and_back: the same way back each round.
    pattern: Literal["loop", "out_and_back"] = "loop"
    rounds: int = Field(default=1, ge=1, le=1000)
    # Patrol until this time: the round under way then is finished, at most `rounds` rounds
    # (100 when `rounds` is not given).
    until: Moment | None = None
    checkpoints: list[Checkpoint] = Field(default_factory=list, max_length=MAX_ROUTE_NODES)

    @model_validator(mode="after")
    def _rounds_for_an_end_time(self) -> PatrolCreate:
        if self.until is not None and "rounds" not in self.model_fields_set:
            self.rounds = UNTIL_MAX_ROUNDS
        return self

    def driven_route(self) -> list[str]:
        """The route as one round drives it (out and back repeats it in reverse)."""
        return patrol_route(self.route, self.pattern)

    @field_validator("route")
    @classmethod
    def _route_has_nodes(cls, route: list[str]) -> list[str]:
        if len(route) < 2:
            raise PydanticCustomError("route_too_short", "a patrol route needs at least 2 nodes")
        return route


def patrol_route(route: list[str], pattern: str) -> list[str]:
    """One round's waypoints: the route, and for out-and-back the way back short of the start."""
    return route + route[-2:0:-1] if pattern == "out_and_back" else list(route)


class DockCreate(MissionRequestBase):
    """Go to a dock (the nearest one if none is named) and charge to the target level."""

    kind: Literal["dock"]
    dock: Identifier | None = None
    target_level: float = Field(default=DEFAULT_CHARGE_TARGET, gt=0, le=100)


class ServiceCreate(WorkRequestBase):
    """Guide a visitor or deliver an item from one node to another, optionally returning home."""

    kind: Literal["service"]
    mode: Literal["guide", "deliver"] = "guide"
    origin: Identifier
    destination: Identifier
    origin_actions: list[MissionAction] = Field(default_factory=list, max_length=MAX_ACTIONS)
    destination_actions: list[MissionAction] = Field(default_factory=list, max_length=MAX_ACTIONS)
    home: Identifier | None = None
    # skip: note a failed action and go on; abort: end the mission as failed.
    on_failure: Literal["skip", "abort"] = "abort"

    def checkpoints(self) -> list[Checkpoint]:
        """Origin and destination as checkpoints, so results and capability work as for patrols."""
        ends = [(self.origin, self.origin_actions), (self.destination, self.destination_actions)]
        return [
            Checkpoint(node=node, actions=actions, on_failure=self.on_failure)
            for node, actions in ends
            if actions
        ]


class CleanCreate(WorkRequestBase):
    """Clean a zone of the site in parallel lanes `width` apart (holes and no-go areas excluded)."""

    kind: Literal["clean"]
    zone: Identifier
    width: float = Field(default=1.0, ge=0.2, le=5.0)
    mode: Literal["sweep", "scrub", "vacuum"] = "sweep"
    # Several robots share the zone: its lanes are cut into this many contiguous, balanced parts,
    # cleaned in parallel; "auto" takes as many as there are robots online able to clean it.
    robots: Annotated[int, Field(ge=1, le=MAX_ZONE_ROBOTS)] | Literal["auto"] | None = None


MISSION_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0]
    for model in (PatrolCreate, DockCreate, ServiceCreate, CleanCreate)
)

MissionCreate = Annotated[
    PatrolCreate | DockCreate | ServiceCreate | CleanCreate, Field(discriminator="kind")
]
