"""`fleet db`: the database schema's revisions (upgrade, current, revision), and opening the
configured database for any command with its schema checked."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from fleet_server.cli_support import command_group, fail, load_settings
from fleet_server.migrations.adoption import AdoptionRefused
from fleet_server.migrations.config import ALEMBIC_RUN, alembic_config, model_differences
from fleet_server.migrations.upgrade import SchemaNotCurrent, schema_state, upgrade_database
from fleet_server.schema import connect, open_configured_database, open_database
from fleet_server.settings import FleetSettings

db_app = command_group("The database schema's revisions (works on FLEET_DATABASE_URL directly).")


def opened_database(settings: FleetSettings) -> Engine:
    """The settings' database with its schema at head (upgraded if FLEET_DATABASE_AUTO_UPGRADE
    says so), or a message naming what to do and exit code 1."""
    try:
        return open_configured_database(settings)
    except (SchemaNotCurrent, AdoptionRefused) as exc:
        raise fail(str(exc), 1) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest revision (creates, adopts or upgrades it; safe to rerun)."""
    # An empty database gets the whole schema; one made before migrations (tables, no revision) is
    # checked against the first revision and stamped there; then the revisions it lacks are
    # applied, all in one transaction.
    engine = connect(load_settings().database_url)
    try:
        before, after = upgrade_database(engine, SQLModel.metadata)
    except (SchemaNotCurrent, AdoptionRefused) as exc:
        raise fail(str(exc), 1) from None
    finally:
        engine.dispose()
    if before.at_head:
        typer.echo(f"database already at revision {after.revision} (head)")
        return
    if before.unversioned:
        start = "adopted the database made before migrations"
    elif before.revision is None:
        start = "created the schema"
    else:
        start = f"upgraded from revision {before.revision}"
    typer.echo(f"{start}; now at revision {after.revision} (head)")


@db_app.command("current")
def db_current() -> None:
    """Say where the database stands: its revision and whether that is head (exit 1 if not)."""
    engine = connect(load_settings().database_url)
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    typer.echo(f"database {state.describe()}")
    if not state.at_head:
        raise typer.Exit(code=1)


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the revision changes.")],
    empty: Annotated[
        bool, typer.Option(help="An empty revision to write by hand (data moves, enum values).")
    ] = False,
) -> None:
    """For developers: write a revision for how the models differ from head (autogenerate)."""
    # The comparison runs against a scratch SQLite database brought to head; the file goes into
    # fleet_server/migrations/versions/, to be reviewed and committed with the models.
    with tempfile.TemporaryDirectory(prefix="fleet-revision-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'head.db'}", upgrade=True)
        try:
            with ALEMBIC_RUN, engine.begin() as connection:
                if not empty and not model_differences(connection, SQLModel.metadata):
                    raise fail("the models match head: no revision to write (--empty for one)")
                config = alembic_config(connection, SQLModel.metadata)
                script = command.revision(config, message=message, autogenerate=not empty)
        finally:
            engine.dispose()
    scripts = script if isinstance(script, list) else [script]
    for written in scripts:
        if written is not None:
            typer.echo(f"wrote {written.path}: review it, then commit it with the models")
