"""/robots: every robot's latest state; pre-registration; pausing, resuming and cancelling its
current mission."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter, Query, status

from fleet_protocol.base import utc_now
from fleet_server.activity_store import ActivityStore
from fleet_server.api.deps import FleetDep
from fleet_server.api.roles import ActivityReader, Admin, FleetReader, FleetWriter
from fleet_server.errors import Invalid
from fleet_server.fields import Day, Identifier
from fleet_server.models import MissionPublic, RobotCreate, RobotDayPublic, RobotPublic
from fleet_server.models.telemetry import TrackPoint

router = APIRouter(prefix="/robots", tags=["robots"])

# A day of track at most, and no more points than a map needs to draw it.
TRACK_MAX_MINUTES = 24 * 60
TRACK_MAX_POINTS = 2000


@router.get("")
async def list_robots(
    fleet: FleetDep, _: FleetReader, online: bool | None = None
) -> list[RobotPublic]:
    """All robots (optionally only online or offline ones), by serial number (roles: admin,
    operator, viewer, auditor)."""
    return [RobotPublic.of(r) for r in fleet.registry.all() if online is None or r.online == online]


@router.get("/{robot_id}")
async def get_robot(robot_id: Identifier, fleet: FleetDep, _: FleetReader) -> RobotPublic:
    """One robot by its id, its serial number (roles: admin, operator, viewer, auditor)."""
    return RobotPublic.of(fleet.registry.get(robot_id))


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_robot(request: RobotCreate, fleet: FleetDep, _: Admin) -> RobotPublic:
    """Pre-register a robot before it first connects (role: admin)."""
    return RobotPublic.of(fleet.registry.register(request))


@router.get("/{robot_id}/activity")
async def robot_activity(
    robot_id: Identifier,
    fleet: FleetDep,
    _: ActivityReader,
    since: Day | None = None,
    until: Day | None = None,
) -> list[RobotDayPublic]:
    """The robot's activity per day in its site's timezone, oldest first, both bounds included
    (roles: admin, operator, viewer, auditor, subsidy_officer)."""
    fleet.registry.get(robot_id)
    if since is not None and until is not None and since > until:
        raise Invalid(f"since {since} is after until {until}", field="since")
    rows = await asyncio.to_thread(ActivityStore(fleet.store.engine).days, robot_id, since, until)
    return [RobotDayPublic.of(row) for row in rows]


@router.get("/{robot_id}/track")
async def robot_track(
    robot_id: Identifier,
    fleet: FleetDep,
    _: FleetReader,
    minutes: int = Query(default=30, ge=1, le=TRACK_MAX_MINUTES),
) -> list[TrackPoint]:
    """Where the robot was over the last `minutes` (its downsampled telemetry, one point every
    FLEET_TELEMETRY_INTERVAL_S while it reports), oldest first (roles: admin, operator, viewer,
    auditor)."""
    fleet.registry.get(robot_id)
    since = utc_now() - timedelta(minutes=minutes)
    samples = await asyncio.to_thread(fleet.store.samples, robot_id, TRACK_MAX_POINTS, since)
    return [TrackPoint.of(sample) for sample in samples]


@router.post("/{robot_id}/pause")
async def pause_robot(robot_id: Identifier, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Pause the robot's current mission, as POST /missions/{id}/pause does; 409 if it has none
    (roles: admin, operator)."""
    return MissionPublic.of(fleet.missions.pause(fleet.missions.current_of(robot_id, "pause")))


@router.post("/{robot_id}/resume")
async def resume_robot(robot_id: Identifier, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Resume the robot's paused mission, as POST /missions/{id}/resume does; 409 if it has none
    (roles: admin, operator)."""
    return MissionPublic.of(fleet.missions.resume(fleet.missions.current_of(robot_id, "resume")))


@router.post("/{robot_id}/cancel")
async def cancel_robot(robot_id: Identifier, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Cancel the robot's current mission, as POST /missions/{id}/cancel does; 409 if it has
    none (roles: admin, operator)."""
    return MissionPublic.of(fleet.missions.cancel(fleet.missions.current_of(robot_id, "cancel")))
