"""Databases for server tests: a SQLite file, and a fresh PostgreSQL database where reachable.

Both come with the schema at head, as `fleet db upgrade` makes it: the revisions run once per test
process into a template, which each test's database copies (much faster than running them again).
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy.engine import Engine

from fleet_server.schema import open_database

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to test against: FLEET_TEST_POSTGRES_URL, or a local one if it answers.

    When FLEET_TEST_POSTGRES_URL is set (CI sets it), it is used even if unreachable, so that a
    broken database fails the run instead of skipping it.
    """
    configured = os.environ.get("FLEET_TEST_POSTGRES_URL")
    if configured:
        return configured
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_POSTGRES_URL
    except OSError:
        return None


def engine_at_head(url: str) -> Engine:
    """An engine on the database, brought to head first if it is not there (the server's path)."""
    return open_database(url, upgrade=True)


def upgraded(url: str) -> str:
    """The URL, its database brought to head."""
    engine_at_head(url).dispose()
    return url


@cache
def _sqlite_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fleet-test-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "fleet.db"
    # Disposing closes the last connection, which folds the write-ahead log into the file.
    upgraded(f"sqlite:///{path}")
    return path


def sqlite_database(path: Path) -> str:
    """A SQLite file at `path` with the schema at head; its URL."""
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


def _conninfo(admin_url: str) -> str:
    return admin_url.replace("postgresql+psycopg://", "postgresql://")


@cache
def _postgres_template(admin_url: str) -> str:
    import psycopg

    name = f"fleet_test_template_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_drop_postgres_database, admin_url, name)
    base, _, _ = admin_url.rpartition("/")
    upgraded(f"{base}/{name}")
    return name


def _drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_postgres_database(admin_url: str, *, empty: bool = False) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards; yields its SQLAlchemy URL.

    It holds the schema at head, or nothing at all with `empty`.
    """
    import psycopg

    name = f"fleet_test_{uuid.uuid4().hex[:12]}"
    base, _, _ = admin_url.rpartition("/")
    template = "" if empty else f' TEMPLATE "{_postgres_template(admin_url)}"'
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{template}')
    try:
        yield f"{base}/{name}"
    finally:
        _drop_postgres_database(admin_url, name)
