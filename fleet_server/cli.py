"""The `fleet` command: run the server or the whole demo, manage users and API keys, export bags."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlmodel import Session

from fleet_protocol.logs import LOG_LEVELS
from fleet_protocol.site import SiteError
from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.models import Role
from fleet_server.app import create_app
from fleet_server.audit.audit import AuditLog
from fleet_server.broker.cli import broker_app
from fleet_server.broker.robot_cli import robot_app
from fleet_server.cli_support import command_group
from fleet_server.cli_support import fail as _fail
from fleet_server.cli_support import load_settings as _settings
from fleet_server.database_cli import db_app, opened_database
from fleet_server.errors import FleetError, Invalid
from fleet_server.log_output import start_logging, uvicorn_log_config
from fleet_server.schedules.templates import TemplateFileError, checked_template_files
from fleet_server.settings import FleetSettings
from fleet_server.sites.sites import SiteRegistry

app = command_group("Robot fleet server (VDA 5050 master control).")
user_app = command_group("Users who log in to the API (works on FLEET_DATABASE_URL directly).")
apikey_app = command_group("API keys for integrations (works on FLEET_DATABASE_URL directly).")
app.add_typer(user_app, name="user")
audit_app = command_group(
    "The audit log of voucher records (works on FLEET_DATABASE_URL directly)."
)
app.add_typer(apikey_app, name="apikey")
app.add_typer(audit_app, name="audit")
app.add_typer(broker_app, name="broker")
app.add_typer(robot_app, name="robot")
app.add_typer(db_app, name="db")


def _checked_settings(log_level: str | None) -> FleetSettings:
    """The settings, logging started as they (or `--log-level`) say, and the site files they
    point to checked; or a clear message and exit code 2."""
    settings = _settings()
    level = settings.log_level if log_level is None else log_level.lower()
    if level not in LOG_LEVELS:
        raise _fail(f"--log-level {log_level!r}: choose from {', '.join(LOG_LEVELS)}")
    settings = settings.model_copy(update={"log_level": level})
    start_logging(level, settings.log_format)
    try:
        sites = SiteRegistry.from_directory(settings.sites_dir)
        checked_template_files(settings.templates_dir, sites)
    except (SiteError, TemplateFileError) as exc:
        raise _fail(str(exc)) from None
    return settings


def _ready_database(settings: FleetSettings) -> None:
    """Upgrade the database before the server starts, or refuse to start (exit 1) with what to
    run, rather than fail inside the server's start-up."""
    opened_database(settings).dispose()


LOG_LEVEL_HELP = "debug, info, warning or error (default: FLEET_LOG_LEVEL, else info)."


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="HTTP port."),
    log_level: str | None = typer.Option(None, help=LOG_LEVEL_HELP),
) -> None:
    """Run the fleet server; configure it with FLEET_* environment variables."""
    settings = _checked_settings(log_level)
    _ready_database(settings)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level,
        log_config=uvicorn_log_config(settings.log_format),
    )


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address the server listens on."),
    port: int = typer.Option(8000, help="HTTP port (a free one is picked if it is taken)."),
    per_kind: int = typer.Option(2, help="Simulated robots of each kind."),
    speed_factor: float = typer.Option(1.0, help="Simulation speed (2 = twice real time)."),
    log_level: str | None = typer.Option(None, help=LOG_LEVEL_HELP),
) -> None:
    """Run broker, server and a simulated fleet on the demo site; Ctrl-C stops everything."""
    from fleet_server.demo import DemoOptions, run_demo

    settings = _checked_settings(log_level)
    _ready_database(settings)
    options = DemoOptions(host=host, port=port, per_kind=per_kind, speed_factor=speed_factor)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(options, settings))


@contextlib.contextmanager
def _accounts() -> Iterator[AccountService]:
    """The account service on the configured database; its errors end the command."""
    settings = _settings()
    engine = opened_database(settings)
    try:
        # The CLI issues no tokens, so the signing secret is never used.
        yield AccountService(engine, secrets.token_urlsafe(32), settings.token_ttl_s)
    except FleetError as exc:
        # A bad argument is a usage error (2); a clash with what is stored is a failure (1).
        raise _fail(exc.message, code=2 if isinstance(exc, Invalid) else 1) from None
    finally:
        engine.dispose()


def _read_password() -> str:
    """A new password: typed twice, hidden, at a terminal; else the first line of stdin."""
    if sys.stdin.isatty():
        password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise _fail("no password: give it on the first line of stdin")
    return password


ROLE_HELP = "One of: " + ", ".join(role.value for role in Role) + "."


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name (letters, digits, _ . -).")],
    role: Annotated[Role, typer.Option(help=ROLE_HELP)],
) -> None:
    """Add a user; the password is prompted for, or read from the first line of stdin."""
    password = _read_password()
    with _accounts() as accounts:
        accounts.add_user(name, role, password)
    typer.echo(f"user {name} added with role {role.value}")


@user_app.command("list")
def user_list() -> None:
    """List the users with their roles."""
    with _accounts() as accounts:
        for user in accounts.list_users():
            state = "  disabled" if user.disabled else ""
            typer.echo(f"{user.name:<24} {user.role.value:<16} {user.created_at:%Y-%m-%d}{state}")


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    generate: Annotated[
        bool, typer.Option("--generate", help="Make up a new password and print it.")
    ] = False,
) -> None:
    """Set a user's password: prompted for twice (or the first line of stdin), or generated."""
    password = None if generate else _read_password()
    with _accounts() as accounts:
        generated = accounts.set_password(name, password)
    if generated is not None:
        # The password alone on stdout, so a script can capture just that.
        typer.echo(generated)
    typer.echo(f"password of user {name} changed", err=generated is not None)


@user_app.command("remove")
def user_remove(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Remove a user; its tokens stop working at once."""
    with _accounts() as accounts:
        accounts.remove_user(name)
    typer.echo(f"user {name} removed")


@apikey_app.command("create")
def apikey_create(
    role: Annotated[Role, typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="Who uses the key (letters, digits, _ . -).")],
) -> None:
    """Create a key and print it; it is stored only as a hash and is never shown again."""
    with _accounts() as accounts:
        row, key = accounts.create_api_key(name, role)
    # The key alone on stdout, so `KEY=$(fleet apikey create ...)` captures just the key.
    typer.echo(key)
    typer.echo(
        f"API key {row.id} ({name}, role {role.value}) created; "
        "copy it now: it will not be shown again.",
        err=True,
    )


@apikey_app.command("list")
def apikey_list() -> None:
    """List the keys (never the keys themselves): id, first characters, name, role, state."""
    with _accounts() as accounts:
        for key in accounts.list_api_keys():
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            typer.echo(f"{key.id:>4}  {key.prefix}...  {key.name:<24} {key.role.value:<16} {state}")


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id.")],
) -> None:
    """Revoke a key: it stops working at once and stays listed as revoked."""
    with _accounts() as accounts:
        accounts.revoke_api_key(key_id)
    typer.echo(f"API key {key_id} revoked")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain; exit 1 naming the first broken entry if any was altered."""
    engine = opened_database(_settings())
    try:
        check = AuditLog(engine).verify()
    finally:
        engine.dispose()
    if not check.ok:
        raise _fail(
            f"audit log broken: {check.problem} ({check.entries} entries before it intact)", 1
        )
    typer.echo(f"audit log intact: {check.entries} entries")


@app.command("export-bag")
def export_bag(
    mission_id: Annotated[int, typer.Argument(metavar="MISSION_ID", help="The mission's id.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Bag directory to create (default: mission-<id>-bag here)."
        ),
    ] = None,
) -> None:
    """Write a mission's poses, battery and events to a ROS 2 bag (MCAP) for ros2 bag / Foxglove."""
    # rosbags loads every ROS distribution's types: only this command pays for it.
    from fleet_server.missions.bag_export import export_mission_bag

    path = output if output is not None else Path(f"mission-{mission_id}-bag")
    engine = opened_database(_settings())
    try:
        with Session(engine) as session:
            summary = export_mission_bag(session, mission_id, path)
    except FleetError as exc:
        raise _fail(exc.message) from None
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        engine.dispose()
    typer.echo(f"wrote {summary.path} (rosbag2, MCAP storage)")
    for topic in summary.topics:
        typer.echo(f"  {topic.topic:<32} {topic.msgtype:<32} {topic.count:>6}")
    if not summary.samples:
        typer.echo(f"mission {mission_id} has no telemetry samples: the bag holds its events only")


def main() -> None:
    """Console script entry point."""
    app()
