"""`fleet robot`: robots and their MQTT logins, working on FLEET_DATABASE_URL directly; each change
rewrites the broker's password and ACL files and reloads it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, TextIO

import typer
from pydantic import ValidationError

from fleet_protocol.kinds import RobotKind
from fleet_server.broker.accounts import IssuedLogin, MqttAccounts
from fleet_server.broker.cli import mqtt_accounts
from fleet_server.broker.files import BrokerFilesError
from fleet_server.broker.models import BrokerUpdate
from fleet_server.cli_support import command_group, fail
from fleet_server.fleet.models.robot import RobotCreate

robot_app = command_group("Robots and their MQTT logins (works on FLEET_DATABASE_URL directly).")

ConfigDir = Annotated[
    Path | None,
    typer.Option(
        "--broker-config-dir",
        help="The broker configuration to rewrite and reload (default FLEET_BROKER_CONFIG_DIR).",
    ),
]
SaveCredentials = Annotated[
    Path | None,
    typer.Option(
        help="Append 'serial password' lines to this file (made mode 0600; fleet-sim "
        "--credentials reads it) instead of printing the passwords.",
    ),
]


def _open_credentials(path: Path) -> TextIO:
    """The credentials file opened to append, made 0600; exit 2 if others may read it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from None
    if os.fstat(fd).st_mode & 0o077:
        os.close(fd)
        raise fail(f"{path} may be read by others: chmod 600 it, or choose a new file")
    return os.fdopen(fd, "a", encoding="utf-8")


def _hand_out(logins: list[IssuedLogin], stream: TextIO | None, path: Path | None) -> None:
    """Save the passwords to the file, or print them (alone on stdout, one `serial password`
    line each, so that `> FILE` captures exactly the credentials)."""
    for login in logins:
        line = f"{login.username} {login.password}"
        if stream is not None:
            stream.write(line + "\n")
        else:
            typer.echo(line)
    if stream is not None:
        stream.close()
        typer.echo(f"passwords saved to {path}", err=True)
    else:
        typer.echo("copy the passwords now: they are not shown again", err=True)


def _sync(accounts: MqttAccounts, done: str) -> BrokerUpdate:
    try:
        update = accounts.sync_broker()
    except BrokerFilesError as exc:
        raise fail(f"{done}, but the broker was not updated: {exc}", 1) from None
    typer.echo(f"{done}; {update.note}", err=True)
    return update


@robot_app.command("add")
def robot_add(
    serials: Annotated[list[str], typer.Argument(metavar="SERIAL", help="Serial numbers.")],
    kind: Annotated[RobotKind, typer.Option(help="What the robots are.")],
    manufacturer: Annotated[str, typer.Option(help="Their manufacturer (a topic level).")],
    save_credentials: SaveCredentials = None,
    broker_config_dir: ConfigDir = None,
) -> None:
    """Register robots, each with an MQTT login (shown once).

    The user name is the serial number; the broker's files are rewritten and it is reloaded.
    """
    try:
        requests = [
            RobotCreate(serial_number=s, manufacturer=manufacturer, kind=kind) for s in serials
        ]
    except ValidationError as exc:
        error = exc.errors()[0]
        raise fail(f"{error['loc'][0]} {error['input']!r}: {error['msg']}") from None
    stream = _open_credentials(save_credentials) if save_credentials is not None else None
    with mqtt_accounts(broker_config_dir) as accounts:
        logins = accounts.add_robots(requests)
        _hand_out(logins, stream, save_credentials)
        _sync(accounts, f"{len(logins)} robot(s) registered")


@robot_app.command("rotate")
def robot_rotate(
    serial: Annotated[str, typer.Argument(metavar="SERIAL", help="The robot's serial number.")],
    save_credentials: SaveCredentials = None,
    broker_config_dir: ConfigDir = None,
) -> None:
    """Give a robot a new MQTT password (shown once).

    The old one stops working: a robot connected with it is disconnected.
    """
    stream = _open_credentials(save_credentials) if save_credentials is not None else None
    with mqtt_accounts(broker_config_dir) as accounts:
        login = accounts.issue(serial)
        _hand_out([login], stream, save_credentials)
        _sync(accounts, f"robot {serial} has a new password")


@robot_app.command("revoke")
def robot_revoke(
    serial: Annotated[str, typer.Argument(metavar="SERIAL", help="The robot's serial number.")],
    broker_config_dir: ConfigDir = None,
) -> None:
    """Revoke a robot's MQTT login: it cannot connect, and is disconnected if it is."""
    with mqtt_accounts(broker_config_dir) as accounts:
        accounts.revoke(serial)
        _sync(accounts, f"robot {serial}'s MQTT login revoked")


@robot_app.command("list")
def robot_list() -> None:
    """List the robots with their MQTT login's state (never a password)."""
    with mqtt_accounts(None) as accounts:
        for robot, account in accounts.robots():
            if account is None:
                login = "no MQTT login"
            elif account.revoked_at is not None:
                login = f"revoked {account.revoked_at:%Y-%m-%d %H:%M}"
            else:
                login = f"MQTT login since {account.created_at:%Y-%m-%d %H:%M}"
            registered = "registered" if robot.registered else "auto-added"
            typer.echo(
                f"{robot.serial_number:<20} {robot.manufacturer:<16} {robot.kind.value:<11} "
                f"{registered:<11} {login}"
            )
