"""Database engine and sessions: SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Enum as SAEnum
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from fleet_server import models  # noqa: F401  (registers the tables)


def make_engine(url: str) -> Engine:
    """An engine for the URL, with the schema created."""
    if url.startswith("sqlite:"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    SQLModel.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        _add_new_enum_values(engine)
    return engine


def _add_new_enum_values(engine: Engine) -> None:
    """Give PostgreSQL's enum types the members added to our enums since they were created
    (create_all makes a type once and never changes it; a new member would fail every insert)."""
    types = {
        column.type.name: column.type.enums
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, SAEnum) and column.type.native_enum and column.type.name
    }
    existing = text(
        "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
    )
    with engine.begin() as connection:
        have = {(row[0], row[1]) for row in connection.execute(existing)}
        for name, values in types.items():
            for value in values:
                if (name, value) not in have:
                    # DDL takes no bound parameters; names and values are our own enums'.
                    quoted = value.replace("'", "''")
                    connection.execute(text(f"ALTER TYPE \"{name}\" ADD VALUE '{quoted}'"))


def _sqlite_pragmas(dbapi_connection: object, _: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets API reads proceed while the batch writer commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
