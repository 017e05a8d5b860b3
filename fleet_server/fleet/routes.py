"""/robots: every robot's latest state; pre-registration; pausing, resuming and cancelling its
current mission."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fastapi import APIRouter, Query, Response, status

from fleet_protocol.base import utc_now
from fleet_server.broker.accounts import IssuedLogin
from fleet_server.broker.files import BrokerFilesError
from fleet_server.broker.models import (
    BrokerUpdate,
    CredentialsRevoked,
    RobotCredentials,
    RobotRegistered,
)
from fleet_server.errors import BrokerNotUpdated, Invalid
from fleet_server.fields import Day, Identifier, Moment
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.models.activity import RobotDayPublic
from fleet_server.fleet.models.robot import Robot, RobotCreate, RobotPublic
from fleet_server.fleet.models.telemetry import HistoryPoint, TrackPoint
from fleet_server.fleet.texts import (
    BROKER_NOT_UPDATED,
    LOGIN_REVOKED,
    PASSWORD_ISSUED,
    SINCE_AFTER_UNTIL,
    SINCE_NOT_BEFORE_UNTIL,
    SPAN_TOO_LONG,
)
from fleet_server.missions.models.mission import MissionPublic
from fleet_server.texts import Text
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import ActivityReader, Admin, FleetReader, FleetWriter
from fleet_server.wiring import Fleet

router = APIRouter(prefix="/robots", tags=["robots"])
log = logging.getLogger(__name__)
# An answer holding a password is kept by no cache.
NO_STORE = "no-store"

# A day of track at most, and no more points than a map needs to draw it.
TRACK_MAX_MINUTES = 24 * 60
TRACK_MAX_POINTS = 2000
# A robot's history: a week at most (the telemetry's default retention), a chart's worth of points.
HISTORY_MAX_SPAN = timedelta(days=7)
HISTORY_DEFAULT_SPAN = timedelta(hours=24)
HISTORY_MAX_POINTS = 1000


@router.get("")
async def list_robots(
    fleet: FleetDep, _: FleetReader, online: bool | None = None
) -> list[RobotPublic]:
    """All robots (optionally only online or offline ones), by serial number (roles: admin,
    operator, viewer, auditor)."""
    robots = fleet.registry.all()
    return [_with_energy(fleet, r) for r in robots if online is None or r.online == online]


@router.get("/{robot_id}")
async def get_robot(robot_id: Identifier, fleet: FleetDep, _: FleetReader) -> RobotPublic:
    """One robot by its id, its serial number, with its learned energy figures (roles: admin,
    operator, viewer, auditor)."""
    return _with_energy(fleet, fleet.registry.get(robot_id))


def _with_energy(fleet: Fleet, robot: Robot) -> RobotPublic:
    public = fleet.registry.public(robot)
    if fleet.registry.energy is not None:
        public.energy = fleet.registry.energy.public(robot)
    return public


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_robot(
    request: RobotCreate, response: Response, fleet: FleetDep, _: Admin
) -> RobotRegistered:
    """Register a robot before it first connects, with its MQTT login: the user name is the
    serial number, the password is in this answer only; the broker's files are rewritten and
    it is reloaded, and `credentials.broker` says how that went (role: admin)."""
    await asyncio.to_thread(fleet.mqtt_accounts.check_robot_name, request.serial_number)
    robot = fleet.registry.register(request)
    login = await asyncio.to_thread(fleet.mqtt_accounts.issue, robot.serial_number)
    try:
        broker = await asyncio.to_thread(fleet.mqtt_accounts.sync_broker)
    except BrokerFilesError as exc:
        # The robot exists and its password is valid once the broker is updated: show both.
        log.error("broker not updated after registering %s: %s", robot.serial_number, exc)
        broker = BrokerUpdate(files_written=False, reloaded=False, note=f"not updated: {exc}")
    public = fleet.registry.public(robot)
    response.headers["Cache-Control"] = NO_STORE
    return RobotRegistered(**public.model_dump(), credentials=_credentials(login, broker))


@router.post("/{robot_id}/credentials", status_code=status.HTTP_201_CREATED)
async def renew_credentials(
    robot_id: Identifier, response: Response, fleet: FleetDep, _: Admin
) -> RobotCredentials:
    """A new MQTT password for the robot, in this answer only; the old one stops working and a
    robot connected with it is disconnected. 502 if the broker could not be updated (then ask
    again) (role: admin)."""
    login = await asyncio.to_thread(fleet.mqtt_accounts.issue, robot_id)
    broker = await _sync(fleet, PASSWORD_ISSUED.of(robot=robot_id))
    response.headers["Cache-Control"] = NO_STORE
    return _credentials(login, broker)


@router.delete("/{robot_id}/credentials")
async def revoke_credentials(robot_id: Identifier, fleet: FleetDep, _: Admin) -> CredentialsRevoked:
    """Revoke the robot's MQTT login: it can no longer connect, and is disconnected if it is.
    Revoking again rewrites the broker's files again. 502 if the broker could not be updated
    (then ask again) (role: admin)."""
    account = await asyncio.to_thread(fleet.mqtt_accounts.revoke, robot_id)
    broker = await _sync(fleet, LOGIN_REVOKED.of(robot=robot_id))
    assert account.revoked_at is not None
    return CredentialsRevoked(
        mqtt_username=account.username, revoked_at=account.revoked_at, broker=broker
    )


def _credentials(login: IssuedLogin, broker: BrokerUpdate) -> RobotCredentials:
    return RobotCredentials(
        mqtt_username=login.username, mqtt_password=login.password, broker=broker
    )


async def _sync(fleet: Fleet, done: Text) -> BrokerUpdate:
    """Rewrite the broker's files; BrokerNotUpdated (502) saying what was stored and why the
    broker does not know yet."""
    try:
        return await asyncio.to_thread(fleet.mqtt_accounts.sync_broker)
    except BrokerFilesError as exc:
        log.error("%s, but the broker was not updated: %s", done, exc)
        raise BrokerNotUpdated(BROKER_NOT_UPDATED.of(done=done, problem=str(exc))) from None


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
        raise Invalid(SINCE_AFTER_UNTIL.of(since=str(since), until=str(until)), field="since")
    rows = await asyncio.to_thread(ActivityStore(fleet.engine).days, robot_id, since, until)
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
    samples = await asyncio.to_thread(fleet.robot_store.samples, robot_id, TRACK_MAX_POINTS, since)
    return [TrackPoint.of(sample) for sample in samples]


@router.get("/{robot_id}/history")
async def robot_history(
    robot_id: Identifier,
    fleet: FleetDep,
    _: FleetReader,
    since: Moment | None = None,
    until: Moment | None = None,
    points: int = Query(default=500, ge=2, le=HISTORY_MAX_POINTS),
) -> list[HistoryPoint]:
    """The robot's battery and activity (charging, working, idle) from `since` (default: 24 h
    before `until`) to `until` (default: now), at most 7 days, from its downsampled telemetry
    thinned evenly to at most `points`; gaps in time are times it did not report (roles: admin,
    operator, viewer, auditor)."""
    fleet.registry.get(robot_id)
    end = until or utc_now()
    start = since or end - HISTORY_DEFAULT_SPAN
    if start >= end:
        raise Invalid(
            SINCE_NOT_BEFORE_UNTIL.of(since=start.isoformat(), until=end.isoformat()),
            field="since",
        )
    if end - start > HISTORY_MAX_SPAN:
        raise Invalid(SPAN_TOO_LONG.of(), field="since")
    samples = await asyncio.to_thread(fleet.robot_store.history, robot_id, start, end, points)
    return [HistoryPoint.of(sample) for sample in samples]


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
