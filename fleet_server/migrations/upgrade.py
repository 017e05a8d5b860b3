"""Where a database stands among the revisions, and bringing it to the newest (head)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, Engine

from fleet_server.migrations.adoption import adopt, has_initial_tables
from fleet_server.migrations.config import (
    ALEMBIC_RUN,
    MIGRATIONS_DIR,
    alembic_config,
    head_revision,
    script_directory,
)

log = logging.getLogger(__name__)

UPGRADE_COMMAND = "fleet db upgrade"
# How long a SQLite upgrader waits for another one's write lock.
UPGRADE_WAIT_MS = 15 * 60 * 1000
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
    # False: the database's revision is not among ours (a newer release's).
    known: bool

    @property
    def at_head(self) -> bool:
        return self.revision == self.head

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


def _state(connection: Connection, location: Path) -> SchemaState:
    revision = MigrationContext.configure(connection).get_current_revision()
    unversioned = revision is None and has_initial_tables(connection, location)
    return SchemaState(revision, head_revision(location), unversioned, _known(revision, location))


def _known(revision: str | None, location: Path) -> bool:
    if revision is None:
        return True
    try:
        return script_directory(location).get_revision(revision) is not None
    except CommandError:  # alembic's "Can't locate revision"
        return False


def schema_state(engine: Engine, location: Path = MIGRATIONS_DIR) -> SchemaState:
    """Where the database stands; reads only."""
    with engine.connect() as connection:
        return _state(connection, location)


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
    on SQLite the write transaction of _all_or_nothing does the same."""
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


@contextmanager
def _all_or_nothing(connection: Connection) -> Iterator[None]:
    """One transaction round every revision, committed at the end or rolled back whole.

    PostgreSQL's DDL is transactional as it is. Python's sqlite3 driver commits before each
    CREATE, DROP or ALTER unless it is told to leave transactions to us, which it is here, for
    this connection and this upgrade only: a revision that fails half-way (a table copied by batch
    mode, say) leaves the file as it was.
    """
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    driver = connection.connection.driver_connection
    saved = driver.isolation_level  # type: ignore[union-attr]
    timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    # A second upgrader waits for the first however long its table copies take.
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {UPGRADE_WAIT_MS}")
    connection.commit()
    driver.isolation_level = None  # type: ignore[union-attr]
    try:
        with connection.begin():
            # IMMEDIATE: take the write lock now, so a second upgrader waits here.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield
    finally:
        driver.isolation_level = saved  # type: ignore[union-attr]
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(timeout or 0)}")
        connection.commit()


def upgrade_database(
    engine: Engine, metadata: MetaData, location: Path = MIGRATIONS_DIR
) -> tuple[SchemaState, SchemaState]:
    """Bring the database to head: create an empty one, adopt one made by create_all, apply the
    revisions a versioned one lacks. The states before and after.

    `location`: the revisions to apply, this package's unless a test gives a copy.
    """
    with ALEMBIC_RUN, engine.connect() as connection, _one_upgrader(connection):
        before = _state(connection, location)
        connection.rollback()
        if not before.known:
            raise SchemaNotCurrent(f"the database is {before.describe()}: use that release")
        if before.unversioned:
            adopt(connection, metadata, location)
            log.info("database made before migrations adopted: tables checked, stamped")
        if not before.at_head:
            with _all_or_nothing(connection):
                config = alembic_config(connection, metadata, location)
                command.upgrade(config, "head")
        after = _state(connection, location)
        connection.rollback()
    if not before.at_head:
        start = before.revision or "nothing"
        log.info("database schema upgraded from %s to %s (head)", start, after.revision)
    return before, after
