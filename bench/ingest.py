"""Ingest benchmark: N lightweight robots send state at R Hz through a real broker to the server.

Prints messages/s ingested, messages lost, and p50/p99 latency from publish to visible in
GET /api/v1/robots. By default it starts its own Mosquitto (on a free port) and its own
`fleet serve` (SQLite in a temporary folder, with a viewer's API key made by `fleet apikey
create`); point it at running ones with --mqtt, and --server with --api-key.

    python -m bench.ingest --robots 100 --rate 1 --duration 30
    python -m bench.ingest --robots 1000 --rate 1 --duration 30
    python -m bench.ingest --robots 1000 --rate 1 --duration 30 --security both

`--security tls` measures the production setup instead: a Mosquitto configured by `fleet broker
certs|config`, the robots registered with `fleet robot add`, each robot on its own TLS
connection with its own login, the server with the login `fleet broker config` made;
`--security both` runs plain MQTT and then TLS with the same robots, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bench.secure_broker import RobotConnections, start_secure_broker
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic

MANUFACTURER = "BenchWorks"
ROBOTS_PER_CONNECTION = 100
POLL_INTERVAL_S = 0.02


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def start_mosquitto(stack: ExitStack, folder: Path) -> str:
    """An anonymous Mosquitto on a free port; its URL."""
    return start_mosquitto_process(stack, folder)[0]


def start_mosquitto_process(stack: ExitStack, folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    config = folder / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    stack.callback(process.terminate)
    wait_port(port)
    return f"mqtt://127.0.0.1:{port}", process


def create_api_key(database_url: str, role: str) -> str:
    """A key made with `fleet apikey create` on the benchmark server's database."""
    fleet = [sys.executable, "-m", "fleet_server"]
    done = subprocess.run(
        [*fleet, "apikey", "create", "--role", role, "--name", "bench"],
        env={**os.environ, "FLEET_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"fleet apikey create failed: {done.stderr.strip()}")
    return done.stdout.strip()


def start_server(
    stack: ExitStack, folder: Path, database_url: str, settings: dict[str, str]
) -> tuple[str, str, subprocess.Popen[bytes]]:
    """`fleet serve` on the database with these FLEET_* settings: its URL, a viewer's API key
    for it, and its process."""
    key = create_api_key(database_url, "viewer")
    port = free_port()
    env = {
        **os.environ,
        "FLEET_DATABASE_URL": database_url,
        "FLEET_OFFLINE_TIMEOUT_S": "60",
        **settings,
    }
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleet_server",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stack.callback(process.terminate)
    wait_port(port)
    return f"http://127.0.0.1:{port}", key, process


def state_payload(serial: str, header_id: int, x: float, y: float) -> bytes:
    """A complete, schema-valid idle VDA 5050 state; x carries the sequence number."""
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return json.dumps(
        {
            "headerId": header_id,
            "timestamp": stamp,
            "version": "2.1.0",
            "manufacturer": MANUFACTURER,
            "serialNumber": serial,
            "orderId": "",
            "orderUpdateId": 0,
            "lastNodeId": "",
            "lastNodeSequenceId": 0,
            "driving": False,
            "paused": False,
            "operatingMode": "AUTOMATIC",
            "nodeStates": [],
            "edgeStates": [],
            "actionStates": [],
            "errors": [],
            "safetyState": {"eStop": "NONE", "fieldViolation": False},
            "batteryState": {"batteryCharge": 80.0, "charging": False},
            "agvPosition": {
                "x": x,
                "y": y,
                "theta": 0.0,
                "mapId": "bench",
                "positionInitialized": True,
            },
        }
    ).encode()


class Publishers:
    """N robots over a few MQTT connections, each robot sending state at the given rate."""

    def __init__(self, mqtt_url: str, robots: int) -> None:
        address = parse_broker_url(mqtt_url)
        self.serials = [f"bench-{i:05d}" for i in range(robots)]
        self.topics = [
            topic(DEFAULT_INTERFACE, MANUFACTURER, s, Subtopic.STATE) for s in self.serials
        ]
        self.clients: list[mqtt.Client] = []
        for start in range(0, robots, ROBOTS_PER_CONNECTION):
            client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{start}")
            client.max_queued_messages_set(0)
            client.connect(address.host, address.port)
            client.loop_start()
            self.clients.append(client)
        self.sent_at: dict[tuple[int, int], float] = {}
        self.sent = 0

    def publish(self, index: int, seq: int) -> None:
        client = self.clients[index // ROBOTS_PER_CONNECTION]
        payload = state_payload(self.serials[index], seq, float(seq), float(index))
        self.sent_at[(index, seq)] = time.monotonic()
        client.publish(self.topics[index], payload, qos=0)
        self.sent += 1

    def close(self) -> None:
        for client in self.clients:
            client.loop_stop()
            client.disconnect()


def ingested(http: httpx.Client) -> int:
    return int(http.get("/api/v1/health").json()["ingest"]["state_messages"])


def visible(http: httpx.Client) -> dict[str, float]:
    """serial → x of every bench robot as GET /robots shows it."""
    robots = http.get("/api/v1/robots").json()
    return {
        r["serial_number"]: r["position"]["x"]
        for r in robots
        if r["manufacturer"] == MANUFACTURER and r["position"]
    }


@dataclass
class Figures:
    """What one run measured."""

    label: str
    sent: int = 0
    ingested: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    broker_cpu: float | None = None  # share of one core over the window
    server_cpu: float | None = None

    def report(self) -> None:
        """Print the figures."""
        lost = self.sent - self.ingested
        print(
            f"{self.label}: sent {self.sent} state messages, ingested {self.ingested}, lost {lost}"
        )
        print(f"  ingest rate {self.ingested / self.seconds:.0f} messages/s")
        if self.latencies:
            print(
                f"  publish -> visible in GET /robots: p50 {self.p50:.0f} ms, p99 {self.p99:.0f} "
                f"ms ({len(self.latencies)} samples; poll every {POLL_INTERVAL_S * 1000:.0f} ms "
                "plus the GET itself)"
            )
        if self.broker_cpu is not None and self.server_cpu is not None:
            print(f"  CPU: broker {self.broker_cpu:.1%}, server {self.server_cpu:.1%} of one core")

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.99 * (len(ordered) - 1))] * 1000


def run(args: argparse.Namespace, secure: bool) -> Figures:
    """One measurement: plain MQTT (anonymous) or TLS with each robot's own login."""
    serials = [f"bench-{i:05d}" for i in range(args.robots)]
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
        stack.callback(shutil.rmtree, folder, True)
        database_url = f"sqlite:///{folder / 'bench.db'}"
        broker: subprocess.Popen[bytes] | None = None
        server_process: subprocess.Popen[bytes] | None = None
        logins: dict[str, str] | None = None
        ca_file: Path | None = None
        if secure:
            site = start_secure_broker(
                stack, folder, database_url, free_port(), serials, MANUFACTURER, wait_port
            )
            broker, mqtt_url, logins, ca_file = site.process, site.url, site.logins, site.ca_file
            settings = site.server_env  # the robots are registered: auto-register stays off
        else:
            if args.mqtt:
                mqtt_url = args.mqtt
            else:
                mqtt_url, broker = start_mosquitto_process(stack, folder)
            settings = {"FLEET_MQTT_URL": mqtt_url, "FLEET_AUTO_REGISTER": "true"}
        if args.server:
            if not args.api_key:
                raise SystemExit("--server needs --api-key (a key of any role that reads robots)")
            server, key = args.server, args.api_key
        else:
            server, key, server_process = start_server(stack, folder, database_url, settings)
        auth = {"X-API-Key": key}
        http = stack.enter_context(httpx.Client(base_url=server, headers=auth, timeout=30))
        deadline = time.monotonic() + 20
        while not http.get("/api/v1/health").json()["mqtt_connected"]:
            if time.monotonic() > deadline:
                raise SystemExit("server did not connect to the broker")
            time.sleep(0.1)
        pubs: Publishers | RobotConnections
        if secure or args.connection_per_robot:
            pubs = RobotConnections(mqtt_url, serials, MANUFACTURER, state_payload, logins, ca_file)
        else:
            pubs = Publishers(mqtt_url, args.robots)
        stack.callback(pubs.close)

        # Warm-up: every robot sends once (first sight inserts its row), until all are visible.
        for i in range(args.robots):
            pubs.publish(i, 0)
        deadline = time.monotonic() + 120
        while len(visible(http)) < args.robots:
            if time.monotonic() > deadline:
                raise SystemExit("not every robot became visible during warm-up")
            time.sleep(0.2)

        base_count = ingested(http)
        base_sent = pubs.sent
        label = "TLS + login" if secure else "plain MQTT"
        figures = Figures(f"{label}, {args.robots} robots at {args.rate} Hz")
        seen: dict[str, float] = {}
        stop = threading.Event()

        def poll() -> None:
            poll_client = httpx.Client(base_url=server, headers=auth, timeout=30)
            index_of = {s: i for i, s in enumerate(pubs.serials)}
            while not stop.is_set():
                now = time.monotonic()
                for serial, x in visible(poll_client).items():
                    if seen.get(serial) != x:
                        seen[serial] = x
                        sent = pubs.sent_at.get((index_of[serial], int(x)))
                        if sent is not None and x > 0:
                            figures.latencies.append(now - sent)
                time.sleep(POLL_INTERVAL_S)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        cpu = _cpu_clock(broker, server_process)
        period = 1.0 / args.rate
        start = time.monotonic()
        tick = 0
        while time.monotonic() - start < args.duration:
            tick += 1
            tick_start = start + (tick - 1) * period
            spacing = period / args.robots
            for i in range(args.robots):
                # Spread each round of messages over the period, as real robots would be.
                delay = tick_start + i * spacing - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pubs.publish(i, tick)
        figures.seconds = time.monotonic() - start
        figures.broker_cpu, figures.server_cpu = cpu()
        time.sleep(2.0)  # let the last messages arrive
        stop.set()
        poller.join()
        figures.sent = pubs.sent - base_sent
        figures.ingested = ingested(http) - base_count
        return figures


def _cpu_clock(
    *processes: subprocess.Popen[bytes] | None,
) -> Callable[[], tuple[float | None, ...]]:
    """Starts measuring the processes' CPU; the returned call gives each one's share of one
    core since then (None for a process this benchmark did not start)."""
    from bench.fleet_scale import cpu_seconds  # it imports this module

    started = time.monotonic()
    before = [cpu_seconds(p.pid) if p else None for p in processes]

    def shares() -> tuple[float | None, ...]:
        wall = time.monotonic() - started
        return tuple(
            (cpu_seconds(p.pid) - b) / wall if p and b is not None else None
            for p, b in zip(processes, before, strict=True)
        )

    return shares


def _side_by_side(rows: list[Figures]) -> None:
    print()
    print("| connection | sent / ingested | lost | ingest rate | p50 | p99 ", end="")
    print("| broker CPU | server CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        cpu = [f"{c:.1%}" if c is not None else "" for c in (row.broker_cpu, row.server_cpu)]
        print(
            f"| {row.label} | {row.sent:,} / {row.ingested:,} | {row.sent - row.ingested:,} | "
            f"{row.ingested / row.seconds:,.0f} msg/s | {row.p50:,.0f} ms | {row.p99:,.0f} ms | "
            f"{cpu[0]} | {cpu[1]} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=100)
    parser.add_argument(
        "--rate", type=float, default=1.0, help="state messages per robot per second"
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of measurement")
    parser.add_argument(
        "--security",
        choices=["plain", "tls", "both"],
        default="plain",
        help="plain: anonymous MQTT; tls: a broker from `fleet broker config`, TLS and each "
        "robot's own login (one connection per robot); both: the two, one after the other",
    )
    parser.add_argument(
        "--connection-per-robot",
        action="store_true",
        help="plain MQTT with one connection per robot, as real robots and the tls run "
        f"(default: {ROBOTS_PER_CONNECTION} robots share a connection)",
    )
    parser.add_argument("--mqtt", help="broker URL for plain runs (default: start a Mosquitto)")
    parser.add_argument("--server", help="server URL (default: start `fleet serve`)")
    parser.add_argument("--api-key", help="API key for --server (admin, operator, viewer, auditor)")
    args = parser.parse_args()
    if args.security == "both":
        args.connection_per_robot = True  # the same robots, only TLS and logins differ
    runs = {"plain": [False], "tls": [True], "both": [False, True]}[args.security]
    if True in runs and (args.mqtt or args.server):
        raise SystemExit("--security tls starts its own broker and server: no --mqtt, --server")
    results = []
    for secure in runs:
        figures = run(args, secure)
        figures.report()
        results.append(figures)
    if len(results) > 1:
        _side_by_side(results)


if __name__ == "__main__":
    main()
