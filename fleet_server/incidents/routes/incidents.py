"""/incidents: reports from camera analytics and people, and what the fleet did about them."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from fleet_server.fields import Id, Identifier, Moment
from fleet_server.incidents.models.incident import (
    IncidentCreate,
    IncidentNote,
    IncidentPublic,
    IncidentStatus,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def report_incident(
    fleet: FleetDep, body: IncidentCreate, who: FleetWriter
) -> IncidentPublic:
    """Report an incident; integrations use an API key. The nearest capable robot is sent unless
    the incident repeats one visited within the cool-down (roles: admin, operator)."""
    return IncidentPublic.of(fleet.incidents.report(body, who.name))


@router.get("")
async def list_incidents(
    fleet: FleetDep,
    _: FleetReader,
    site: Identifier | None = None,
    status: IncidentStatus | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[IncidentPublic]:
    """Incidents newest first (roles: admin, operator, viewer, auditor)."""
    rows = fleet.incidents.store.list_incidents(
        site_id=site, status=status, since=since, until=until, limit=limit
    )
    return [IncidentPublic.of(i) for i in rows]


@router.get("/{incident_id}")
async def get_incident(incident_id: Id, fleet: FleetDep, _: FleetReader) -> IncidentPublic:
    """One incident with its timeline (roles: admin, operator, viewer, auditor)."""
    return IncidentPublic.of(fleet.incidents.get(incident_id))


@router.post("/{incident_id}/resolve")
async def resolve_incident(
    incident_id: Id, body: IncidentNote, fleet: FleetDep, who: FleetWriter
) -> IncidentPublic:
    """Close the incident, or confirm that one a robot answered is resolved; a robot still on its
    way is called off (roles: admin, operator)."""
    return IncidentPublic.of(fleet.incidents.resolve(incident_id, body.note, who.name))


@router.post("/{incident_id}/escalate")
async def escalate_incident(
    incident_id: Id, body: IncidentNote, fleet: FleetDep, who: FleetWriter
) -> IncidentPublic:
    """Hand the incident to people; a robot on its way is called off (roles: admin, operator)."""
    return IncidentPublic.of(fleet.incidents.escalate(incident_id, body.note, who.name))


@router.post("/{incident_id}/dispatch")
async def dispatch_incident(incident_id: Id, fleet: FleetDep, who: FleetWriter) -> IncidentPublic:
    """Send a robot to an incident a cool-down held, or again to one escalated or answered but
    not resolved (roles: admin, operator)."""
    return IncidentPublic.of(fleet.incidents.dispatch(incident_id, who.name))
