"""Databases for server tests: a SQLite file, and a fresh PostgreSQL database where reachable."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """Create an empty database for one test and drop it afterwards; yields its SQLAlchemy URL."""
    import psycopg

    name = f"fleet_test_{uuid.uuid4().hex[:12]}"
    base, _, _ = admin_url.rpartition("/")
    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
