"""/fleet: pause, resume or recall every robot at once, and the fleet-wide state."""

from __future__ import annotations

from fastapi import APIRouter

from fleet_server.missions.models.fleet_control import FleetControlChange, FleetControlPublic
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/fleet", tags=["fleet"])


@router.get("/control")
async def fleet_control_state(fleet: FleetDep, _: FleetReader) -> FleetControlPublic:
    """Whether the fleet is running, paused or recalled, since when, by whom, and the last
    fleet-wide action (roles: admin, operator, viewer, auditor)."""
    return fleet.fleet_control.state()


@router.post("/pause")
async def pause_fleet(fleet: FleetDep, caller: FleetWriter) -> FleetControlChange:
    """startPause to every online robot (their running missions pause); queued work waits until
    the fleet resumes. 409 if it is already paused. Written to the logbook (roles: admin,
    operator)."""
    return fleet.fleet_control.pause(caller.name)


@router.post("/resume")
async def resume_fleet(fleet: FleetDep, caller: FleetWriter) -> FleetControlChange:
    """stopPause to every online robot (paused missions resume) and dispatch goes on; ends a
    recall too. 409 if the fleet is running. Written to the logbook (roles: admin, operator)."""
    return fleet.fleet_control.resume(caller.name)


@router.post("/recall")
async def recall_fleet(fleet: FleetDep, caller: FleetWriter) -> FleetControlChange:
    """Stop the work under way (it re-queues to resume where it stopped) and send every robot
    to its nearest free charger (it waits, saying until about when, if none is free); other
    work waits until the fleet resumes. 409 if already recalled. Written to the logbook
    (roles: admin, operator)."""
    return fleet.fleet_control.recall(caller.name)
