"""For benchmarks over TLS with logins: Mosquitto configured by `fleet broker certs|config`,
robots registered with `fleet robot add`, and robots that each hold their own connection."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass
from pathlib import Path

import aiomqtt

from fleet_protocol.broker_url import parse_broker_url, tls_context
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic

# Robots connect this many at a time (TLS handshakes and logins are the broker's work).
CONNECTING_AT_ONCE = 20


@dataclass(frozen=True)
class SecureBroker:
    """A running broker with the files `fleet broker config` wrote."""

    url: str  # mqtts://localhost:port, no login
    process: subprocess.Popen[bytes]
    server_env: dict[str, str]  # the server's settings from fleet-server.env
    logins: dict[str, str]  # serial number -> password
    ca_file: Path


def _fleet(database_url: str, *args: object) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "fleet_server", *(str(a) for a in args)],
        env={**os.environ, "FLEET_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"fleet {' '.join(map(str, args[:2]))} failed: {done.stderr.strip()}")
    return done.stdout


def start_secure_broker(
    stack: ExitStack,
    folder: Path,
    database_url: str,
    port: int,
    serials: list[str],
    manufacturer: str,
    wait_port: Callable[[int], None],
) -> SecureBroker:
    """Certificates, the robots registered with their logins, the configuration, and the
    broker started on it (the folder is opened to the broker's user, which runs it as root)."""
    folder.chmod(0o755)
    config = folder / "broker"
    credentials = folder / "robots.txt"
    _fleet(database_url, "broker", "certs", "-o", config, "--host", "localhost")
    _fleet(
        database_url, "robot", "add", *serials, "--kind", "other",
        "--manufacturer", manufacturer, "--save-credentials", credentials,
    )  # fmt: skip
    _fleet(database_url, "broker", "config", "-o", config, "--port", port)
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    log = (folder / "mosquitto.log").open("w")
    process = subprocess.Popen(
        [binary, "-c", str(config / "mosquitto.conf")], stdout=log, stderr=subprocess.STDOUT
    )
    stack.callback(process.wait)
    stack.callback(process.terminate)
    wait_port(port)
    server_env = {}
    for line in (config / "fleet-server.env").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            server_env[name] = shlex.split(value)[0]
    logins = dict(line.split() for line in credentials.read_text().splitlines())
    url = f"mqtts://localhost:{port}"
    return SecureBroker(url, process, server_env, logins, config / "ca.crt")


class RobotConnections:
    """N robots, each with its own MQTT connection (with its login, over TLS, when given), as
    real robots connect; the connections live on an event loop in a background thread."""

    def __init__(
        self,
        mqtt_url: str,
        serials: list[str],
        manufacturer: str,
        payload: Callable[[Subtopic, str, int, float, float], bytes],
        logins: dict[str, str] | None = None,
        ca_file: Path | None = None,
    ) -> None:
        self.serials = serials
        self.topics = {
            subtopic: [topic(DEFAULT_INTERFACE, manufacturer, s, subtopic) for s in serials]
            for subtopic in (Subtopic.STATE, Subtopic.VISUALIZATION)
        }
        self.sent_at: dict[tuple[int, int], float] = {}
        self.sent = 0
        # The robot that sent last (robots send in turn, 0 first).
        self.last_sent = -1
        self._payload = payload
        self._address = parse_broker_url(mqtt_url)
        self._logins = logins
        self._tls = tls_context(ca_file) if self._address.tls else None
        self._stack = AsyncExitStack()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        connecting = asyncio.run_coroutine_threadsafe(self._connect_all(), self._loop)
        self._clients = connecting.result(timeout=600)

    async def _connect_all(self) -> list[aiomqtt.Client]:
        gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

        async def one(serial: str) -> aiomqtt.Client:
            password = self._logins[serial] if self._logins is not None else None
            client = aiomqtt.Client(
                self._address.host,
                self._address.port,
                username=serial if self._logins is not None else None,
                password=password,
                identifier=f"bench.{serial}",
                keepalive=60,
                tls_context=self._tls,
                timeout=60,
            )
            async with gate:
                return await self._stack.enter_async_context(client)

        return list(await asyncio.gather(*(one(serial) for serial in self.serials)))

    def publish(self, index: int, seq: int, subtopic: Subtopic = Subtopic.STATE) -> None:
        """Robot `index` sends its state or visualization number `seq` (its x is the number)."""
        payload = self._payload(subtopic, self.serials[index], seq, float(seq), float(index))
        self.sent_at.setdefault((index, seq), time.monotonic())
        coroutine = self._clients[index].publish(self.topics[subtopic][index], payload, qos=0)
        asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        self.sent += 1
        self.last_sent = index

    def close(self) -> None:
        """Disconnect every robot and stop the loop."""
        asyncio.run_coroutine_threadsafe(self._stack.aclose(), self._loop).result(120)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
