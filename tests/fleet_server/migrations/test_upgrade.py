"""Upgrading keeps every record: a filled database from before migrations is adopted and brought
to head, then a further revision that copies a table (SQLite's batch mode) applies to it, with
every row and both hash chains (audit log, logbook) intact, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from fleet_server.migrations.adoption import AdoptionRefused, initial_revision
from fleet_server.migrations.config import MIGRATIONS_DIR, head_revision
from fleet_server.migrations.upgrade import SchemaNotCurrent, schema_state, upgrade_database
from fleet_server.schema import connect, open_configured_database, open_database
from fleet_server.settings import FleetSettings
from tests.fleet_server.migrations.databases import (
    all_rows,
    audit_chains_hold,
    columns,
    drop_revision_table,
    fill,
    make_as_before_migrations,
)

ROOT = Path(__file__).resolve().parents[3]
NEXT_REVISION = "0badc0ffee02"
# A revision after head: adds columns, and changes a column's type, which SQLite does by copying
# the whole table (batch mode), the step where rows could be lost.
NEXT_REVISION_SOURCE = '''"""a test's next revision: a review note on claims, robots' nicknames"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim") as batch_op:
        batch_op.add_column(
            sa.Column("review_note", sa.String(), nullable=False, server_default="none")
        )
        batch_op.alter_column("decision_reason", type_=sa.Text(), existing_nullable=True)
    with op.batch_alter_table("robot") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("robot") as batch_op:
        batch_op.drop_column("nickname")
    with op.batch_alter_table("claim") as batch_op:
        batch_op.drop_column("review_note")
'''


def _with_next_revision(folder: Path, *, failing: bool = False) -> Path:
    """A copy of the shipped revisions plus NEXT_REVISION on top of head; `failing`: one whose
    last step fails, after the table copy."""
    copy = folder / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = NEXT_REVISION_SOURCE.format(revision=NEXT_REVISION, down=head_revision())
    if failing:
        source = source.replace(
            'batch_op.add_column(sa.Column("nickname", sa.String(), nullable=True))',
            'batch_op.add_column(sa.Column("nickname", sa.String(), nullable=True))\n'
            '    op.execute("UPDATE claim SET no_such_column = 1")',
        )
    (copy / "versions" / f"29990101_{NEXT_REVISION}_next.py").write_text(source)
    return copy


def test_a_filled_database_from_before_migrations_upgrades_without_losing_a_row(
    empty_database: str, tmp_path: Path
) -> None:
    make_as_before_migrations(empty_database)
    # The services open the database the server's way, which adopts and upgrades it; taken back
    # to the initial revision without its history, it is what the release before migrations
    # leaves: its tables and rows.
    fill(empty_database)
    engine = connect(empty_database)
    try:
        drop_revision_table(engine)
        before = all_rows(engine)
        for table in ("robot", "mission", "incident", "voucher", "contract", "claim", "payout"):
            assert before[table], f"no {table} rows to carry over"
        assert before["clawbackcase"] and before["auditentry"] and before["logbookentry"]
        chains = audit_chains_hold(engine)
        assert schema_state(engine).unversioned

        was, now = upgrade_database(engine, SQLModel.metadata)

        assert was.unversioned and now.at_head and now.revision == head_revision()
        assert all_rows(engine, like=before) == before
        assert audit_chains_hold(engine) == chains

        # The next release's revision applies to the adopted database like to any other.
        next_release = _with_next_revision(tmp_path)
        was, now = upgrade_database(engine, SQLModel.metadata, next_release)
        assert (was.revision, now.revision) == (head_revision(), NEXT_REVISION)
        with engine.connect() as connection:
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert stamped == [(NEXT_REVISION,)]
        assert {"review_note"} <= columns(engine, "claim")
        assert {"nickname"} <= columns(engine, "robot")
        # The models' columns (the new ones are not in them) hold every row as before.
        assert all_rows(engine, like=before) == before
        with engine.connect() as connection:
            notes = connection.execute(text("SELECT review_note FROM claim")).scalars().all()
        assert notes == ["none"] * len(before["claim"])
        assert audit_chains_hold(engine) == chains
    finally:
        engine.dispose()


def test_a_revision_that_fails_half_way_leaves_the_database_as_it_was(
    tmp_path: Path, empty_database: str
) -> None:
    engine = connect(empty_database)
    try:
        upgrade_database(engine, SQLModel.metadata)
        fill(empty_database)
        before = all_rows(engine)
        claim_columns = columns(engine, "claim")
        chains = audit_chains_hold(engine)

        with pytest.raises(DBAPIError, match="no_such_column"):
            upgrade_database(engine, SQLModel.metadata, _with_next_revision(tmp_path, failing=True))

        assert schema_state(engine).revision == head_revision()
        assert columns(engine, "claim") == claim_columns
        assert "nickname" not in columns(engine, "robot")
        tables = inspect(engine).get_table_names()
        assert not [name for name in tables if name.startswith("_alembic_tmp")], tables
        assert all_rows(engine, like=before) == before
        assert audit_chains_hold(engine) == chains
    finally:
        engine.dispose()


def test_an_empty_database_is_created_at_head_and_a_second_upgrade_changes_nothing(
    empty_database: str,
) -> None:
    engine = connect(empty_database)
    try:
        state = schema_state(engine)
        assert state.revision is None and not state.unversioned and not state.at_head
        was, now = upgrade_database(engine, SQLModel.metadata)
        assert (was.revision, now.revision) == (None, head_revision())
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
        again_was, again_now = upgrade_database(engine, SQLModel.metadata)
        assert again_was.at_head and again_now.at_head
    finally:
        engine.dispose()


def test_tables_that_are_not_the_initial_schema_are_left_alone(empty_database: str) -> None:
    make_as_before_migrations(empty_database)
    engine = connect(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE robotday"))
            connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
        with pytest.raises(AdoptionRefused) as refused:
            upgrade_database(engine, SQLModel.metadata)
        assert "table robotday is missing" in str(refused.value)
        assert initial_revision() in str(refused.value)
        # Not stamped, nothing created: the operator's database is as it was.
        assert schema_state(engine).unversioned
        assert "robotday" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_without_auto_upgrade_a_database_behind_head_is_refused_naming_the_command(
    empty_database: str,
) -> None:
    # The default on PostgreSQL; on SQLite the setting turns it off.
    sqlite = empty_database.startswith("sqlite")
    settings = FleetSettings(
        database_url=empty_database, database_auto_upgrade=False if sqlite else None
    )
    assert not settings.upgrades_database
    with pytest.raises(SchemaNotCurrent) as refused:
        open_configured_database(settings)
    assert "fleet db upgrade" in str(refused.value)
    assert "empty" in str(refused.value)
    engine = connect(empty_database)
    try:
        assert schema_state(engine).revision is None
        upgrade_database(engine, SQLModel.metadata)
    finally:
        engine.dispose()
    open_configured_database(settings).dispose()
    # On by default for SQLite only.
    assert FleetSettings(database_url=empty_database).upgrades_database is sqlite


def test_threads_opening_an_empty_database_together_all_find_it_at_head(
    empty_database: str,
) -> None:
    # Alembic's module-level state lets one revision run at a time in a process: the others wait.
    with ThreadPoolExecutor(max_workers=3) as pool:
        engines = list(pool.map(lambda _: open_database(empty_database, upgrade=True), range(3)))
    try:
        for engine in engines:
            assert schema_state(engine).at_head
        with engines[0].connect() as connection:
            stamps = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert stamps == [(head_revision(),)]
    finally:
        for engine in engines:
            engine.dispose()


def test_server_processes_starting_together_upgrade_once(empty_database: str) -> None:
    # Separate processes, as servers are: they wait for each other in the database itself.
    program = (
        "import sys\n"
        "from fleet_server.schema import open_database\n"
        "open_database(sys.argv[1], upgrade=True).dispose()\n"
    )
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", program, empty_database],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for start in starts:
        _, errors = start.communicate(timeout=120)
        assert start.returncode == 0, errors
    engine = connect(empty_database)
    try:
        with engine.connect() as connection:
            stamps = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert stamps == [(head_revision(),)]
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_database_from_a_newer_release_is_neither_upgraded_nor_served(
    empty_database: str,
) -> None:
    engine = connect(empty_database)
    try:
        upgrade_database(engine, SQLModel.metadata)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'feedfacecafe'"))
        state = schema_state(engine)
        assert not state.known and not state.at_head
        for upgrade in (True, False):
            with pytest.raises(SchemaNotCurrent, match=r"feedfacecafe.*does not know"):
                open_database(empty_database, upgrade=upgrade)
        assert schema_state(engine).revision == "feedfacecafe"
    finally:
        engine.dispose()
