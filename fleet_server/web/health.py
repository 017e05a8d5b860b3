"""GET /health: is the server up, is the broker connected, what has been ingested; and for a load
balancer or an orchestrator, GET /health/live (the process answers) and GET /health/ready (the
database answers and the broker is connected: 503 and what is not ready, otherwise)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import Engine

from fleet_server.web.deps import FleetDep

# A database that has not answered `SELECT 1` by then is not ready (polled every second or so).
READY_DATABASE_TIMEOUT_S = 2.0

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


class Liveness(BaseModel):
    """The process is up and its event loop answers."""

    status: str


class Readiness(BaseModel):
    """Whether the server can do its work: `ready`, or `not ready` with what is not."""

    status: str
    database: str  # "ok", or what went wrong
    broker: str  # "connected" or "disconnected"


@router.get("/health/live")
async def live() -> Liveness:
    """Liveness: answered by the event loop itself, with no I/O (public, for a load balancer)."""
    return Liveness(status="alive")


@router.get(
    "/health/ready",
    responses={503: {"model": Readiness, "description": "not ready: the body says what is not"}},
)
async def ready(fleet: FleetDep, response: Response) -> Readiness:
    """Readiness: the database answers `SELECT 1` within 2 s and the MQTT broker is connected;
    cheap enough to poll every second (public, for a load balancer)."""
    database = await _database_check(fleet.engine)
    broker = "connected" if fleet.gateway.connected.is_set() else "disconnected"
    ok = database == "ok" and broker == "connected"
    if not ok:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(status="ready" if ok else "not ready", database=database, broker=broker)


async def _database_check(engine: Engine) -> str:
    """'ok' if the database answers, else what went wrong (its class and first line)."""

    def select_one() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(select_one), READY_DATABASE_TIMEOUT_S)
    except asyncio.TimeoutError:
        return f"no answer within {READY_DATABASE_TIMEOUT_S:g} s"
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return "ok"
