"""The database schema: every domain's tables, imported here so that the migrations (and their
autogenerate) see them all, and opening a database (SQLite file by default, PostgreSQL by URL)
with its schema at the newest revision."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

# Each module below defines tables; importing it registers them in SQLModel's metadata.
from fleet_server.accounts import models as account_tables
from fleet_server.alerts import models as alert_tables
from fleet_server.audit.models import audit as audit_tables
from fleet_server.broker import models as broker_tables
from fleet_server.fleet.models import activity as activity_tables
from fleet_server.fleet.models import energy as energy_tables
from fleet_server.fleet.models import header as header_tables
from fleet_server.fleet.models import robot as robot_tables
from fleet_server.fleet.models import telemetry as telemetry_tables
from fleet_server.incidents.models import incident as incident_tables
from fleet_server.incidents.models import logbook as logbook_tables
from fleet_server.migrations.upgrade import require_head, upgrade_database
from fleet_server.missions.models import choice as mission_choice_tables
from fleet_server.missions.models import mission as mission_tables
from fleet_server.schedules.models import schedule as schedule_tables
from fleet_server.schedules.models import template as template_tables
from fleet_server.settings import FleetSettings
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
    alert_tables,
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


def connect(url: str) -> Engine:
    """An engine for the URL; the schema is left as it is."""
    if url.startswith("sqlite:"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_database(url: str, *, upgrade: bool) -> Engine:
    """An engine on a database whose schema is at the newest revision.

    With `upgrade`, the database is brought there (created if empty, adopted if made by create_all
    before migrations); without, one not there is refused with SchemaNotCurrent, whose message
    names `fleet db upgrade`. AdoptionRefused: tables that are not ours to adopt.
    """
    engine = connect(url)
    try:
        if upgrade:
            upgrade_database(engine, SQLModel.metadata)
        else:
            require_head(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_configured_database(settings: FleetSettings) -> Engine:
    """The settings' database, brought to the newest revision if they say so, else required there
    (FLEET_DATABASE_AUTO_UPGRADE; see open_database)."""
    return open_database(settings.database_url, upgrade=settings.upgrades_database)


def _sqlite_pragmas(dbapi_connection: object, _: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets API reads proceed while the batch writer commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
