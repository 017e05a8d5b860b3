"""Where a database stands among the revisions, and bringing it to the newest (head)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, Engine

from fleet_server.migrations.adoption import adopt, has_initial_tables
from fleet_server.migrations.config import alembic_config, head_revision, script_directory

UPGRADE_COMMAND = "fleet db upgrade"
# Any fixed number: PostgreSQL's advisory lock that lets one process at a time upgrade.
_PG_LOCK_KEY = 5050_0017


class SchemaNotCurrent(Exception):
    """The database is not at the revision this release's models need; the message says why
    and what to run."""


@dataclass(frozen=True)
class SchemaState:
    """A database's place among the revisions."""

    revision: str | None
    head: str
    # Our tables without a revision stamp: made by create_all before migrations, to be adopted.
    unversioned: bool

    @property
    def at_head(self) -> bool:
        return self.revision == self.head

    @property
    def known(self) -> bool:
        """Whether this release has the database's revision (not one from a newer release)."""
        return self.revision is None or script_directory().get_revision(self.revision) is not None

    def describe(self) -> str:
        """One line for `fleet db current` and for the refusal to start."""
        if self.at_head:
            return f"at revision {self.revision} (head)"
        if self.unversioned:
            return (
                "made before migrations (tables, no revision); "
                f"upgrading adopts it, then brings it to head {self.head}"
            )
        if self.revision is None:
            return f"empty (no revision); upgrading creates the schema at head {self.head}"
        if not self.known:
            return (
                f"at revision {self.revision}, which this release does not know "
                f"(a newer release's?); its head is {self.head}"
            )
        return f"at revision {self.revision}, behind head {self.head}"


def _state(connection: Connection) -> SchemaState:
    revision = MigrationContext.configure(connection).get_current_revision()
    unversioned = revision is None and has_initial_tables(connection)
    return SchemaState(revision=revision, head=head_revision(), unversioned=unversioned)


def schema_state(engine: Engine) -> SchemaState:
    """Where the database stands; reads only."""
    with engine.connect() as connection:
        return _state(connection)


def require_head(engine: Engine) -> SchemaState:
    """The state, if the database is at head; else SchemaNotCurrent naming the command to run."""
    state = schema_state(engine)
    if state.at_head:
        return state
    if not state.known:
        raise SchemaNotCurrent(f"the database is {state.describe()}: use that release")
    raise SchemaNotCurrent(
        f"the database is {state.describe()}: run `{UPGRADE_COMMAND}` with the same "
        "FLEET_DATABASE_URL (or set FLEET_DATABASE_AUTO_UPGRADE=true)"
    )


@contextmanager
def _one_upgrader(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, one process at a time upgrades (servers starting together wait their turn);
    SQLite's own write lock does the same for it."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        connection.commit()


def upgrade_database(engine: Engine, metadata: MetaData) -> tuple[SchemaState, SchemaState]:
    """Bring the database to head: create an empty one, adopt one made by create_all, apply the
    revisions a versioned one lacks. The states before and after."""
    with engine.connect() as connection, _one_upgrader(connection):
        before = _state(connection)
        connection.rollback()
        if not before.known:
            raise SchemaNotCurrent(f"the database is {before.describe()}: use that release")
        if before.unversioned:
            adopt(connection, metadata)
        if not before.at_head:
            # Every revision in one transaction where the database allows it (PostgreSQL).
            with connection.begin():
                command.upgrade(alembic_config(connection, metadata), "head")
        after = _state(connection)
        connection.rollback()
    return before, after
