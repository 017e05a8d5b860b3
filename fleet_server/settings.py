"""The server's settings: one pydantic-settings class, environment prefix FLEET_."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DEFAULT_INTERFACE

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SITES_DIR = PROJECT_ROOT / "missions" / "sites"
DEFAULT_TEMPLATES_DIR = PROJECT_ROOT / "missions" / "templates"


class FleetSettings(BaseSettings):
    """Everything the server can be told; read from FLEET_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="FLEET_", extra="ignore")

    database_url: str = "sqlite:///fleet-data/fleet.db"
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    interface: str = DEFAULT_INTERFACE
    sites_dir: Path = DEFAULT_SITES_DIR
    templates_dir: Path = DEFAULT_TEMPLATES_DIR
    # A robot whose state has not come for this long is offline (agents send at least every 30 s).
    offline_timeout_s: float = Field(default=60.0, gt=0)
    offline_check_interval_s: float = Field(default=1.0, gt=0)
    # A mission whose robot stays offline this long fails; a robot back sooner carries on.
    mission_offline_grace_s: float = Field(default=30.0, ge=0)
    # Latest robot states are written to the database in one batch per interval.
    flush_interval_s: float = Field(default=1.0, gt=0)
    # Telemetry history keeps one sample per robot per interval, for this many days.
    telemetry_interval_s: float = Field(default=10.0, gt=0)
    telemetry_retention_days: float = Field(default=7.0, gt=0)
    # Queued missions start by priority (higher first), then age; a request may set its own.
    kind_priorities: dict[str, int] = {
        "respond": 40,
        "patrol": 30,
        "clean": 20,
        "service": 10,
        "dock": 50,
    }
    # A robot takes a mission only with charge for it and the way to a dock, plus a reserve.
    battery_percent_per_km: float = Field(default=6.0, ge=0)
    battery_reserve_percent: float = Field(default=10.0, ge=0, le=100)
    # A patrolling robot below this charge ends its patrol and goes to a dock (per patrol too).
    patrol_battery_floor_percent: float = Field(default=20.0, ge=0, le=100)
    # How often due schedule runs are looked for (runs up to two intervals late are on time).
    schedule_check_interval_s: float = Field(default=10.0, gt=0)
    # Long missions are released in parts: this many nodes in the base, this many in the horizon,
    # and the next part is sent when no more than `release_lookahead` base nodes remain ahead.
    release_base_nodes: int = Field(default=10, ge=2)
    release_horizon_nodes: int = Field(default=5, ge=0)
    release_lookahead: int = Field(default=3, ge=1)

    @field_validator("mqtt_url")
    @classmethod
    def _valid_mqtt_url(cls, url: str) -> str:
        parse_broker_url(url)
        return url

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        if not url.startswith(("sqlite:", "postgresql")):
            raise ValueError("database_url must be sqlite:///PATH or postgresql+psycopg://...")
        return url
