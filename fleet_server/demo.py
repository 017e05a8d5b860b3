"""`fleet demo`: embedded broker, server on SQLite and a simulated fleet on the demo site."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from fleet_protocol.broker_url import redact_url
from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.models import Role
from fleet_server.app import create_app
from fleet_server.errors import Conflict
from fleet_server.log_output import uvicorn_log_config
from fleet_server.settings import FleetSettings
from fleet_server.sites.sites import load_site_file
from simulation.fleet import Fleet, FleetConfig

log = logging.getLogger(__name__)

DEMO_SITE = "longgang-demo"
DEMO_MQTT_PORT = 1883
EXAMPLE_ROUTE = ["street-sw", "street-se", "street-ne", "street-nw", "street-w1"]
DEMO_ADMIN = "admin"
DEMO_OPERATOR = "demo-operator"
EMBEDDED_NOTE = " (embedded, no logins: it listens on 127.0.0.1 only, never on a network)"
# Beside the metro exit on Longfu Road, a street-vending hot spot of the demo site.
EXAMPLE_INCIDENT = {
    "type": "street_vending",
    "site": DEMO_SITE,
    "location": {"x": 304, "y": 3},
    "source": "camera-0417",
    "description": "stall on the pavement at the metro exit",
}


@dataclass(frozen=True)
class DemoOptions:
    """How to run the demo."""

    host: str
    port: int
    per_kind: int
    speed_factor: float


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on the port."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port(preferred: int, host: str = "127.0.0.1") -> int:
    """The preferred port if it is free, else any free one."""
    if port_is_free(preferred, host):
        return preferred
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the demo stops everything in order itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def run_demo(options: DemoOptions, settings: FleetSettings) -> None:
    """Run everything until Ctrl-C, then stop the fleet, the server and the broker in order."""
    for noisy in ("amqtt", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    broker = None
    # The demo's robots are not registered: they are added as they first speak.
    settings = settings.model_copy(update={"auto_register": True})
    if "FLEET_MQTT_URL" not in os.environ:
        mqtt_port = free_port(DEMO_MQTT_PORT)
        # Imported here: with FLEET_MQTT_URL set the demo needs no amqtt at all.
        from fleet_server.demo_broker import start_embedded_broker

        broker = await start_embedded_broker(mqtt_port)
        settings = settings.model_copy(update={"mqtt_url": f"mqtt://127.0.0.1:{mqtt_port}"})
    http_port = free_port(options.port, options.host)
    site = load_site_file(settings.sites_dir / f"{DEMO_SITE}.yaml")
    app = create_app(settings)
    server = _EmbeddedServer(
        uvicorn.Config(
            app,
            host=options.host,
            port=http_port,
            log_level=settings.log_level,
            log_config=uvicorn_log_config(settings.log_format),
            access_log=False,
        )
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    server_task = asyncio.create_task(server.serve())
    fleet = None
    try:
        while not server.started:
            if server_task.done():
                return await server_task
            await asyncio.sleep(0.05)
        admin = await asyncio.to_thread(_admin_login, app.state.fleet.accounts)
        operator_key = await asyncio.to_thread(_operator_key, app.state.fleet.accounts)
        fleet = Fleet(
            FleetConfig(
                mqtt_url=settings.mqtt_url,
                site=site,
                robots=3 * options.per_kind,
                speed_factor=options.speed_factor,
            )
        )
        await fleet.start()
        _print_banner(
            options.host,
            http_port,
            settings.mqtt_url,
            fleet,
            broker is not None,
            admin,
            operator_key,
        )
        await asyncio.wait(
            [server_task, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
        )
        log.info("stopping the demo")
    finally:
        if fleet is not None:
            await fleet.stop()
        if not server_task.done():
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await server_task
        if broker is not None:
            await broker.shutdown()


def _admin_login(accounts: AccountService) -> str:
    """Create the demo's admin with a one-time password unless it exists; the banner's words."""
    password = secrets.token_urlsafe(12)
    try:
        accounts.add_user(DEMO_ADMIN, Role.ADMIN, password)
    except Conflict:
        return (
            f"user {DEMO_ADMIN} exists already; its password is unchanged "
            f"(forgotten? fleet user passwd {DEMO_ADMIN} --generate)"
        )
    return f"{DEMO_ADMIN} / {password}  (one-time password: shown only now)"


def _operator_key(accounts: AccountService) -> str:
    """A fresh operator API key for the banner's examples (earlier demo keys revoked)."""
    for earlier in accounts.list_api_keys():
        if earlier.name == DEMO_OPERATOR and earlier.revoked_at is None and earlier.id is not None:
            accounts.revoke_api_key(earlier.id)
    _, key = accounts.create_api_key(DEMO_OPERATOR, Role.OPERATOR)
    return key


def _print_banner(
    host: str,
    port: int,
    mqtt_url: str,
    fleet: Fleet,
    embedded: bool,
    admin: str,
    operator_key: str,
) -> None:
    base = f"http://{host}:{port}"
    robots = ", ".join(r.serial_number for r in fleet.robots)
    route = ", ".join(f'"{n}"' for n in EXAMPLE_ROUTE)
    body = f'{{"kind": "patrol", "site": "{DEMO_SITE}", "route": [{route}], "rounds": 2}}'
    key = f"-H 'X-API-Key: {operator_key}'"
    lines = [
        "",
        "Robot fleet demo is running (Ctrl-C stops it).",
        f"  Console:       {base}/  (log in with the admin login below)",
        f"  API and docs:  {base}/docs (Authorize with the admin login or the operator key)",
        f"  Admin login:   {admin}",
        f"  Operator key:  {operator_key}  (send it as X-API-Key; shown only now)",
        f"  MQTT broker:   {redact_url(mqtt_url)}{EMBEDDED_NOTE if embedded else ''}",
        f"  Simulated:     {robots} on site {DEMO_SITE}",
        "  The robots and the missions:",
        f"    curl {key} {base}/api/v1/robots",
        f"    curl {key} {base}/api/v1/missions",
        "  Send a patrol to the nearest idle robot:",
        f"    curl -X POST {base}/api/v1/missions {key} -H 'content-type: application/json' \\",
        f"      -d '{body}'",
        "  Report a street vendor (the nearest patrol dog goes, speaks, photographs):",
        f"    curl -X POST {base}/api/v1/incidents {key} \\",
        f"      -H 'content-type: application/json' -d '{json.dumps(EXAMPLE_INCIDENT)}'",
        "",
    ]
    # The banner is the command's output, not a log record.
    print("\n".join(lines), flush=True)
