"""create_app(settings): the FastAPI app; its lifespan owns the DB engine and the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from fleet_protocol.base import utc_now
from fleet_server.accounts.routes import apikeys, auth, users
from fleet_server.alerts import routes as alerts
from fleet_server.audit import routes as audit
from fleet_server.body_limit import BodyLimit
from fleet_server.console import install_console
from fleet_server.errors import install_error_handlers
from fleet_server.feed import routes as live
from fleet_server.fleet import routes as robots
from fleet_server.incidents.routes import incidents, logbook
from fleet_server.isolation import LoopFailures
from fleet_server.metrics import routes as metrics
from fleet_server.metrics.http import RequestMetrics
from fleet_server.missions.routes import fleet_control, missions
from fleet_server.reports import routes as reports
from fleet_server.request_ids import RequestIds
from fleet_server.schedules.routes import schedules, templates
from fleet_server.security_headers import SecurityHeaders
from fleet_server.settings import FleetSettings
from fleet_server.sites import routes as sites
from fleet_server.vouchers.routes import (
    claims,
    clawbacks,
    contracts,
    enterprises,
    exports,
    institutions,
    programmes,
    settlements,
    units,
    vouchers,
)
from fleet_server.web import health
from fleet_server.wiring import Fleet, build_fleet

log = logging.getLogger(__name__)

Starter = Callable[[], Coroutine[None, None, None]]

PRUNE_INTERVAL_S = 3600.0
VOUCHER_EXPIRY_INTERVAL_S = 3600.0
# The watch judges whole days; it runs more often than daily so that a server restarted
# within a day still runs it, and a repeated run opens nothing twice.
LOCK_IN_WATCH_INTERVAL_S = 6 * 3600.0


async def _every(
    seconds: float,
    work: Callable[[], Awaitable[object] | object],
    failures: LoopFailures,
    *,
    at_start: bool = False,
) -> None:
    """Run `work` every `seconds` (first at once if `at_start`); a failed run is recorded and
    the next one comes all the same."""
    name = getattr(work, "__qualname__", repr(work))
    if not at_start:
        await asyncio.sleep(seconds)
    while True:
        try:
            result = work()
            if asyncio.iscoroutine(result):
                await result
        except Exception as exc:
            # One failed run must not stop the loop; the next tick retries with fresh data.
            failures.record("periodic task", name, exc)
        await asyncio.sleep(seconds)


def _background_tasks(fleet: Fleet) -> list[Starter]:
    settings = fleet.settings
    failures = fleet.failures

    async def flush() -> None:
        await fleet.registry.flush()
        fleet.missions.flush()

    def check_robots() -> None:
        # Each check on its own: one that fails does not keep robots from timing out or
        # missions from being dispatched.
        steps = (
            fleet.registry.check_timeouts,
            fleet.missions.check_offline,
            fleet.incidents.check_overdue,
            # Robots become able to take queued work as they report (position, charge, ...).
            fleet.missions.dispatch,
            fleet.missions.charge_idle_robots,
        )
        for step in steps:
            try:
                step()
            except Exception as exc:
                failures.record("robot checks", step.__qualname__, exc)

    def prune() -> None:
        cutoff = utc_now() - timedelta(days=settings.telemetry_retention_days)
        removed = fleet.robot_store.prune_samples(cutoff)
        if removed:
            log.info("pruned %d telemetry samples older than %s", removed, cutoff.isoformat())

    def every(seconds: float, work: Callable[[], object], at_start: bool = False) -> Starter:
        return lambda: _every(seconds, work, failures, at_start=at_start)

    return [
        fleet.gateway.run,
        every(settings.flush_interval_s, flush),
        every(settings.live_interval_s, fleet.feed.publish),
        every(settings.offline_check_interval_s, check_robots),
        every(settings.schedule_check_interval_s, fleet.schedules.tick),
        # At start too: a server that was down for days must not keep what is past retention.
        every(PRUNE_INTERVAL_S, lambda: asyncio.to_thread(prune), at_start=True),
        # The service's clock decides what is due, so tests drive expiry with their own clock.
        every(VOUCHER_EXPIRY_INTERVAL_S, fleet.vouchers.expire_due),
        # In a thread: it reads every paid unit's days, which must not hold up ingest.
        every(LOCK_IN_WATCH_INTERVAL_S, lambda: asyncio.to_thread(fleet.clawbacks.watch)),
    ]


def create_app(settings: FleetSettings | None = None) -> FastAPI:
    """The fleet server application for these settings (read from FLEET_* when omitted)."""
    settings = settings or FleetSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        fleet = build_fleet(settings)
        app.state.fleet = fleet
        tasks = [asyncio.create_task(start()) for start in _background_tasks(fleet)]
        try:
            # The live feed's credential travels in its URL, which uvicorn logs.
            with live.credentials_hidden_from_logs():
                yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await fleet.registry.flush(final=True)
            fleet.missions.flush()
            fleet.engine.dispose()

    app = FastAPI(title="Robot fleet server", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    # The last added runs first: every answer, a 413 too, gets the security headers and the
    # request id, and every record logged while a request is handled names it.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    # A request's time includes the inner middleware, its status is the one sent.
    app.add_middleware(RequestMetrics)
    app.add_middleware(RequestIds)

    install_console(app)

    routers = (health, auth, users, apikeys, robots, sites, missions, schedules, templates, live)
    records = (programmes, enterprises, institutions, vouchers, contracts, units, claims)
    for module in (*routers, fleet_control, incidents, logbook, *records, settlements, clawbacks):
        app.include_router(module.router, prefix="/api/v1")
    for module in (exports, audit, alerts, reports):
        app.include_router(module.router, prefix="/api/v1")
    # Where Prometheus looks by default, beside the API rather than in it.
    app.include_router(metrics.router)
    return app
