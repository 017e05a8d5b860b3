"""/logbook: the append-only record of incidents, checkpoint visits and announcements."""

from __future__ import annotations

from fastapi import APIRouter, Query

from fleet_server.audit.models.chain import ChainCheck
from fleet_server.errors import Invalid
from fleet_server.fields import MAX_COORDINATE_M, Coordinate, Id, Identifier, Moment
from fleet_server.incidents.logbook import Place
from fleet_server.incidents.models.logbook import EntryKind, LogbookEntryPublic
from fleet_server.incidents.texts import PLACE_INCOMPLETE
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import LogbookReader

router = APIRouter(prefix="/logbook", tags=["logbook"])


@router.get("")
async def list_entries(
    fleet: FleetDep,
    _: LogbookReader,
    site: Identifier | None = None,
    kind: EntryKind | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    x: Coordinate | None = None,
    y: Coordinate | None = None,
    radius: float | None = Query(default=None, gt=0, le=2 * MAX_COORDINATE_M, allow_inf_nan=False),
    incident: Id | None = None,
    limit: int = Query(default=200, ge=1, le=5000),
) -> list[LogbookEntryPublic]:
    """Entries oldest first, by site, kind, time and place (x, y, radius in metres on the
    site's map), or incident (roles: admin, operator, auditor)."""
    given = [name for name, value in (("x", x), ("y", y), ("radius", radius)) if value is not None]
    if given and len(given) != 3:
        raise Invalid(PLACE_INCOMPLETE.of(), field=given[0])
    place = Place(x, y, radius) if x is not None and y is not None and radius else None
    entries = fleet.logbook.find(
        site_id=site,
        kind=kind,
        since=since,
        until=until,
        place=place,
        incident_id=incident,
        limit=limit,
    )
    return [LogbookEntryPublic.of(e) for e in entries]


@router.get("/verify")
async def verify_chain(fleet: FleetDep, _: LogbookReader) -> ChainCheck:
    """Walk the hash chain; names the first entry that was altered, removed or reordered (roles:
    admin, operator, auditor)."""
    return fleet.logbook.verify()
