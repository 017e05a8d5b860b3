"""GET /health: is the server up, is the broker connected, what has been ingested."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel

from fleet_server.web.deps import FleetDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The server's health and ingest counters."""

    status: str
    mqtt_connected: bool
    robots: int
    robots_online: int
    ingest: dict[str, int]
    # Refused MQTT messages by reason (their sum is ingest.rejected_messages).
    rejections: dict[str, int]
    # Items the server's loops set aside after a failure (missions, schedules ...), by loop.
    loop_failures: dict[str, int]
    # Failed logins (wrong name or password) and attempts refused while throttled, since start.
    logins: dict[str, int]


@router.get("/health")
async def health(fleet: FleetDep) -> Health:
    """Up, broker connection, robot counts and ingest counters (public, for monitoring)."""
    robots = fleet.registry.all()
    rejections = fleet.registry.rejections
    return Health(
        status="ok",
        mqtt_connected=fleet.gateway.connected.is_set(),
        robots=len(robots),
        robots_online=sum(r.online for r in robots),
        ingest=asdict(fleet.registry.stats) | {"rejected_messages": rejections.total},
        rejections=dict(rejections.by_reason),
        loop_failures=dict(fleet.failures.by_loop),
        logins=asdict(fleet.logins.stats),
    )
