"""/audit: the hash-chained log of every change to the voucher records, and its verification."""

from __future__ import annotations

from fastapi import APIRouter, Query

from fleet_server.audit.models.audit import AuditEntryPublic
from fleet_server.audit.models.chain import ChainCheck
from fleet_server.fields import Label, Moment
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import RecordReader

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
async def list_audit_entries(
    fleet: FleetDep,
    _: RecordReader,
    entity: Label | None = None,
    entity_id: Label | None = None,
    actor: Label | None = None,
    since: Moment | None = None,
    limit: int = Query(default=200, ge=1, le=5000),
) -> list[AuditEntryPublic]:
    """Entries newest first, by entity (programme, enterprise, institution) and its id, actor
    and time (roles: admin, subsidy_officer, auditor)."""
    entries = fleet.audit.find(
        entity=entity, entity_id=entity_id, actor=actor, since=since, limit=limit
    )
    return [AuditEntryPublic.of(e) for e in entries]


@router.get("/verify")
async def verify_audit_log(fleet: FleetDep, _: RecordReader) -> ChainCheck:
    """Walk the hash chain; names the first entry that was altered, removed or reordered
    (roles: admin, subsidy_officer, auditor)."""
    return fleet.audit.verify()
