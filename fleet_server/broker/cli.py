"""`fleet broker`: the Mosquitto configuration and certificates, working on FLEET_DATABASE_URL
directly; and the database's MQTT accounts as the `fleet robot` commands (robot_cli) open them."""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from fleet_server.broker.accounts import MqttAccounts
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
from fleet_server.cli_support import command_group, fail, load_settings
from fleet_server.database_cli import opened_database
from fleet_server.errors import FleetError, Invalid

broker_app = command_group("The production Mosquitto broker: its configuration and certificates.")

BrokerUser = Annotated[
    str | None,
    typer.Option(
        help="System user the broker runs as (it must read its files). As root the default is "
        "mosquitto and the files are given to it; otherwise only you, and the broker runs as you.",
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
    engine = opened_database(settings)
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


@contextlib.contextmanager
def mqtt_accounts(config_dir: Path | None) -> Iterator[MqttAccounts]:
    """The MQTT accounts on FLEET_DATABASE_URL for a `fleet robot` command: the broker's
    configuration directory checked first, a FleetError a message and an exit code."""
    settings = load_settings()
    engine = opened_database(settings)
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
