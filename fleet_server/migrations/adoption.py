"""Adopting a database made before migrations existed (by create_all): checked, then stamped.

Such a database has our tables but no alembic_version table. It is taken over only when its tables,
columns and indexes are exactly those the initial revision creates (built here on an in-memory
SQLite database, so the comparison stays right however the models change later); then it is
stamped at the initial revision, and later revisions apply to it as to any other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from sqlalchemy import Enum as SAEnum
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Connection

from fleet_server.migrations.config import (
    ALEMBIC_RUN,
    MIGRATIONS_DIR,
    alembic_config,
    script_directory,
)

TableShape = dict[str, tuple[frozenset[str], frozenset[str]]]


class AdoptionRefused(Exception):
    """The unversioned database is not the schema the initial revision describes."""


def initial_revision(location: Path = MIGRATIONS_DIR) -> str:
    """The first revision: the schema the releases before migrations made with create_all."""
    (base,) = script_directory(location).get_bases()
    return base


@cache
def initial_tables(location: Path = MIGRATIONS_DIR) -> TableShape:
    """Each table of the initial revision with its column names and index names."""
    engine = create_engine("sqlite://")
    with ALEMBIC_RUN, engine.connect() as connection:
        command.upgrade(alembic_config(connection, location=location), initial_revision(location))
        return _shape(connection, exclude={"alembic_version"})


def _shape(connection: Connection, exclude: set[str]) -> TableShape:
    inspector = inspect(connection)
    return {
        table: (
            frozenset(column["name"] for column in inspector.get_columns(table)),
            # PostgreSQL lists a unique constraint's own index too; only declared indexes count.
            frozenset(
                str(index["name"])
                for index in inspector.get_indexes(table)
                if "duplicates_constraint" not in index
            ),
        )
        for table in inspector.get_table_names()
        if table not in exclude
    }


def differences(connection: Connection, location: Path = MIGRATIONS_DIR) -> list[str]:
    """How the database's tables differ from the initial revision's (tables not ours are let be)."""
    expected = initial_tables(location)
    present = set(inspect(connection).get_table_names())
    found = _shape(connection, exclude=present - set(expected))
    problems = [f"table {name} is missing" for name in sorted(set(expected) - set(found))]
    for name in sorted(set(expected) & set(found)):
        (want_columns, want_indexes), (have_columns, have_indexes) = expected[name], found[name]
        for label, missing in (
            ("column", want_columns - have_columns),
            ("index", want_indexes - have_indexes),
        ):
            problems += [f"{name}: {label} {item} is missing" for item in sorted(missing)]
        for label, extra in (
            ("column", have_columns - want_columns),
            ("index", have_indexes - want_indexes),
        ):
            problems += [f"{name}: {label} {item} is not ours" for item in sorted(extra)]
    return problems


def has_initial_tables(connection: Connection, location: Path = MIGRATIONS_DIR) -> bool:
    """Whether any of the initial revision's tables is in the database."""
    return bool(set(inspect(connection).get_table_names()) & set(initial_tables(location)))


def adopt(connection: Connection, metadata: MetaData, location: Path = MIGRATIONS_DIR) -> None:
    """Check an unversioned database against the initial revision and stamp it there; commits.

    On PostgreSQL the enum types also get the members the models name that they lack, as every
    start of the releases before migrations did (create_all never changed an existing type).
    """
    problems = differences(connection, location)
    if problems:
        raise AdoptionRefused(
            "the database has tables but no migration history, and they are not the schema "
            f"revision {initial_revision(location)} describes, so it is left as it is: "
            + "; ".join(problems)
        )
    if connection.dialect.name == "postgresql":
        _add_missing_enum_members(connection, metadata)
    command.stamp(alembic_config(connection, location=location), initial_revision(location))
    connection.commit()


def _add_missing_enum_members(connection: Connection, metadata: MetaData) -> None:
    types = {
        column.type.name: column.type.enums
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, SAEnum) and column.type.native_enum and column.type.name
    }
    query = text(
        "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
    )
    have = {(row[0], row[1]) for row in connection.execute(query)}
    type_names = {name for name, _ in have}
    for name, values in types.items():
        if name not in type_names:
            continue
        for value in values:
            if (name, value) not in have:
                # DDL takes no bound parameters; names and values are our own enums'.
                quoted = value.replace("'", "''")
                connection.execute(text(f"ALTER TYPE \"{name}\" ADD VALUE '{quoted}'"))
