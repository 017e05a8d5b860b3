"""Robots: the latest known state of each vehicle, one row per robot."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import ErrorLevel
from fleet_server.db import json_column, utc_column
from fleet_server.fleet.models.energy import EnergyPublic

SERIAL_PATTERN = r"^[A-Za-z0-9_.:-]+$"


class RobotBase(SQLModel):
    """What identifies a robot and what it is."""

    serial_number: str = Field(primary_key=True, max_length=64)
    manufacturer: str = Field(max_length=64)
    kind: RobotKind = RobotKind.OTHER


class Robot(RobotBase, table=True):
    """One row per robot: identity, capabilities and the latest state (written in batches)."""

    registered: bool = False
    connection_state: str | None = None
    online: bool = False
    battery: float | None = None
    charging: bool = False
    x: float | None = None
    y: float | None = None
    theta: float | None = None
    map_id: str | None = None
    driving: bool = False
    paused: bool = False
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    order_id: str | None = None
    order_update_id: int | None = None
    last_node_id: str | None = None
    mission_id: int | None = None
    actions: list[str] = Field(default_factory=list, sa_column=json_column())
    factsheet: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    last_seen: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))


class RobotCreate(BaseModel):
    """Pre-registration of a robot before it first connects (ids usable as MQTT topic levels)."""

    serial_number: str = PydanticField(min_length=1, max_length=64, pattern=SERIAL_PATTERN)
    manufacturer: str = PydanticField(min_length=1, max_length=64, pattern=SERIAL_PATTERN)
    kind: RobotKind = RobotKind.OTHER


class Position(BaseModel):
    """Where a robot is: metres and radians on a map."""

    x: float
    y: float
    theta: float
    map_id: str


class RobotError(BaseModel):
    """An error the robot reports."""

    type: str
    level: str
    description: str | None = None


class UnexpectedOrder(BaseModel):
    """A robot running an order the server did not give it, or one of a mission that ended."""

    model_config = {"frozen": True}

    order_id: str
    since: datetime
    detail: str
    # The mission the order was given for, when it was the server's (ended or re-queued since).
    mission_id: int | None = None


class RobotStatus(str, Enum):
    """One word for what a robot is doing, as the console colours it."""

    OFFLINE = "offline"
    ERROR = "error"
    PAUSED = "paused"
    CHARGING = "charging"
    WORKING = "working"
    IDLE = "idle"


def robot_status(robot: Robot, alert: UnexpectedOrder | None = None) -> RobotStatus:
    """The robot's status; the first that applies: offline, error (a FATAL error, or an order
    it should not be running), paused, charging, working (on a mission or driving), idle."""
    if not robot.online:
        return RobotStatus.OFFLINE
    fatal = any(error.get("level") == ErrorLevel.FATAL.value for error in robot.errors)
    if fatal or alert is not None:
        return RobotStatus.ERROR
    if robot.paused:
        return RobotStatus.PAUSED
    if robot.charging:
        return RobotStatus.CHARGING
    if robot.mission_id is not None or robot.driving:
        return RobotStatus.WORKING
    return RobotStatus.IDLE


class RobotPublic(RobotBase):
    """A robot as the API shows it."""

    id: str
    status: RobotStatus
    registered: bool
    online: bool
    connection_state: str | None
    battery: float | None
    charging: bool
    position: Position | None
    driving: bool
    paused: bool
    errors: list[RobotError]
    order_id: str | None
    order_update_id: int | None
    last_node_id: str | None
    mission_id: int | None
    actions: list[str]
    last_seen: datetime | None
    unexpected_order: UnexpectedOrder | None = None
    # What the server learned of the robot's energy use (GET /robots only, not the live feed).
    energy: EnergyPublic | None = None

    @classmethod
    def of(cls, robot: Robot, alert: UnexpectedOrder | None = None) -> RobotPublic:
        """The public view of a robot row, with the order it should not be running if any."""
        position = None
        if robot.x is not None and robot.y is not None and robot.map_id:
            position = Position(x=robot.x, y=robot.y, theta=robot.theta or 0.0, map_id=robot.map_id)
        return cls(
            id=robot.serial_number,
            status=robot_status(robot, alert),
            **robot.model_dump(exclude={"errors", "x", "y", "theta", "map_id", "factsheet"}),
            position=position,
            errors=[RobotError(**e) for e in robot.errors],
            unexpected_order=alert,
        )
