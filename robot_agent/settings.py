"""The agent's settings, from AGENT_* environment variables or keyword arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fleet_protocol.broker_url import BrokerAddress, check_ca_file, parse_broker_url
from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import DEFAULT_INTERFACE
from robot_agent.driver import Pose

# What a topic level may contain (spec 6.3: A-Z a-z 0-9 _ . : -).
TopicLevel = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")]
Seconds = Annotated[float, Field(gt=0)]


class AgentSettings(BaseSettings):
    """Who the robot is, where its broker is, and how often it reports (env prefix AGENT_)."""

    # Inputs stay out of error messages: the MQTT URL or password may be among them.
    model_config = SettingsConfigDict(
        env_prefix="AGENT_", extra="forbid", hide_input_in_errors=True
    )

    mqtt_url: str = "mqtt://127.0.0.1:1883"
    # The login may be given apart from the URL, so that the password is in no process list.
    mqtt_username: str | None = None
    mqtt_password: SecretStr | None = None
    # The CA that signed the broker's certificate (mqtts:// only); unset: the system's CAs.
    mqtt_ca_file: Path | None = None
    # The fleet server's base URL (http[s]://host:port): evidence photos are uploaded there,
    # with the MQTT login above; unset, photos stay on the robot.
    server_url: str | None = None
    # The CA that signed the server's certificate (https:// only); unset: the system's CAs.
    server_ca_file: Path | None = None
    interface: TopicLevel = DEFAULT_INTERFACE
    manufacturer: TopicLevel = "robotfleet"
    serial_number: TopicLevel
    kind: RobotKind = RobotKind.PATROL_DOG
    x: float = 0.0
    y: float = 0.0
    theta: float = 0.0
    map_id: Annotated[str, Field(min_length=1)] = "default"
    state_interval: Seconds = 30.0
    state_min_interval: Annotated[float, Field(ge=0)] = 0.1
    visualization_interval: Seconds = 1.0
    driver: Annotated[str, Field(min_length=1)] = "sim"
    driver_options: dict[str, str] = Field(default_factory=dict)
    keepalive: Annotated[int, Field(ge=5)] = 15
    # Orders and instant actions larger than this are dropped unread (a long order is ~100 kB).
    max_payload_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    reconnect_min: Seconds = 0.5
    # Short, so a robot is back well within the server's mission grace after a broker restart.
    reconnect_max: Seconds = 10.0

    @field_validator("mqtt_url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        parse_broker_url(value)
        return value

    @field_validator("server_url")
    @classmethod
    def _valid_server_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("server_url must be http://host[:port] or https://host[:port]")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError(
                "server_url takes no login, query or fragment (the MQTT login is used)"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _backoff_order(self) -> AgentSettings:
        if self.reconnect_max < self.reconnect_min:
            raise ValueError("reconnect_max must not be less than reconnect_min")
        return self

    @model_validator(mode="after")
    def _usable_login(self) -> AgentSettings:
        _ = self.broker  # ValueError for a login given both in the URL and apart
        check_ca_file(self.mqtt_ca_file, self.mqtt_url)
        return self

    @property
    def broker(self) -> BrokerAddress:
        """Where the broker is and the login to use (from the URL or the separate settings)."""
        password = self.mqtt_password.get_secret_value() if self.mqtt_password else None
        return parse_broker_url(self.mqtt_url).with_login(self.mqtt_username, password)

    @property
    def initial_pose(self) -> Pose:
        """The pose the robot starts at."""
        return Pose(self.x, self.y, self.theta, self.map_id)
