"""/alerts: the alert inbox, filtered and paged, and acknowledging one alert or many."""

from __future__ import annotations

from fastapi import APIRouter, Query

from fleet_server.alerts.models import (
    Acknowledged,
    AcknowledgeMany,
    AlertKind,
    AlertPage,
    AlertPublic,
)
from fleet_server.alerts.store import AlertFilter
from fleet_server.fields import Id, Label, Moment
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("")
async def list_alerts(
    fleet: FleetDep,
    _: FleetReader,
    kind: AlertKind | None = None,
    acknowledged: bool | None = None,
    robot: Label | None = None,
    incident: Id | None = None,
    since: Moment | None = None,
    offset: int = Query(default=0, ge=0, le=1_000_000),
    limit: int = Query(default=50, ge=1, le=500),
) -> AlertPage:
    """Alerts newest first (by when they last happened), by kind, acknowledged or not, robot,
    incident and since a time, a page at a time; `unacknowledged` counts every alert awaiting
    acknowledgement (roles: admin, operator, viewer, auditor)."""
    where = AlertFilter(
        kind=kind, acknowledged=acknowledged, robot=robot, incident_id=incident, since=since
    )
    alerts, total = fleet.alerts.page(where, offset, limit)
    return AlertPage(
        alerts=[AlertPublic.of(a) for a in alerts],
        total=total,
        offset=offset,
        limit=limit,
        unacknowledged=fleet.alerts.unacknowledged(),
    )


@router.post("/acknowledge")
async def acknowledge_alerts(
    body: AcknowledgeMany, fleet: FleetDep, who: FleetWriter
) -> Acknowledged:
    """Acknowledge these alerts, or every unacknowledged one with `all`; alerts acknowledged
    already keep who did it (roles: admin, operator)."""
    done, remaining = fleet.alerts.acknowledge_many(body, who.name)
    return Acknowledged(acknowledged=[AlertPublic.of(a) for a in done], unacknowledged=remaining)


@router.get("/{alert_id}")
async def get_alert(alert_id: Id, fleet: FleetDep, _: FleetReader) -> AlertPublic:
    """One alert (roles: admin, operator, viewer, auditor)."""
    return AlertPublic.of(fleet.alerts.get(alert_id))


@router.post("/{alert_id}/acknowledge")
async def acknowledge_alert(alert_id: Id, fleet: FleetDep, who: FleetWriter) -> AlertPublic:
    """Acknowledge an alert: who and when are kept, and every console is told; one acknowledged
    already stays as it was (roles: admin, operator)."""
    return AlertPublic.of(fleet.alerts.acknowledge(alert_id, who.name))
