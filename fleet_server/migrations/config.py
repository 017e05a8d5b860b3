"""Alembic's configuration, built in code: the revisions ship inside the package, no alembic.ini."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

# This folder: env.py, script.py.mako and versions/, wherever the package is installed.
MIGRATIONS_DIR = Path(__file__).resolve().parent
# Alembic runs a revision through module-level proxies (alembic.op, alembic.context): one run at a
# time in a process. Processes wait for each other in the database (see upgrade.py).
ALEMBIC_RUN = threading.RLock()


def alembic_config(
    connection: Connection | None = None,
    metadata: MetaData | None = None,
    location: Path = MIGRATIONS_DIR,
) -> Config:
    """A Config for the revisions in `location` (this package's unless a test gives a copy);
    env.py runs them on `connection`, and autogenerate compares the database with `metadata`
    (the models')."""
    config = Config()
    config.set_main_option("script_location", str(location))
    # New revision files sort by date: 20260101_<rev>_<slug>.py ('%%' escapes configparser's %).
    config.set_main_option(
        "file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"
    )
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata
    return config


@cache
def script_directory(location: Path = MIGRATIONS_DIR) -> ScriptDirectory:
    """The revisions (read once: they are part of the installed code)."""
    return ScriptDirectory.from_config(alembic_config(location=location))


def head_revision(location: Path = MIGRATIONS_DIR) -> str:
    """The newest revision, the one this release's models match."""
    head = script_directory(location).get_current_head()
    if head is None:
        raise RuntimeError(f"no revisions in {location / 'versions'}")
    return head


def model_differences(connection: Connection, metadata: MetaData) -> list[Any]:
    """What autogenerate would write to bring the database to the models (empty: they match)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))
