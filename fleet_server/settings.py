"""The server's settings: one pydantic-settings class, environment prefix FLEET_."""

from __future__ import annotations

import math
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from fleet_protocol.broker_url import check_ca_file, parse_broker_url
from fleet_protocol.logs import LogFormat, LogLevel
from fleet_protocol.topics import DEFAULT_INTERFACE
from fleet_server.broker.config import CONF_FILE

DATA_PACKAGE = "missions"


def packaged_data_dir(name: str) -> Path:
    """A folder of the `missions` package (sites, templates) as installed with the server."""
    # Through the import system, not a path beside this file: a wheel puts the data in
    # site-packages/missions, an editable install finds the checkout's missions/ folder.
    try:
        folder = files(DATA_PACKAGE) / name
    except ModuleNotFoundError as error:
        raise RuntimeError(
            f"no {DATA_PACKAGE} package is installed beside fleet_server (an editable install "
            f"from before {DATA_PACKAGE}/ was a package: run pip install -e . again)"
        ) from error
    # pip installs a wheel unpacked, so this is a folder on disk; where it is not there, the
    # site loader names the path, and FLEET_SITES_DIR / FLEET_TEMPLATES_DIR still override it.
    return Path(str(folder))


DEFAULT_SITES_DIR = packaged_data_dir("sites")
DEFAULT_TEMPLATES_DIR = packaged_data_dir("templates")
MISSION_KINDS = ("patrol", "clean", "service", "dock", "respond")


class FleetSettings(BaseSettings):
    """Everything the server can be told; read from FLEET_* environment variables."""

    # Inputs stay out of error messages: the MQTT URL may carry a password.
    model_config = SettingsConfigDict(
        env_prefix="FLEET_", extra="ignore", hide_input_in_errors=True
    )

    # How `fleet serve` and `fleet demo` log to stderr: readable text, or one JSON object a line
    # (time, level, logger, message, exception, robot, mission, request) for a log shipper.
    log_format: LogFormat = "text"
    log_level: LogLevel = "info"
    database_url: str = "sqlite:///fleet-data/fleet.db"
    # Bring the database to the newest schema revision when `fleet serve`, `fleet demo` or another
    # command opens it. Unset: on for SQLite, off for PostgreSQL, where operators run
    # `fleet db upgrade` themselves and a server finding the database behind refuses to start.
    database_auto_upgrade: bool | None = None
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    # The CA that signed the broker's certificate (mqtts:// only); unset: the system's CAs.
    mqtt_ca_file: Path | None = None
    interface: str = DEFAULT_INTERFACE
    # Robots unknown to the database are added when they first speak (the demo); off, their
    # messages are counted and dropped until an admin registers them.
    auto_register: bool = False
    # The broker configuration `fleet broker config` wrote: robot add/revoke rewrite its
    # password and ACL files and reload the broker.
    broker_config_dir: Path | None = None
    sites_dir: Path = DEFAULT_SITES_DIR
    templates_dir: Path = DEFAULT_TEMPLATES_DIR
    # A robot whose state has not come for this long is offline (agents send at least every 30 s).
    offline_timeout_s: float = Field(default=60.0, gt=0)
    offline_check_interval_s: float = Field(default=1.0, gt=0)
    # A mission whose robot stays offline this long fails; a robot back sooner carries on.
    mission_offline_grace_s: float = Field(default=30.0, ge=0)
    # What becomes of a mission whose robot stays offline past that grace, by mission kind:
    # "requeue" (another robot, or the same one back, resumes it where it stopped) or "fail".
    lost_robot_policy: dict[str, Literal["requeue", "fail"]] = {
        "patrol": "requeue",
        "clean": "requeue",
        "respond": "fail",
        "service": "fail",
        "dock": "fail",
    }
    # MQTT messages larger than this are dropped unread (a vehicle's state is a few kB).
    mqtt_max_payload_bytes: int = Field(default=512 * 1024, ge=1024)
    # Latest robot states are written to the database in one batch per interval.
    flush_interval_s: float = Field(default=1.0, gt=0)
    # The live feed (WebSocket /live) sends the robots that changed in one batch per interval.
    live_interval_s: float = Field(default=0.25, gt=0)
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
    # Each robot's consumption is learned from its states (fleet/energy.py); these figures are
    # only the first prior, for a robot of a kind none of whose robots has learned yet (later
    # ones start from their kind's learned figures). Percent of a full battery: per km driven,
    # per minute standing, per minute gained on a charger, and per minute of each action on top
    # of standing or driving (a JSON mapping by action type; an action not named: 0).
    battery_percent_per_km: float = Field(default=6.0, ge=0)
    energy_idle_percent_per_min: float = Field(default=0.1, ge=0)
    energy_charge_percent_per_min: float = Field(default=1.0, gt=0)
    energy_work_percent_per_min: dict[str, float] = {"clean": 0.4}
    # Each robot's learned figures are written at most this often.
    energy_write_interval_s: float = Field(default=30.0, gt=0)
    battery_reserve_percent: float = Field(default=10.0, ge=0, le=100)
    # Predicted times to start a mission, and a charging leg's times, take a robot's factsheet
    # speedMax, or this speed.
    robot_speed_m_s: float = Field(default=1.0, gt=0, le=20)
    # A robot working below this charge pauses its mission (any kind but dock; a mission may set
    # its own `battery_floor`), charges, and resumes where it stopped. Formerly patrols only:
    # FLEET_PATROL_BATTERY_FLOOR_PERCENT is still read.
    battery_floor_percent: float = Field(
        default=20.0,
        ge=0,
        le=100,
        validation_alias=AliasChoices(
            "battery_floor_percent",
            "fleet_battery_floor_percent",
            "patrol_battery_floor_percent",
            "fleet_patrol_battery_floor_percent",
        ),
    )
    # An idle robot below this charge goes to a free charger by itself (0: never).
    idle_charge_below_percent: float = Field(default=30.0, ge=0, le=100)
    # How often due schedule runs are looked for (runs up to two intervals late are on time).
    schedule_check_interval_s: float = Field(default=10.0, gt=0)
    # Long missions are released in parts: this many nodes in the base, this many in the horizon,
    # and the next part is sent when no more than `release_lookahead` base nodes remain ahead.
    release_base_nodes: int = Field(default=10, ge=2)
    release_horizon_nodes: int = Field(default=5, ge=0)
    release_lookahead: int = Field(default=3, ge=1)
    # Incident response: a response may interrupt running work of these kinds (it resumes later);
    # set incident_preemption false to make responses wait for an idle robot instead.
    incident_preemption: bool = True
    preemptible_kinds: list[str] = ["patrol", "clean"]
    # A response no robot has set off for within this time is escalated to a person; so is one
    # with no capable robot within this route distance.
    incident_dispatch_timeout_s: float = Field(default=120.0, gt=0)
    incident_max_distance_m: float = Field(default=1500.0, gt=0)
    # An incident of the same type this close to one a robot was sent to this recently is a
    # repeat; within the cool-down no robot goes to it unless an operator sends one (0: off).
    incident_repeat_radius_m: float = Field(default=30.0, ge=0)
    incident_repeat_window_h: float = Field(default=24.0, ge=0)
    incident_cooldown_h: float = Field(default=2.0, ge=0)
    # Litter: the sanitation robot cleans a square this far each side of the spot, in lanes.
    incident_clean_half_side_m: float = Field(default=4.0, gt=0, le=50)
    incident_clean_width_m: float = Field(default=1.0, ge=0.2, le=5.0)
    # Alerts (fleet_server/alerts): robot errors of these VDA 5050 levels (FATAL: the robot needs
    # a person; add WARNING to hear of every error), and a battery falling below this percent,
    # once per crossing (a robot is low again only after charging 5 points above it; 0: off).
    # Robots pause their missions to charge at the battery floor, so the default sits below it.
    alert_error_levels: list[Literal["FATAL", "WARNING"]] = ["FATAL"]
    alert_low_battery_percent: float = Field(default=15.0, ge=0, le=100)
    # Signs login tokens (HS256 wants 32+ bytes); unset, a random one is made at each start.
    jwt_secret: SecretStr | None = Field(default=None, min_length=32)
    # How long a login token is valid; clients log in again after it expires.
    token_ttl_s: float = Field(default=1800, gt=0)

    # GET /metrics (Prometheus): off unless enabled, since it shows the fleet's size and state;
    # then for a caller with a fleet reader's role (admin, operator, viewer, auditor), a bearer
    # API key too. `metrics_public` lets anyone who reaches the server scrape it without one.
    metrics_enabled: bool = False
    metrics_public: bool = False

    # Hostile and careless requests.
    # A request body larger than this is refused (413) before it is read whole, whether it says
    # its length or streams it in chunks.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Failed logins: after `login_free_failures` for one user name (`login_address_free_failures`
    # from one client address) each further attempt waits, 1 s after the next failure and twice
    # as long after each one more; from `login_lockout_failures` (per address
    # `login_address_lockout_failures`) on, the name or address waits `login_lockout_s`. Such
    # attempts are refused with 429 and Retry-After, before any password is checked. A name or
    # address quiet for `login_failure_window_s` (and past its wait) starts afresh; a success
    # clears the name. Behind a reverse proxy, have uvicorn trust its forwarded-for header
    # (--proxy-headers, --forwarded-allow-ips), or every client shares the proxy's address.
    login_free_failures: int = Field(default=3, ge=0)
    login_lockout_failures: int = Field(default=10, ge=1)
    login_address_free_failures: int = Field(default=10, ge=0)
    login_address_lockout_failures: int = Field(default=50, ge=1)
    login_lockout_s: float = Field(default=900.0, gt=0)
    login_failure_window_s: float = Field(default=900.0, gt=0)

    @property
    def upgrades_database(self) -> bool:
        """Whether opening the database brings its schema to the newest revision."""
        if self.database_auto_upgrade is not None:
            return self.database_auto_upgrade
        return self.database_url.startswith("sqlite:")

    @model_validator(mode="after")
    def _lockout_after_free_failures(self) -> FleetSettings:
        for free, lockout in (
            ("login_free_failures", "login_lockout_failures"),
            ("login_address_free_failures", "login_address_lockout_failures"),
        ):
            if getattr(self, lockout) <= getattr(self, free):
                raise ValueError(f"{lockout} must be greater than {free}")
        return self

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, name: object) -> object:
        return name.lower() if isinstance(name, str) else name

    @field_validator("preemptible_kinds")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        allowed = {"patrol", "clean", "service"}
        unknown = sorted(set(kinds) - allowed)
        if unknown:
            raise ValueError(
                f"unknown or unpreemptible kinds {', '.join(unknown)}; "
                f"choose from {', '.join(sorted(allowed))}"
            )
        return kinds

    @field_validator("energy_work_percent_per_min")
    @classmethod
    def _work_figures(cls, figures: dict[str, float]) -> dict[str, float]:
        bad = sorted(k for k, v in figures.items() if not (math.isfinite(v) and v >= 0))
        if bad:
            raise ValueError(f"figures for {', '.join(bad)} must be finite numbers >= 0")
        return figures

    @field_validator("lost_robot_policy")
    @classmethod
    def _known_mission_kinds(cls, policy: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(policy) - set(MISSION_KINDS))
        if unknown:
            known = ", ".join(MISSION_KINDS)
            raise ValueError(f"unknown mission kinds {', '.join(unknown)}; choose from {known}")
        return policy

    @field_validator("mqtt_url")
    @classmethod
    def _valid_mqtt_url(cls, url: str) -> str:
        parse_broker_url(url)
        return url

    @field_validator("mqtt_ca_file")
    @classmethod
    def _usable_ca_file(cls, ca_file: Path | None, info: ValidationInfo) -> Path | None:
        # mqtt_url comes first, so it is in info.data when it is valid.
        if "mqtt_url" in info.data:
            check_ca_file(ca_file, info.data["mqtt_url"])
        return ca_file

    @field_validator("broker_config_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, directory: object) -> object:
        # FLEET_BROKER_CONFIG_DIR= (empty) switches it off where a file sets it (compose).
        return None if directory == "" else directory

    @field_validator("broker_config_dir")
    @classmethod
    def _written_config_dir(cls, directory: Path | None) -> Path | None:
        if directory is not None and not (directory / CONF_FILE).is_file():
            raise ValueError(
                f"{directory} holds no {CONF_FILE}: write it with fleet broker config -o DIR"
            )
        return directory

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        if not url.startswith(("sqlite:", "postgresql")):
            raise ValueError("database_url must be sqlite:///PATH or postgresql+psycopg://...")
        return url
