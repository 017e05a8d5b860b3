"""/schedules: missions that run again and again by a recurrence rule."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from fleet_server.fields import Id
from fleet_server.schedules.models.schedule import ScheduleCreate, SchedulePublic, ScheduleUpdate
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/schedules", tags=["schedules"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_schedule(
    request: ScheduleCreate, fleet: FleetDep, _: FleetWriter
) -> SchedulePublic:
    """Create a schedule; its mission and rule are checked, and a rule with no runs is refused
    (roles: admin, operator)."""
    return fleet.schedules.public(fleet.schedules.create(request))


@router.get("")
async def list_schedules(fleet: FleetDep, _: FleetReader) -> list[SchedulePublic]:
    """All schedules with their next runs (roles: admin, operator, viewer, auditor)."""
    return [fleet.schedules.public(s) for s in fleet.schedules.store.list_schedules()]


@router.get("/{schedule_id}")
async def get_schedule(schedule_id: Id, fleet: FleetDep, _: FleetReader) -> SchedulePublic:
    """One schedule with its next 10 runs in the site's timezone (roles: admin, operator, viewer,
    auditor)."""
    return fleet.schedules.public(fleet.schedules.get(schedule_id))


@router.patch("/{schedule_id}")
async def update_schedule(
    schedule_id: Id, change: ScheduleUpdate, fleet: FleetDep, _: FleetWriter
) -> SchedulePublic:
    """Rename, change the rule, or enable or disable a schedule (roles: admin, operator)."""
    return fleet.schedules.public(fleet.schedules.update(schedule_id, change))


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_schedule(schedule_id: Id, fleet: FleetDep, _: FleetWriter) -> Response:
    """Delete a schedule; the missions it created stay (roles: admin, operator)."""
    fleet.schedules.delete(schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
