"""The text of a production Mosquitto 2.0 configuration: mosquitto.conf, password file, ACL.

Everything here is a pure function of its arguments; files.py writes the files and reloads
the broker. The access rules: a robot publishes only its own state, visualization, connection
and factsheet and reads only its own order and instantActions; the server reads every
vehicle's reports and writes every vehicle's order and instantActions; nobody else gets in.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fleet_protocol.topics import MASTER_SUBSCRIBES, VEHICLE_SUBSCRIBES, topic, wildcard
from fleet_server.broker.texts import ACCOUNT_NAME_RULE

CONF_FILE = "mosquitto.conf"
PASSWORD_FILE = "passwd"
ACL_FILE = "acl"
PID_FILE = "run/mosquitto.pid"
DATA_DIR = "data"
SERVER_ENV_FILE = "fleet-server.env"
DEFAULT_TLS_PORT = 8883
DEFAULT_MAX_PACKET_SIZE = 1024 * 1024
DEFAULT_SERVER_USERNAME = "fleet-server"
# The server's one connection carries every robot's reports.
MAX_QUEUED_MESSAGES = 100_000
# A user name the password and ACL files can hold: no ":" (it ends the name in the password
# file), no white space or "#" (the ACL file's separators and comments).
ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
GENERATED = "# Written by `fleet` from its database: edits are lost at the next add or revoke."


@dataclass(frozen=True)
class RobotAccess:
    """A robot account's topics: its user name (the serial number) and manufacturer."""

    username: str
    manufacturer: str


@dataclass(frozen=True)
class BrokerOptions:
    """What `fleet broker config` was asked for."""

    directory: Path
    certfile: Path
    keyfile: Path
    port: int = DEFAULT_TLS_PORT
    listen: str = "127.0.0.1"
    local_port: int | None = None
    max_packet_size: int = DEFAULT_MAX_PACKET_SIZE
    broker_user: str | None = None

    def path(self, name: str) -> Path:
        """A file of the configuration directory, as an absolute path."""
        return self.directory.resolve() / name


def check_account_name(name: str, what: str = "user name") -> str:
    """The name, or ValueError saying why Mosquitto's files cannot hold it."""
    if not ACCOUNT_NAME.match(name):
        raise ValueError(f"{what} {name!r} cannot be an MQTT account: {ACCOUNT_NAME_RULE}")
    return name


def _config_path(path: Path) -> str:
    text = str(path)
    if any(ch.isspace() for ch in text):
        raise ValueError(f"path {text!r} has white space, which mosquitto.conf cannot hold")
    return text


def mosquitto_conf(options: BrokerOptions) -> str:
    """mosquitto.conf: no anonymous access, a TLS listener, optionally a plain listener on
    127.0.0.1 (still with passwords), password and ACL files, a packet size limit."""
    path = options.path
    lines = [
        "# Mosquitto 2.0 configuration written by `fleet broker config`.",
        "# The password and ACL files are rewritten from the fleet's database on every robot",
        "# add or revoke, and the broker reloaded (SIGHUP to the pid in pid_file).",
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {_config_path(path(PASSWORD_FILE))}",
        f"acl_file {_config_path(path(ACL_FILE))}",
        f"pid_file {_config_path(path(PID_FILE))}",
    ]
    if options.broker_user:
        lines += ["# Started as root, the broker runs as this user.", f"user {options.broker_user}"]
    lines += [
        "# Retained connection and factsheet messages survive a broker restart.",
        "persistence true",
        f"persistence_location {_config_path(path(DATA_DIR))}/",
        "# A client announcing a larger MQTT packet (the whole packet, not only its payload)",
        "# is disconnected as soon as the packet's header arrives.",
        f"max_packet_size {options.max_packet_size}",
        f"max_queued_messages {MAX_QUEUED_MESSAGES}",
        "",
        "# Robots and the server on the network: TLS 1.2 or newer.",
        f"listener {options.port} {options.listen}",
        f"certfile {_config_path(options.certfile.resolve())}",
        f"keyfile {_config_path(options.keyfile.resolve())}",
        "tls_version tlsv1.2",
    ]
    if options.local_port is not None:
        lines += [
            "",
            "# Clients on this host only (the server beside the broker): no TLS, but the same",
            "# passwords and access rules.",
            f"listener {options.local_port} 127.0.0.1",
        ]
    return "\n".join(lines) + "\n"


def password_file(accounts: Iterable[tuple[str, str]]) -> str:
    """Mosquitto's password file: `username:$7$...` for each (user name, hash), by name."""
    lines = [GENERATED]
    for username, password_hash in sorted(accounts):
        check_account_name(username)
        if not password_hash.startswith("$7$") or any(ch.isspace() for ch in password_hash):
            raise ValueError(f"account {username!r} has no usable password hash")
        lines.append(f"{username}:{password_hash}")
    return "\n".join(lines) + "\n"


def acl_file(interface: str, server_username: str | None, robots: Iterable[RobotAccess]) -> str:
    """The ACL file: the server's rules, then each robot's own topics; all else is denied."""
    lines = [GENERATED, "# Anything not allowed below is denied."]
    if server_username is not None:
        lines += ["", f"user {check_account_name(server_username)}"]
        lines += [f"topic read {wildcard(interface, sub)}" for sub in MASTER_SUBSCRIBES]
        lines += [f"topic write {wildcard(interface, sub)}" for sub in VEHICLE_SUBSCRIBES]
    for robot in sorted(robots, key=lambda r: r.username):
        lines += ["", f"user {check_account_name(robot.username)}"]
        for access, subtopics in (("write", MASTER_SUBSCRIBES), ("read", VEHICLE_SUBSCRIBES)):
            lines += [
                f"topic {access} {topic(interface, robot.manufacturer, robot.username, sub)}"
                for sub in subtopics
            ]
    return "\n".join(lines) + "\n"


def server_env(
    *,
    url: str,
    ca_file: Path | None,
    config_dir: Path,
    interface: str,
    local_url: str | None = None,
) -> str:
    """The server's settings for this broker (its login included), as an environment file that
    both systemd's EnvironmentFile= and a shell's `set -a; . FILE` read."""
    lines = [
        "# The fleet server's login on the broker: keep this file secret (mode 0600).",
        f"FLEET_MQTT_URL={shlex.quote(url)}",
    ]
    if ca_file is not None:
        lines.append(f"FLEET_MQTT_CA_FILE={shlex.quote(str(ca_file.resolve()))}")
    lines += [
        f"FLEET_BROKER_CONFIG_DIR={shlex.quote(str(config_dir.resolve()))}",
        f"FLEET_INTERFACE={shlex.quote(interface)}",
    ]
    if local_url is not None:
        lines += [
            "# On the broker's own host the server may use the plain local listener instead",
            "# (then without FLEET_MQTT_CA_FILE):",
            f"# FLEET_MQTT_URL={shlex.quote(local_url)}",
        ]
    return "\n".join(lines) + "\n"
