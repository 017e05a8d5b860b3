"""Opening a database made before migrations: PostgreSQL enum types an older release created
gain our new members when it is adopted."""

from __future__ import annotations

import psycopg
import pytest
from sqlmodel import Session, select

from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.models.logbook import EntryKind, LogbookEntry
from fleet_server.migrations.upgrade import schema_state
from tests.databases import engine_at_head, fresh_postgres_database, postgres_admin_url
from tests.fleet_server.migrations.databases import make_as_before_migrations


def test_an_enum_type_made_by_an_older_version_gains_the_new_members() -> None:
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL reachable (set FLEET_TEST_POSTGRES_URL)")
    with fresh_postgres_database(admin, empty=True) as url:
        # The tables as the releases before migrations made them, with the logbook's kind type
        # as the version before unexpected orders created it (create_all left it as it was).
        make_as_before_migrations(url)
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute("ALTER TABLE logbookentry ALTER COLUMN kind TYPE text")
            connection.execute("DROP TYPE entrykind")
            connection.execute("CREATE TYPE entrykind AS ENUM ('INCIDENT', 'CHECKPOINT')")
            connection.execute(
                "ALTER TABLE logbookentry ALTER COLUMN kind TYPE entrykind USING kind::entrykind"
            )
        engine = engine_at_head(url)
        try:
            assert schema_state(engine).at_head
            logbook = Logbook(engine)
            logbook.append(
                EntryKind.UNEXPECTED_ORDER, site_id="square", actor="fleet", summary="x"
            )
            logbook.append(EntryKind.ANNOUNCEMENT, site_id="square", actor="dog-1", summary="y")
            with Session(engine) as session:
                kinds = [entry.kind for entry in session.exec(select(LogbookEntry))]
            assert kinds == [EntryKind.UNEXPECTED_ORDER, EntryKind.ANNOUNCEMENT]
            # A second start finds nothing to do.
            engine_at_head(url).dispose()
        finally:
            engine.dispose()
