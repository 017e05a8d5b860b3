"""Fleet-scale benchmark: how much CPU `fleet-sim` and `fleet serve` use for N robots on patrol.

Starts Mosquitto (free port), `fleet serve` (SQLite in a temporary folder) and `fleet-sim` with N
patrol dogs on the demo site, sends every robot a patrol through the REST API, and measures each
process's CPU time over a window while the robots drive. Prints CPU as a share of one core.

    python bench/fleet_scale.py --robots 100
    python bench/fleet_scale.py --robots 300 --window 20
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from bench.ingest import create_api_key, free_port, start_mosquitto, wait_port

ROOT = Path(__file__).resolve().parents[1]
SITE_FILE = ROOT / "missions" / "sites" / "longgang-demo.yaml"
STREET_LOOP = ["street-sw", "street-se", "street-ne", "street-nw"]
TICKS = os.sysconf("SC_CLK_TCK")
# Patrol for an hour (at most 50 rounds): a robot needs charge for one round to take it, where
# 50 rounds up front would need more than any battery holds.
LONG_PATROL = {
    "rounds": 50,
    "until": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(),
}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def script(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def start(
    stack: ExitStack, args: list[str], env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    stack.callback(process.wait)
    stack.callback(process.terminate)
    return process


def served(
    stack: ExitStack, prefix: str, keep: bool, env: dict[str, str], log_level: str = "warning"
) -> tuple[Path, str, httpx.Client]:
    """A run's folder (removed at the end unless `keep`), a Mosquitto and `fleet serve` on a new
    SQLite database in it: the folder, the broker's URL and an operator's API client."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if keep:
        print(f"keeping {folder}", flush=True)
    else:
        stack.callback(shutil.rmtree, folder, True)
    mqtt_url = start_mosquitto(stack, folder)
    port = free_port()
    database_url = f"sqlite:///{folder / 'fleet.db'}"
    key = create_api_key(database_url, "operator")
    server_env = {
        "FLEET_DATABASE_URL": database_url,
        "FLEET_MQTT_URL": mqtt_url,
        "FLEET_AUTO_REGISTER": "true",
    }
    serve = [script("fleet"), "serve", "--port", str(port), "--log-level", log_level]
    start(stack, serve, server_env | env, folder / "server.log")
    wait_port(port)
    api = stack.enter_context(
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1", headers={"X-API-Key": key}, timeout=30
        )
    )
    return folder, mqtt_url, api


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="fleet-scale-"))
        stack.callback(shutil.rmtree, folder, True)
        mqtt_url = start_mosquitto(stack, folder)
        port = free_port()
        database_url = f"sqlite:///{folder / 'scale.db'}"
        key = create_api_key(database_url, "operator")
        server = start(
            stack,
            [script("fleet"), "serve", "--port", str(port), "--log-level", "warning"],
            {
                "FLEET_DATABASE_URL": database_url,
                "FLEET_MQTT_URL": mqtt_url,
                "FLEET_AUTO_REGISTER": "true",
            },
            folder / "server.log",
        )
        wait_port(port)
        sim = start(
            stack,
            [
                script("fleet-sim"),
                "--mqtt",
                mqtt_url,
                "--site",
                str(SITE_FILE),
                "--robots",
                str(args.robots),
                "--kinds",
                "patrol_dog",
                "--speed-factor",
                str(args.speed_factor),
                "--log-level",
                "WARNING",
            ],
            {},
            folder / "fleet-sim.log",
        )
        api = stack.enter_context(
            httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", headers={"X-API-Key": key})
        )
        deadline = time.monotonic() + 120
        while api.get("/health").json()["robots_online"] < args.robots:
            if time.monotonic() > deadline:
                raise SystemExit("not every robot came online")
            time.sleep(0.5)

        idle = measure(server.pid, sim.pid, api, args.window)
        rng = random.Random(1)
        for _ in range(args.robots):
            shift = rng.randrange(len(STREET_LOOP))
            route = STREET_LOOP[shift:] + STREET_LOOP[:shift]
            body = {"kind": "patrol", "site": "longgang-demo", "route": route} | LONG_PATROL
            response = api.post("/missions", json=body)
            response.raise_for_status()
        time.sleep(5)  # let every robot take its order and start driving
        driving = sum(r["driving"] for r in api.get("/robots").json())
        busy = measure(server.pid, sim.pid, api, args.window)
        print(f"robots {args.robots} (patrol dogs), speed factor {args.speed_factor:g}")
        for name, (sim_cpu, server_cpu, messages) in (("idle", idle), ("patrols", busy)):
            print(
                f"{name + ':':9}fleet-sim {sim_cpu:5.1f} % of a core, server {server_cpu:5.1f} %,"
                f" {messages:.0f} state+visualization msg/s ingested"
            )
        print(f"({driving} robots driving when the patrol window began; window {args.window:g} s)")


def ingested(api: httpx.Client) -> int:
    counts = api.get("/health").json()["ingest"]
    return int(counts["state_messages"] + counts["visualization_messages"])


def measure(
    server_pid: int, sim_pid: int, api: httpx.Client, window: float
) -> tuple[float, float, float]:
    """CPU share of one core for fleet-sim and server, and state messages/s, over the window."""
    sim0, server0 = cpu_seconds(sim_pid), cpu_seconds(server_pid)
    states0 = ingested(api)
    start = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - start
    states = ingested(api) - states0
    return (
        100 * (cpu_seconds(sim_pid) - sim0) / elapsed,
        100 * (cpu_seconds(server_pid) - server0) / elapsed,
        states / elapsed,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=100)
    parser.add_argument("--speed-factor", type=float, default=1.0)
    parser.add_argument("--window", type=float, default=15.0, help="seconds of each measurement")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
