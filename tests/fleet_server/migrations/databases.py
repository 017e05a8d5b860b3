"""The migration tests' databases: one filled through the services as a release before migrations
left it, and every row of one to compare before and after."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from fleet_protocol.kinds import RobotKind
from fleet_server.audit.audit import AuditLog
from fleet_server.db import session_scope
from fleet_server.fleet.models.robot import Robot
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.migrations.adoption import initial_revision
from fleet_server.migrations.config import ALEMBIC_RUN, alembic_config
from fleet_server.missions.models.choice import MissionAssignmentRecord
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.store import MissionStore
from fleet_server.schema import connect
from tests.console.voucher_records import build_voucher_records

# Every table's rows, in key order: table name -> rows as {column: value}.
Rows = dict[str, list[dict[str, Any]]]


def make_as_before_migrations(url: str) -> None:
    """The schema as the releases before migrations made it (the initial revision's tables, which
    their create_all made), no alembic_version."""
    engine = connect(url)
    try:
        with ALEMBIC_RUN, engine.begin() as connection:
            command.upgrade(alembic_config(connection, SQLModel.metadata), initial_revision())
        drop_revision_table(engine)
    finally:
        engine.dispose()


def fill(url: str) -> None:
    """A programme's vouchers, contracts, claims, payouts and clawback cases with their audit
    chain (through the voucher services), missions with an assignment (the mission store),
    robots, an incident (rows as the server writes them) and the logbook's chain (the logbook)."""
    engine = connect(url)
    try:
        with session_scope(engine) as session:
            for serial, kind in (
                ("dog-01", RobotKind.PATROL_DOG),
                ("dog-02", RobotKind.PATROL_DOG),
                ("sweeper-01", RobotKind.SANITATION),
            ):
                session.add(Robot(serial_number=serial, manufacturer="云深处", kind=kind))
        build_voucher_records(url)
        missions = MissionStore(engine)
        done = missions.save_mission(
            Mission(
                site_id="longgang-demo",
                route=["hall-queue", "hall-desk-1"],
                status=MissionStatus.COMPLETED,
                robot="dog-01",
                definition={"steps": [{"node": "hall-queue", "actions": []}]},
                results={"hall-queue": {"reached": "2026-01-01T08:00:00+00:00"}},
            )
        )
        assert done.id is not None
        missions.save_assignment(
            MissionAssignmentRecord(
                mission_id=done.id, robot="dog-01", predicted_s=42.5, distance_m=40.0, method="x"
            )
        )
        missions.save_mission(Mission(site_id="longgang-demo", route=["hall-wait-w"], rounds=3))
        with session_scope(engine) as session:
            session.add(
                Robot(
                    serial_number="sweeper-09",
                    manufacturer="酷哇",
                    kind=RobotKind.SANITATION,
                    battery=87.5,
                    x=12.25,
                    y=-3.5,
                    errors=[{"errorType": "bumper", "errorLevel": "WARNING"}],
                    last_seen=datetime.now(timezone.utc),
                )
            )
            incident = Incident(
                type=IncidentType.LITTER,
                site_id="longgang-demo",
                x=300.0,
                y=500.0,
                node="hall-queue",
                source="camera-7",
                description="垃圾",
                reported_by="analytics",
                status=IncidentStatus.RESOLVED,
                robot="sweeper-09",
                evidence=["photo-1.jpg"],
                resolved_at=datetime.now(timezone.utc) + timedelta(minutes=5),
            )
            session.add(incident)
            session.flush()
            incident_id = incident.id
        logbook = Logbook(engine)
        logbook.append(
            EntryKind.INCIDENT,
            site_id="longgang-demo",
            actor="analytics",
            summary="litter reported",
            incident_id=incident_id,
        )
        logbook.append(EntryKind.CHECKPOINT, site_id="longgang-demo", actor="dog-01", summary="ok")
    finally:
        engine.dispose()


def all_rows(engine: Engine, like: Rows | None = None) -> Rows:
    """Every row of every table the models name, in the columns both the models and the database
    have; tables without rows are left out, so that tables a later revision adds (empty, or absent
    before it) compare equal. With `like`: only the columns its rows have, so rows read before a
    revision added columns compare with rows read after."""
    rows: Rows = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        present = set(inspector.get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in present:
                continue
            there = {column["name"] for column in inspector.get_columns(table.name)}
            wanted = [c for c in table.columns if c.name in there]
            if like is not None and like.get(table.name):
                wanted = [c for c in wanted if c.name in like[table.name][0]]
            keys = list(table.primary_key.columns)
            query = select(*wanted).order_by(*keys)
            found = [dict(row._mapping) for row in connection.execute(query)]
            if found:
                rows[table.name] = found
    return rows


def columns(engine: Engine, table: str) -> set[str]:
    """The names of a table's columns in the database."""
    with engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}


def audit_chains_hold(engine: Engine) -> tuple[int, int]:
    """The audit log's and the logbook's entry counts, both chains verified."""
    audit = AuditLog(engine).verify()
    logbook = Logbook(engine).verify()
    assert audit.ok, audit.problem
    assert logbook.ok, logbook.problem
    return audit.entries, logbook.entries


def drop_revision_table(engine: Engine) -> None:
    """Take the migration history away, as the releases before migrations left a database: back
    to the initial revision (later revisions' downgrades drop their tables), then no history."""
    with ALEMBIC_RUN, engine.begin() as connection:
        command.downgrade(alembic_config(connection), initial_revision())
        connection.execute(text("DROP TABLE alembic_version"))

