"""/robots: every robot's latest state; pre-registration."""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.api.deps import FleetDep
from fleet_server.models import RobotCreate, RobotPublic

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
