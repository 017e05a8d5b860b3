"""The audit log: every record change appends a chained entry in the same transaction, and an
altered row is named by verify, from the service and from `fleet audit verify`."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from fleet_server.audit.audit import AuditLog
from fleet_server.cli import app
from fleet_server.db import session_scope
from fleet_server.errors import Conflict
from fleet_server.vouchers.models.party import (
    Enterprise,
    EnterpriseCreate,
    EnterpriseUpdate,
    InstitutionCreate,
)
from fleet_server.vouchers.parties import EnterpriseService, InstitutionService
from fleet_server.vouchers.record_store import RecordStore
from tests.databases import engine_at_head

CODES = ["91350100M000100Y43", "91230184MA1BUFLT44", "92371000MA3MXH0E3W"]
T0 = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=timezone.utc)


def _services(engine: Engine, audit: AuditLog | None = None) -> tuple[AuditLog, EnterpriseService]:
    audit = audit or AuditLog(engine, clock=lambda: T0)
    return audit, EnterpriseService(RecordStore(engine, audit), clock=lambda: T0)


def _filled(engine: Engine) -> AuditLog:
    audit, enterprises = _services(engine)
    institutions = InstitutionService(enterprises.store, clock=lambda: T0)
    supplier = institutions.create(
        InstitutionCreate(name="深圳机器狗科技", uscc=CODES[2], registered_in_district=True),
        "officer-li",
    )
    first = enterprises.create(
        EnterpriseCreate(name="龙岗清洁服务有限公司", uscc=CODES[0], registered_in_district=True),
        "officer-li",
    )
    enterprises.create(
        EnterpriseCreate(name="坂田物业", uscc=CODES[1], registered_in_district=False),
        "officer-wang",
    )
    enterprises.update(
        first.id, EnterpriseUpdate(affiliated_institutions=[supplier.id]), "officer-wang"
    )
    return audit


def test_each_change_is_one_entry_with_before_and_after(engine: Engine) -> None:
    audit = _filled(engine)
    entries = audit.find()
    assert [e.action for e in entries] == [
        "enterprise.update",
        "enterprise.create",
        "enterprise.create",
        "institution.create",
    ]
    update = entries[0]
    assert update.actor == "officer-wang" and update.entity == "enterprise"
    assert update.before is not None and update.after is not None
    assert update.before["affiliated_institutions"] == []
    assert update.after["affiliated_institutions"] == [1]
    assert update.after["name"] == "龙岗清洁服务有限公司"
    assert update.time == T0.replace(microsecond=123000)
    assert entries[-1].before is None and entries[-1].after is not None
    assert [e.id for e in audit.find(actor="officer-li", entity="enterprise")] == [2]
    check = audit.verify()
    assert check.ok and check.entries == 4


def test_a_refused_change_writes_no_entry(engine: Engine) -> None:
    audit = _filled(engine)
    _, enterprises = _services(engine, audit)
    with pytest.raises(Conflict) as raised:
        enterprises.create(
            EnterpriseCreate(name="冒名", uscc=CODES[1], registered_in_district=True), "x"
        )
    assert raised.value.field == "uscc"
    assert len(audit.find()) == 4


def test_a_record_never_changes_without_its_entry(engine: Engine) -> None:
    def broken_clock() -> datetime:
        raise RuntimeError("clock failed while writing the audit entry")

    _, enterprises = _services(engine, AuditLog(engine, clock=broken_clock))
    with pytest.raises(RuntimeError):
        enterprises.create(
            EnterpriseCreate(name="无记录", uscc=CODES[0], registered_in_district=True), "x"
        )
    with Session(engine) as session:
        assert list(session.exec(select(Enterprise))) == []


def test_an_altered_row_is_named(engine: Engine) -> None:
    audit = _filled(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET actor = 'someone-else' WHERE id = 3"))
    check = audit.verify()
    assert not check.ok and check.first_broken == 3 and check.entries == 2
    assert check.problem == "entry 3 its content does not match its hash"


def test_an_altered_after_image_is_named(engine: Engine) -> None:
    audit = _filled(engine)
    after = "after" if engine.dialect.name == "sqlite" else "CAST(after AS TEXT)"
    forged = f"REPLACE({after}, 'true', 'false')"
    if engine.dialect.name != "sqlite":
        forged = f"CAST({forged} AS JSON)"
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE auditentry SET after = {forged} WHERE id = 2"))
    assert (
        audit.find(entity_id="1", entity="enterprise")[-1].after["registered_in_district"] is False
    )
    check = audit.verify()
    assert check.first_broken == 2 and check.entries == 1


def test_a_removed_row_is_named(engine: Engine) -> None:
    audit = _filled(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditentry WHERE id = 2"))
    check = audit.verify()
    assert check.first_broken == 3 and check.entries == 1
    assert check.problem == "entry 3 does not follow the entry before it"


def test_fleet_audit_verify(database_url: str, engine: Engine) -> None:
    _filled(engine)
    env = {"FLEET_DATABASE_URL": database_url}
    intact = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert intact.exit_code == 0, intact.output
    assert intact.stdout.strip() == "audit log intact: 4 entries"
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET action = 'nothing' WHERE id = 4"))
    broken = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert "entry 4 its content does not match its hash" in broken.stderr
    assert "audit log intact" not in broken.stdout


def test_entries_written_with_a_local_clock_still_verify(database_url: str) -> None:
    engine = engine_at_head(database_url)
    shanghai = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    log = AuditLog(engine, lambda: shanghai)
    with session_scope(engine) as session:
        log.append(
            session,
            actor="officer",
            action="x.create",
            entity="x",
            entity_id=1,
            before=None,
            after={"a": 1},
        )
    (entry,) = log.find()
    assert entry.time == datetime(2026, 3, 1, 1, 30, 15, 123000, tzinfo=timezone.utc)
    assert log.verify().ok
    engine.dispose()
