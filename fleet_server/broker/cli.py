"""`fleet broker` (the Mosquitto configuration and certificates) and `fleet robot` (robots and
their broker logins), working on FLEET_DATABASE_URL directly."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from pydantic import ValidationError

from fleet_protocol.kinds import RobotKind
from fleet_server.broker.accounts import IssuedLogin, MqttAccounts
from fleet_server.broker.certs import CA_CERT, SERVER_CERT, SERVER_KEY, issue_certs
from fleet_server.broker.config import (
    CONF_FILE,
    DATA_DIR,
    DEFAULT_MAX_PACKET_SIZE,
    DEFAULT_SERVER_USERNAME,
    DEFAULT_TLS_PORT,
    PID_FILE,
    SERVER_ENV_FILE,
    BrokerOptions,
    mosquitto_conf,
    server_env,
)
from fleet_server.broker.files import (
    BrokerFilesError,
    FileOwner,
    broker_owner,
    check_config_dir,
    locked,
    make_dir,
    reload_broker,
    write_file,
)
from fleet_server.broker.models import BrokerUpdate
from fleet_server.cli_support import fail, load_settings
from fleet_server.errors import FleetError, Invalid
from fleet_server.fleet.models.robot import RobotCreate
from fleet_server.schema import make_engine

broker_app = typer.Typer(
    help="The production Mosquitto broker: its configuration and certificates.",
    no_args_is_help=True,
)
robot_app = typer.Typer(
    help="Robots and their MQTT logins (works on FLEET_DATABASE_URL directly).",
    no_args_is_help=True,
)

BrokerUser = Annotated[
    str | None,
    typer.Option(
        help="System user the broker runs as (it must read its files). As root the default is "
        "mosquitto and the files are given to it; otherwise only you, and the broker runs as you.",
    ),
]
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
PUBLIC_MODE = 0o644


def _owner(user: str | None) -> FileOwner:
    try:
        return broker_owner(user)
    except BrokerFilesError as exc:
        raise fail(str(exc)) from None


@broker_app.command("certs")
def broker_certs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write into.")],
    host: Annotated[
        list[str],
        typer.Option(help="A name or address clients reach the broker by; repeatable."),
    ],
    broker_user: BrokerUser = None,
) -> None:
    """Make a private CA and a broker certificate (for a test or a small site).

    Writes ca.crt (for the clients; ca.key is kept if DIR has one), server.crt and server.key.
    """
    owner = _owner(broker_user)
    try:
        make_dir(output, 0o755)
        issued = issue_certs(output, host, owner)
    except ValueError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}", 1) from None
    typer.echo(f"{'made a new CA' if issued.new_ca else 'used the CA'} in {issued.ca_cert}")
    typer.echo(f"wrote {issued.server_cert} and {issued.server_key} for {', '.join(issued.names)}")
    typer.echo(
        f"{issued.ca_key} signs certificates: keep it off the broker's host once you are done "
        f"(clients need only {issued.ca_cert.name})"
    )


def _existing(path: Path | None, default: Path, what: str, option: str) -> Path:
    chosen = path if path is not None else default
    if not chosen.is_file():
        hint = "" if path is not None else " (or run `fleet broker certs -o DIR --host NAME`)"
        raise fail(f"no {what} at {chosen}: give {option}{hint}")
    return chosen


def _check_readable(path: Path, owner: FileOwner) -> None:
    """Warn when the broker's user could not read the key (the broker would not start)."""
    info = path.stat()
    mode = info.st_mode
    readable = (
        (info.st_uid == owner.uid and mode & stat.S_IRUSR)
        or (info.st_gid == owner.gid and mode & stat.S_IRGRP)
        or mode & stat.S_IROTH
    )
    if not readable:
        typer.echo(
            f"fleet: warning: the broker runs as {owner.name} but cannot read {path}: "
            f"chown {owner.name} {path}",
            err=True,
        )


@broker_app.command("config")
def broker_config(
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write into.")],
    port: Annotated[int, typer.Option(min=1, max=65535, help="TLS port.")] = DEFAULT_TLS_PORT,
    listen: Annotated[str, typer.Option(help="Address the TLS listener binds.")] = "127.0.0.1",
    host: Annotated[
        str, typer.Option(help="Name the server uses to reach the broker (in its certificate).")
    ] = "localhost",
    certfile: Annotated[Path | None, typer.Option(help="Broker certificate (PEM).")] = None,
    keyfile: Annotated[Path | None, typer.Option(help="Broker private key (PEM).")] = None,
    cafile: Annotated[Path | None, typer.Option(help="CA that clients trust (PEM).")] = None,
    local_port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Also a plain listener on 127.0.0.1 (with logins)."),
    ] = None,
    max_packet_size: Annotated[
        int, typer.Option(min=1024, help="Largest MQTT packet a client may send, in bytes.")
    ] = DEFAULT_MAX_PACKET_SIZE,
    broker_user: BrokerUser = None,
    server_username: Annotated[
        str, typer.Option(help="The server's MQTT user name.")
    ] = DEFAULT_SERVER_USERNAME,
    new_server_password: Annotated[
        bool, typer.Option(help="Give the server's account a new password (and env file).")
    ] = False,
) -> None:
    """Write a production Mosquitto configuration into DIR.

    No anonymous access, a TLS listener, password and ACL files from the database, and the
    server's own login in DIR/fleet-server.env (mode 0600).
    """
    settings = load_settings()
    certs = output.resolve()
    if local_port == port:
        raise fail(f"--local-port {local_port} is the TLS port too")
    owner = _owner(broker_user)
    options = BrokerOptions(
        directory=output,
        certfile=_existing(certfile, certs / SERVER_CERT, "broker certificate", "--certfile"),
        keyfile=_existing(keyfile, certs / SERVER_KEY, "broker key", "--keyfile"),
        port=port,
        listen=listen,
        local_port=local_port,
        max_packet_size=max_packet_size,
        broker_user=owner.name,
    )
    ca_file: Path | None = cafile if cafile is not None else certs / CA_CERT
    if ca_file is not None and not ca_file.is_file():
        if cafile is not None:
            raise fail(f"no CA certificate at {cafile}")
        ca_file = None
    _check_readable(options.keyfile, owner)
    engine = make_engine(settings.database_url)
    accounts = MqttAccounts(engine, interface=settings.interface, broker_dir=output)
    try:
        conf = mosquitto_conf(options)
        login = accounts.server_login(server_username, renew=new_server_password)
        make_dir(output, 0o755)
        make_dir(output / DATA_DIR, 0o700, owner)
        make_dir(output / PID_FILE.rsplit("/", 1)[0], 0o755, owner)
        write_file(output / CONF_FILE, conf, mode=PUBLIC_MODE)
        with locked(output):
            accounts.write_broker_files(output, owner)
            reloaded, note = reload_broker(output)
    except (ValueError, FleetError) as exc:
        raise fail(exc.message if isinstance(exc, FleetError) else str(exc)) from None
    except BrokerFilesError as exc:
        raise fail(str(exc), 1) from None
    except OSError as exc:
        raise fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}", 1) from None
    finally:
        engine.dispose()
    env_path = output / SERVER_ENV_FILE
    if login is not None:
        url = f"mqtts://{login.username}:{login.password}@{host}:{port}"
        local = f"mqtt://{login.username}:{login.password}@127.0.0.1:{local_port}"
        text = server_env(
            url=url,
            ca_file=ca_file,
            config_dir=output,
            interface=settings.interface,
            local_url=local if local_port is not None else None,
        )
        write_file(env_path, text)
    typer.echo(f"wrote {CONF_FILE}, the password and ACL files in {output.resolve()}")
    typer.echo(f"start the broker: mosquitto -c {output.resolve() / CONF_FILE}")
    if login is not None:
        typer.echo(f"the server's MQTT login ({login.username}) is in {env_path} (mode 0600);")
        typer.echo(f"  start the server with it: set -a; . {env_path}; set +a; fleet serve")
    elif env_path.exists():
        typer.echo(f"the server's MQTT login is kept; it is in {env_path}")
    else:
        typer.echo(
            f"fleet: the server's MQTT account exists but {env_path} is missing: "
            "--new-server-password makes a new login",
            err=True,
        )
    if reloaded:
        typer.echo(f"{note}; listener changes need a restart")


# ---- fleet robot


@contextlib.contextmanager
def _mqtt_accounts(config_dir: Path | None) -> Iterator[MqttAccounts]:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    directory = config_dir if config_dir is not None else settings.broker_config_dir
    if directory is not None:
        try:
            check_config_dir(directory)  # before anything is changed
        except BrokerFilesError as exc:
            raise fail(str(exc)) from None
    try:
        yield MqttAccounts(engine, interface=settings.interface, broker_dir=directory)
    except FleetError as exc:
        raise fail(exc.message, code=2 if isinstance(exc, Invalid) else 1) from None
    finally:
        engine.dispose()


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
    with _mqtt_accounts(broker_config_dir) as accounts:
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
    with _mqtt_accounts(broker_config_dir) as accounts:
        login = accounts.issue(serial)
        _hand_out([login], stream, save_credentials)
        _sync(accounts, f"robot {serial} has a new password")


@robot_app.command("revoke")
def robot_revoke(
    serial: Annotated[str, typer.Argument(metavar="SERIAL", help="The robot's serial number.")],
    broker_config_dir: ConfigDir = None,
) -> None:
    """Revoke a robot's MQTT login: it cannot connect, and is disconnected if it is."""
    with _mqtt_accounts(broker_config_dir) as accounts:
        accounts.revoke(serial)
        _sync(accounts, f"robot {serial}'s MQTT login revoked")


@robot_app.command("list")
def robot_list() -> None:
    """List the robots with their MQTT login's state (never a password)."""
    with _mqtt_accounts(None) as accounts:
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
