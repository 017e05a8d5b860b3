"""/robots: every robot's latest state; pre-registration."""

from __future__ import annotations

import asyncio
from datetime import date

from fastapi import APIRouter, status

from fleet_server.activity_store import ActivityStore
from fleet_server.api.deps import FleetDep
from fleet_server.errors import Invalid
from fleet_server.models import RobotCreate, RobotDayPublic, RobotPublic

router = APIRouter(prefix="/robots", tags=["robots"])


@router.get("")
async def list_robots(fleet: FleetDep, online: bool | None = None) -> list[RobotPublic]:
    """All robots (optionally only online or offline ones), by serial number."""
    return [RobotPublic.of(r) for r in fleet.registry.all() if online is None or r.online == online]


@router.get("/{robot_id}")
async def get_robot(robot_id: str, fleet: FleetDep) -> RobotPublic:
    """One robot by its id (its serial number)."""
    return RobotPublic.of(fleet.registry.get(robot_id))


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_robot(request: RobotCreate, fleet: FleetDep) -> RobotPublic:
    """Pre-register a robot before it first connects."""
    return RobotPublic.of(fleet.registry.register(request))


@router.get("/{robot_id}/activity")
async def robot_activity(
    robot_id: str, fleet: FleetDep, since: date | None = None, until: date | None = None
) -> list[RobotDayPublic]:
    """The robot's activity per day in its site's timezone, oldest first (both bounds included)."""
    fleet.registry.get(robot_id)
    if since is not None and until is not None and since > until:
        raise Invalid(f"since {since} is after until {until}", field="since")
    rows = await asyncio.to_thread(ActivityStore(fleet.store.engine).days, robot_id, since, until)
    return [RobotDayPublic.of(row) for row in rows]
