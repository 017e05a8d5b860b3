"""Ingest benchmark: N lightweight robots send what real robots send through a real broker to
the server: visualization at R Hz and a state every 30 s (an agent's defaults; `--states-only`:
a state at R Hz instead, as this benchmark did first).

Prints messages/s ingested and messages lost (the server's own counts, from GET /metrics), the
latency from publish to visible in GET /api/v1/robots/{serial} (single-robot reads of one robot
at a time, every 10 ms, which cost the server the same whatever the fleet's size), and the
ingest lag the server measures itself (fleet_ingest_lag_seconds: the message's timestamp to the
end of the batch write that stored it). By default it starts its own Mosquitto (on a free port)
and its own `fleet serve` (SQLite in a temporary folder, metrics on, with a viewer's API key made
by `fleet apikey create`); point it at running ones with --mqtt, and --server with --api-key (a
server with FLEET_METRICS_ENABLED=true).

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
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.latency import POLL_INTERVAL_S, LatencySampler
from bench.publishers import MANUFACTURER, ROBOTS_PER_CONNECTION, Publishers, payload
from bench.scrape import Scrape, window_quantile
from bench.secure_broker import RobotConnections, start_secure_broker
from fleet_protocol.topics import Subtopic

# A robot agent's defaults: visualization every second, a state every 30 s.
STATE_INTERVAL_S = 30.0
INGESTED_TOPICS = ("state", "visualization")


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
        # Counts and the ingest lag are read from GET /metrics (a viewer's key may read it).
        "FLEET_METRICS_ENABLED": "true",
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


def ingested(metrics: Scrape) -> int:
    """Messages the server took in on the topics the bench robots publish."""
    return int(
        sum(metrics.total("fleet_ingested_messages_total", topic=t) for t in INGESTED_TOPICS)
    )


def visible(http: httpx.Client) -> dict[str, float]:
    """serial → x of every bench robot as GET /robots shows it (for the warm-up only)."""
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
    lag_p50: float | None = None  # seconds, from the server's histogram
    lag_p99: float | None = None
    lag_rows: int = 0
    broker_cpu: float | None = None  # share of one core over the window
    server_cpu: float | None = None

    def report(self) -> None:
        """Print the figures."""
        lost = self.sent - self.ingested
        print(f"{self.label}: sent {self.sent} messages, ingested {self.ingested}, lost {lost}")
        print(f"  ingest rate {self.ingested / self.seconds:.0f} messages/s")
        if self.latencies:
            print(
                f"  publish -> visible in GET /robots/{{serial}}: p50 {self.p50:.0f} ms, p99 "
                f"{self.p99:.0f} ms ({len(self.latencies)} samples; one robot read every "
                f"{POLL_INTERVAL_S * 1000:.0f} ms until its new position shows)"
            )
        if self.lag_p50 is not None and self.lag_p99 is not None:
            print(
                f"  ingest lag (message timestamp -> batch written, the server's "
                f"fleet_ingest_lag_seconds): p50 {self.lag_p50 * 1000:.0f} ms, p99 "
                f"{self.lag_p99 * 1000:.0f} ms over {self.lag_rows} rows (estimated in buckets)"
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
        # The key as a bearer token, as Prometheus sends it.
        auth = {"Authorization": f"Bearer {key}"}
        http = stack.enter_context(httpx.Client(base_url=server, headers=auth, timeout=30))
        deadline = time.monotonic() + 20
        while not http.get("/api/v1/health").json()["mqtt_connected"]:
            if time.monotonic() > deadline:
                raise SystemExit("server did not connect to the broker")
            time.sleep(0.1)
        pubs: Publishers | RobotConnections
        if secure or args.connection_per_robot:
            pubs = RobotConnections(mqtt_url, serials, MANUFACTURER, payload, logins, ca_file)
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

        before = Scrape.of(http)
        base_sent = pubs.sent
        label = "TLS + login" if secure else "plain MQTT"
        sends = "state" if args.states_only else "visualization"
        figures = Figures(f"{label}, {args.robots} robots, {sends} at {args.rate} Hz")
        period = 1.0 / args.rate
        reader = stack.enter_context(httpx.Client(base_url=server, headers=auth, timeout=30))
        sampler = LatencySampler(reader, pubs, period)
        sampler.start()
        cpu = _cpu_clock(broker, server_process)
        figures.seconds = publish_for(pubs, args.duration, period, args.states_only)
        figures.broker_cpu, figures.server_cpu = cpu()
        time.sleep(2.0)  # let the last messages arrive and be written
        sampler.stop()
        after = Scrape.of(http)
        figures.latencies = sampler.latencies
        figures.sent = pubs.sent - base_sent
        figures.ingested = ingested(after) - ingested(before)
        histogram = "fleet_ingest_lag_seconds"
        figures.lag_p50 = window_quantile(0.5, before, after, histogram)
        figures.lag_p99 = window_quantile(0.99, before, after, histogram)
        rows = after.total(f"{histogram}_count") - before.total(f"{histogram}_count")
        figures.lag_rows = int(rows)
        return figures


def publish_for(
    pubs: Publishers | RobotConnections, duration: float, period: float, states_only: bool
) -> float:
    """Every robot sends a visualization each period and a state every STATE_INTERVAL_S (the
    robots' states spread over that interval), or only states each period; each round spread
    over the period, as real robots would be. Returns the seconds it took."""
    robots = len(pubs.serials)
    state_every = max(round(STATE_INTERVAL_S / period), 1)
    spacing = period / robots
    start = time.monotonic()
    tick = 0
    while time.monotonic() - start < duration:
        tick += 1
        tick_start = start + (tick - 1) * period
        for i in range(robots):
            delay = tick_start + i * spacing - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if states_only:
                pubs.publish(i, tick)
                continue
            pubs.publish(i, tick, Subtopic.VISUALIZATION)
            if (tick + i) % state_every == 0:
                pubs.publish(i, tick)
    return time.monotonic() - start


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
    print(
        "| connection | sent / ingested | lost | ingest rate | p50 | p99 | lag p50 | lag p99 ",
        end="",
    )
    print("| broker CPU | server CPU |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        cpu = [f"{c:.1%}" if c is not None else "" for c in (row.broker_cpu, row.server_cpu)]
        seen = [f"{v:,.0f} ms" for v in (row.p50, row.p99)] if row.latencies else ["", ""]
        lag = [f"{v * 1000:,.0f} ms" if v is not None else "" for v in (row.lag_p50, row.lag_p99)]
        print(
            f"| {row.label} | {row.sent:,} / {row.ingested:,} | {row.sent - row.ingested:,} | "
            f"{row.ingested / row.seconds:,.0f} msg/s | {seen[0]} | {seen[1]} | {lag[0]} | "
            f"{lag[1]} | {cpu[0]} | {cpu[1]} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=100)
    parser.add_argument(
        "--rate",
        type=float,
        default=1.0,
        help="visualization messages per robot per second (with --states-only: states)",
    )
    parser.add_argument(
        "--states-only",
        action="store_true",
        help=f"only states, at --rate (default: visualization at --rate and a state every "
        f"{STATE_INTERVAL_S:g} s, as a robot agent sends)",
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
    parser.add_argument(
        "--api-key",
        help="API key for --server (admin, operator, viewer, auditor); the server must have "
        "FLEET_METRICS_ENABLED=true",
    )
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
