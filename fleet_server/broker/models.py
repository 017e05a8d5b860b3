"""MQTT accounts: the broker login of each robot and of the server (only the hash is kept)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import utc_column
from fleet_server.fleet.models.robot import RobotPublic


class MqttRole(str, Enum):
    """What an account may do on the broker."""

    ROBOT = "robot"  # its own vehicle topics only
    SERVER = "server"  # reads every vehicle, sends orders and instant actions


class MqttAccount(SQLModel, table=True):
    """One broker login; a robot's user name is its serial number. A revoked account keeps its
    row (who had access, until when) but no hash."""

    username: str = Field(primary_key=True, max_length=64)
    role: MqttRole
    # The robot the account belongs to (None for the server's account).
    serial_number: str | None = Field(default=None, index=True, max_length=64)
    # Mosquitto's PBKDF2-SHA512 "$7$" hash; empty once revoked.
    password_hash: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column())

    @property
    def active(self) -> bool:
        """Whether the account can log in."""
        return self.revoked_at is None and bool(self.password_hash)


class BrokerUpdate(BaseModel):
    """What became of the broker's files after an account changed."""

    files_written: bool
    reloaded: bool
    note: str


class RobotCredentials(BaseModel):
    """A robot's broker login, just made: the password is shown this once and never again."""

    mqtt_username: str
    mqtt_password: str
    broker: BrokerUpdate


class RobotRegistered(RobotPublic):
    """A robot just registered, with its broker login (shown once)."""

    credentials: RobotCredentials


class CredentialsRevoked(BaseModel):
    """A robot's broker login taken away."""

    mqtt_username: str
    revoked_at: datetime
    broker: BrokerUpdate
