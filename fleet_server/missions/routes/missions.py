"""/missions: create patrols, watch them, cancel, pause and resume."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status
from pydantic import BaseModel, Field

from fleet_protocol.base import utc_now
from fleet_server.fields import Id, Identifier
from fleet_server.fleet.models.telemetry import PlaybackPoint
from fleet_server.missions.models.choice import MissionDetail
from fleet_server.missions.models.mission import MissionPublic, MissionStatus
from fleet_server.missions.models.requests import MissionCreate
from fleet_server.schedules.models.template import FromTemplate
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/missions", tags=["missions"])
# A mission's track for playback: enough points for a day-long patrol at the telemetry's pace.
MISSION_TRACK_MAX_POINTS = 5000


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_mission(
    fleet: FleetDep, body: Annotated[MissionCreate | FromTemplate, Body()], _: FleetWriter
) -> MissionPublic:
    """Create a mission from a full definition (`kind` ...) or from a template (`template` plus
    `overrides`); without a robot the nearest capable idle one is chosen, or it queues (roles:
    admin, operator)."""
    if isinstance(body, FromTemplate):
        return MissionPublic.of(fleet.missions.create(fleet.templates.mission_request(body)))
    return MissionPublic.of(fleet.missions.create(body))


@router.get("")
async def list_missions(
    fleet: FleetDep,
    _: FleetReader,
    status: MissionStatus | None = None,
    robot: Identifier | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[MissionPublic]:
    """Missions, newest first (roles: admin, operator, viewer, auditor)."""
    return [MissionPublic.of(m) for m in fleet.missions.find(status, robot, limit)]


@router.get("/{mission_id}")
async def get_mission(mission_id: Id, fleet: FleetDep, _: FleetReader) -> MissionDetail:
    """One mission with its status and progress, and its assignments: the robot chosen, its
    predicted time and charge, and the runners-up with why they lost (roles: admin, operator,
    viewer, auditor)."""
    mission = fleet.missions.get(mission_id)
    return MissionDetail.of_records(mission, fleet.missions.assignments(mission_id))


class PriorityChange(BaseModel):
    """A new priority for a queued mission."""

    priority: int = Field(ge=0, le=1000)


@router.patch("/{mission_id}")
async def reprioritise_mission(
    mission_id: Id, change: PriorityChange, fleet: FleetDep, _: FleetWriter
) -> MissionPublic:
    """Change the priority of a queued mission; higher starts first (roles: admin, operator)."""
    return MissionPublic.of(fleet.missions.reprioritise(mission_id, change.priority))


@router.get(
    "/{mission_id}/coverage.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
async def mission_coverage_image(mission_id: Id, fleet: FleetDep, _: FleetReader) -> Response:
    """The coverage image of a cleaning mission: zone, planned lanes, what was cleaned (roles:
    admin, operator, viewer, auditor)."""
    return Response(fleet.missions.coverage_image(mission_id), media_type="image/png")


@router.get("/{mission_id}/track")
async def mission_track(
    mission_id: Id,
    fleet: FleetDep,
    _: FleetReader,
    points: int = Query(default=1000, ge=2, le=MISSION_TRACK_MAX_POINTS),
) -> list[PlaybackPoint]:
    """Where the mission's robots were while they ran it, from start to end (to now while it
    runs), oldest first: the downsampled telemetry, thinned evenly to at most `points`, for
    playing the mission back on the map; empty before it starts and once its telemetry is past
    retention (roles: admin, operator, viewer, auditor)."""
    mission = fleet.missions.get(mission_id)
    start = mission.started_at or mission.assigned_at
    if start is None:
        return []
    end = mission.finished_at or utc_now()
    samples = await asyncio.to_thread(
        fleet.robot_store.mission_track, mission_id, start, end, points
    )
    return [PlaybackPoint.of(sample) for sample in samples]


@router.post("/{mission_id}/cancel")
async def cancel_mission(mission_id: Id, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Cancel: sends cancelOrder; the mission ends when the robot confirms (roles: admin,
    operator)."""
    return MissionPublic.of(fleet.missions.cancel(mission_id))


@router.post("/{mission_id}/pause")
async def pause_mission(mission_id: Id, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Pause: sends startPause; the mission shows paused when the robot does (roles: admin,
    operator)."""
    return MissionPublic.of(fleet.missions.pause(mission_id))


@router.post("/{mission_id}/resume")
async def resume_mission(mission_id: Id, fleet: FleetDep, _: FleetWriter) -> MissionPublic:
    """Resume: sends stopPause; the mission shows running when the robot does (roles: admin,
    operator)."""
    return MissionPublic.of(fleet.missions.resume(mission_id))
