"""Live feed benchmark: latency from a robot's state on the broker to its position on the WebSocket.

Starts Mosquitto (free port) and `fleet serve` (SQLite in a temporary folder, a viewer's API key
made by `fleet apikey create`), then N lightweight robots publish complete VDA 5050 state messages
at R Hz (as bench/ingest.py; x carries the sequence number). First nobody listens to the feed,
then one client listens on GET /api/v1/live; for each state it measures the time from just before
the publish to the first `robots` batch carrying that position. Also prints the server's CPU
(share of one core, from /proc) in both windows.

    python -m bench.live --robots 100 --rate 1 --duration 30
    python -m bench.live --robots 1000 --rate 1 --duration 30
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from bench.fleet_scale import cpu_seconds, script, start
from bench.incidents import percentile
from bench.ingest import create_api_key, free_port, wait_port
from bench.ingest import start_mosquitto as start_broker
from bench.publishers import MANUFACTURER, Publishers


class FeedWatch:
    """Reads the live feed in a thread; keeps (robot index, sequence) → first arrival."""

    def __init__(self, url: str, serials: list[str]) -> None:
        self.index_of = {s: i for i, s in enumerate(serials)}
        self.arrivals: dict[tuple[int, int], float] = {}
        self.snapshot_robots = -1
        self.batches = 0
        self.robots_in_batches = 0
        self.resets = 0
        self._socket: ClientConnection = connect(url, max_size=None, open_timeout=30)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for text in self._socket:
                now = time.monotonic()
                self._take(json.loads(text), now)
        except ConnectionClosed:
            return

    def _take(self, message: dict[str, object], now: float) -> None:
        robots = message.get("robots")
        if not isinstance(robots, list):
            return
        if message["type"] == "snapshot":
            if self.snapshot_robots >= 0:
                self.resets += 1
            self.snapshot_robots = len(robots)
            return
        self.batches += 1
        self.robots_in_batches += len(robots)
        for robot in robots:
            index = self.index_of.get(robot["id"])
            if index is not None and robot["position"] is not None:
                self.arrivals.setdefault((index, int(robot["position"]["x"])), now)

    def close(self) -> None:
        self._socket.close()
        self._thread.join(timeout=10)


def publish_for(pubs: Publishers, robots: int, rate: float, seconds: float, tick: int) -> int:
    """Every robot sends state `rate` times a second for `seconds`, spread over each period, as
    bench/ingest does; returns the last sequence number sent."""
    period = 1.0 / rate
    spacing = period / robots
    began = time.monotonic()
    first = tick
    while time.monotonic() - began < seconds:
        tick += 1
        tick_start = began + (tick - first - 1) * period
        for i in range(robots):
            delay = tick_start + i * spacing - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pubs.publish(i, tick)
    return tick


def start_server(stack: ExitStack, folder: Path, mqtt_url: str) -> tuple[int, str, str]:
    """`fleet serve` on SQLite in the folder: its pid, its URL and a viewer's API key."""
    database_url = f"sqlite:///{folder / 'live.db'}"
    key = create_api_key(database_url, "viewer")
    port = free_port()
    env = {
        "FLEET_DATABASE_URL": database_url,
        "FLEET_MQTT_URL": mqtt_url,
        # The simulated robots are not registered: they are added as they first speak.
        "FLEET_AUTO_REGISTER": "true",
        "FLEET_OFFLINE_TIMEOUT_S": "60",
    }
    serve = [script("fleet"), "serve", "--port", str(port), "--log-level", "warning"]
    server = start(stack, serve, env, folder / "server.log")
    wait_port(port)
    return server.pid, f"127.0.0.1:{port}", key


def warm_up(http: httpx.Client, pubs: Publishers, robots: int) -> None:
    """Every robot sends once (its row is inserted), until all are visible."""
    deadline = time.monotonic() + 20
    while not http.get("/api/v1/health").json()["mqtt_connected"]:
        if time.monotonic() > deadline:
            raise SystemExit("server did not connect to the broker")
        time.sleep(0.1)
    for i in range(robots):
        pubs.publish(i, 0)
    deadline = time.monotonic() + 120
    while (
        sum(r["manufacturer"] == MANUFACTURER for r in http.get("/api/v1/robots").json()) < robots
    ):
        if time.monotonic() > deadline:
            raise SystemExit("not every robot became visible during warm-up")
        time.sleep(0.2)


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="fleet-live-"))
        stack.callback(shutil.rmtree, folder, True)
        mqtt_url = start_broker(stack, folder)
        pid, host, key = start_server(stack, folder, mqtt_url)
        http = stack.enter_context(
            httpx.Client(base_url=f"http://{host}", headers={"X-API-Key": key}, timeout=30)
        )
        pubs = Publishers(mqtt_url, args.robots)
        stack.callback(pubs.close)
        warm_up(http, pubs, args.robots)

        cpu0, began = cpu_seconds(pid), time.monotonic()
        tick = publish_for(pubs, args.robots, args.rate, args.idle_window, 0)
        idle_cpu = 100 * (cpu_seconds(pid) - cpu0) / (time.monotonic() - began)

        watch = FeedWatch(f"ws://{host}/api/v1/live?key={key}", pubs.serials)
        stack.callback(watch.close)
        first = tick + 1
        cpu0, began = cpu_seconds(pid), time.monotonic()
        last = publish_for(pubs, args.robots, args.rate, args.duration, tick)
        elapsed = time.monotonic() - began
        watched_cpu = 100 * (cpu_seconds(pid) - cpu0) / elapsed
        time.sleep(2.0)  # let the last states arrive

        expected = [(i, seq) for seq in range(first, last + 1) for i in range(args.robots)]
        latencies = [watch.arrivals[k] - pubs.sent_at[k] for k in expected if k in watch.arrivals]
        print(f"robots {args.robots}, rate {args.rate:g} Hz, {elapsed:.1f} s with one listener")
        print(f"snapshot on connecting: {watch.snapshot_robots} robots")
        print(
            f"states sent {len(expected)}, their positions seen on the feed {len(latencies)}; "
            f"{watch.batches} robots batches, {watch.robots_in_batches / max(watch.batches, 1):.0f}"
            f" robots each on average; {watch.resets} snapshot resets"
        )
        if latencies:
            ms = [s * 1000 for s in latencies]
            print(
                f"publish -> position on the WebSocket: p50 {percentile(ms, 0.5):.0f} ms, "
                f"p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms"
            )
        print(
            f"server CPU (share of one core): {idle_cpu:.1f} % with nobody listening "
            f"({args.idle_window:g} s), {watched_cpu:.1f} % with one listener"
        )
        print("command: python -m bench.live " + shlex.join(sys.argv[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=100)
    parser.add_argument(
        "--rate", type=float, default=1.0, help="state messages per robot per second"
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds with a listener")
    parser.add_argument(
        "--idle-window", type=float, default=15.0, help="seconds with nobody listening first"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
