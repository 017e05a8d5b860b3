"""The database schema: every domain's tables, imported here so that create_all sees them all,
and the engine that opens a database (SQLite file by default, PostgreSQL by URL) with it created."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Enum as SAEnum
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

# Each module below defines tables; importing it registers them in SQLModel's metadata.
from fleet_server.accounts import models as account_tables
from fleet_server.audit.models import audit as audit_tables
from fleet_server.broker import models as broker_tables
from fleet_server.fleet.models import activity as activity_tables
from fleet_server.fleet.models import energy as energy_tables
from fleet_server.fleet.models import header as header_tables
from fleet_server.fleet.models import robot as robot_tables
from fleet_server.fleet.models import telemetry as telemetry_tables
from fleet_server.incidents.models import incident as incident_tables
from fleet_server.incidents.models import logbook as logbook_tables
from fleet_server.missions.models import choice as mission_choice_tables
from fleet_server.missions.models import mission as mission_tables
from fleet_server.schedules.models import schedule as schedule_tables
from fleet_server.schedules.models import template as template_tables
from fleet_server.vouchers.models import claim as claim_tables
from fleet_server.vouchers.models import clawback as clawback_tables
from fleet_server.vouchers.models import contract as contract_tables
from fleet_server.vouchers.models import party as party_tables
from fleet_server.vouchers.models import programme as programme_tables
from fleet_server.vouchers.models import settlement as settlement_tables
from fleet_server.vouchers.models import unit as unit_tables
from fleet_server.vouchers.models import voucher as voucher_tables

TABLE_MODULES = (
    account_tables,
    audit_tables,
    broker_tables,
    activity_tables,
    energy_tables,
    header_tables,
    robot_tables,
    telemetry_tables,
    incident_tables,
    logbook_tables,
    mission_tables,
    mission_choice_tables,
    schedule_tables,
    template_tables,
    claim_tables,
    clawback_tables,
    contract_tables,
    party_tables,
    programme_tables,
    settlement_tables,
    unit_tables,
    voucher_tables,
)


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
