"""Incident benchmark: latency from an incident report to the robot's order on the broker.

Starts Mosquitto (free port), `fleet serve` (SQLite in a temporary folder) and `fleet-sim` with N
patrol dogs on the demo site (idle, or with --busy all patrolling), subscribes to every vehicle's
order topic, then reports K
street-vending incidents at random street and market nodes through the REST API. For each one it
measures the time from just before the POST to the arrival of the first order carrying the respond
mission's orderId, as a subscriber on the broker sees it. Also prints the server's own view
(dispatched_at - created_at of each incident). Incidents whose mission got no robot within the
timeout are counted apart, not in the latency.

    python -m bench.incidents --robots 100
    python -m bench.incidents --robots 1000
    python -m bench.incidents --robots 1000 --busy
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bench.fleet_scale import LONG_PATROL, SITE_FILE, STREET_LOOP, script, start
from bench.ingest import create_api_key, free_port, start_mosquitto, wait_port
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, wildcard

SITE = "longgang-demo"
JWT_SECRET = "bench-incidents-jwt-secret-0123456789abcdef"
POLL_INTERVAL_S = 0.2


@dataclass
class Report:
    """One incident as the benchmark sent it and what became of it."""

    incident_id: int
    mission_id: int | None
    sent_at: float  # monotonic, just before the POST
    order_id: str | None = None


class OrderWatch:
    """Subscribes to every vehicle's order topic and keeps orderId → first arrival (monotonic)."""

    def __init__(self, mqtt_url: str) -> None:
        address = parse_broker_url(mqtt_url)
        self.arrivals: dict[str, float] = {}
        self.messages = 0
        self._subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-order-watch")
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.connect(address.host, address.port)
        self.client.loop_start()
        if not self._subscribed.wait(10):
            raise SystemExit("could not subscribe to the order topics")

    def _on_connect(self, client: mqtt.Client, *_: object) -> None:
        client.subscribe(wildcard(DEFAULT_INTERFACE, Subtopic.ORDER))

    def _on_subscribe(self, *_: object) -> None:
        self._subscribed.set()

    def _on_message(
        self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage
    ) -> None:
        now = time.monotonic()
        self.messages += 1
        order_id = json.loads(message.payload).get("orderId")
        if order_id is not None:
            self.arrivals.setdefault(order_id, now)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie (nearest rank, as bench/ingest)."""
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def wait_for_robots(api: httpx.Client, robots: int, timeout: float) -> None:
    """Until `robots` robots are online with a position."""
    deadline = time.monotonic() + timeout
    ready = 0
    while ready < robots:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {ready} of {robots} robots online with a position")
        time.sleep(1.0)
        ready = sum(1 for r in api.get("/robots").json() if r["online"] and r["position"])


def keep_busy(api: httpx.Client, robots: int, timeout: float) -> None:
    """Give every robot a long patrol and wait until all are under way, so that every incident
    response has to preempt one."""
    for robot in api.get("/robots").json():
        body = {"kind": "patrol", "site": SITE, "route": STREET_LOOP} | LONG_PATROL
        api.post("/missions", json=body | {"robot": robot["serial_number"]}).raise_for_status()
    deadline = time.monotonic() + timeout
    running = 0
    while running < robots:
        if time.monotonic() > deadline:
            states = Counter(
                m["status"] for m in api.get("/missions", params={"limit": 1000}).json()
            )
            raise SystemExit(f"only {running} of {robots} patrols running ({dict(states)})")
        time.sleep(1.0)
        running = len(api.get("/missions", params={"status": "running", "limit": 1000}).json())


def incident_nodes(api: httpx.Client) -> list[str]:
    """The demo site's street and market nodes, docks left out."""
    site = api.get(f"/sites/{SITE}").json()
    docks = {d["node"] for d in site["docks"]}
    return [
        n["id"]
        for n in site["nodes"]
        if n["id"].startswith(("street-", "market-")) and n["id"] not in docks
    ]


def send_incidents(
    api: httpx.Client, nodes: list[str], count: int, interval: float, seed: int
) -> list[Report]:
    """Report `count` street-vending incidents at random nodes, `interval` seconds apart."""
    rng = random.Random(seed)
    reports = []
    for index in range(count):
        body = {
            "type": "street_vending",
            "site": SITE,
            "source": "bench",
            "node": rng.choice(nodes),
        }
        sent_at = time.monotonic()
        response = api.post("/incidents", json=body)
        response.raise_for_status()
        incident = response.json()
        reports.append(Report(incident["id"], incident["mission_id"], sent_at))
        if index < count - 1:
            time.sleep(max(0.0, sent_at + interval - time.monotonic()))
    return reports


def find_orders(api: httpx.Client, reports: list[Report], timeout: float) -> None:
    """Fill in each respond mission's order id, waiting up to `timeout` after its report."""
    for report in reports:
        if report.mission_id is None:
            continue
        while True:
            report.order_id = api.get(f"/missions/{report.mission_id}").json()["order_id"]
            if report.order_id is not None or time.monotonic() > report.sent_at + timeout:
                break
            time.sleep(POLL_INTERVAL_S)


def server_delays(incidents: list[dict[str, Any]]) -> list[float]:
    """dispatched_at - created_at of each dispatched incident, in seconds."""
    return [
        (
            datetime.fromisoformat(i["dispatched_at"]) - datetime.fromisoformat(i["created_at"])
        ).total_seconds()
        for i in incidents
        if i["dispatched_at"] is not None
    ]


def summary(name: str, seconds: list[float]) -> str:
    """One line of p50 / p99 / max in milliseconds."""
    if not seconds:
        return f"{name}: no samples"
    ms = [s * 1000 for s in seconds]
    return (
        f"{name}: p50 {percentile(ms, 0.5):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, "
        f"max {max(ms):.0f} ms ({len(ms)} samples)"
    )


def start_fleet(stack: ExitStack, folder: Path, args: argparse.Namespace) -> tuple[str, str]:
    """Mosquitto, `fleet serve` with an operator key, and `fleet-sim`: (broker URL, API URL)."""
    mqtt_url = start_mosquitto(stack, folder)
    env = {
        "FLEET_MQTT_URL": mqtt_url,
        # The simulated robots are not registered: they are added as they first speak.
        "FLEET_AUTO_REGISTER": "true",
        "FLEET_DATABASE_URL": f"sqlite:///{folder / 'incidents.db'}",
        "FLEET_JWT_SECRET": JWT_SECRET,
        "FLEET_INCIDENT_COOLDOWN_H": "0",
        "FLEET_INCIDENT_MAX_DISTANCE_M": "100000",
    }
    port = free_port()
    serve = [script("fleet"), "serve", "--port", str(port), "--log-level", "warning"]
    start(stack, serve, env, folder / "server.log")
    wait_port(port)
    sim = [script("fleet-sim"), "--mqtt", mqtt_url, "--site", str(SITE_FILE)]
    sim += ["--robots", str(args.robots), "--kinds", "patrol_dog"]
    sim += ["--speed-factor", str(args.speed_factor), "--log-level", "WARNING"]
    start(stack, sim, {}, folder / "fleet-sim.log")
    return mqtt_url, f"http://127.0.0.1:{port}/api/v1"


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="fleet-incidents-"))
        if args.keep:
            print(f"logs and database kept in {folder}")
        else:
            stack.callback(shutil.rmtree, folder, True)
        # The key is made before the server starts, on the database the server will open.
        key = create_api_key(f"sqlite:///{folder / 'incidents.db'}", "operator")
        mqtt_url, base_url = start_fleet(stack, folder, args)
        api = stack.enter_context(
            httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=30)
        )
        began = time.monotonic()
        wait_for_robots(api, args.robots, args.startup_timeout)
        startup = time.monotonic() - began
        if args.busy:
            keep_busy(api, args.robots, args.startup_timeout)
        watch = OrderWatch(mqtt_url)
        stack.callback(watch.close)

        reports = send_incidents(api, incident_nodes(api), args.incidents, args.interval, args.seed)
        find_orders(api, reports, args.timeout)
        dispatched = [r for r in reports if r.order_id is not None]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(
            r.order_id not in watch.arrivals for r in dispatched
        ):
            time.sleep(0.1)
        latencies = [
            watch.arrivals[r.order_id] - r.sent_at
            for r in dispatched
            if r.order_id in watch.arrivals
        ]
        incidents = [api.get(f"/incidents/{r.incident_id}").json() for r in reports]
        undispatched = {r.incident_id for r in reports if r.order_id is None}
        why = Counter(f"{i['status']}: {i['reason']}" for i in incidents if i["id"] in undispatched)

        doing = "all patrolling: every response preempts a patrol" if args.busy else "idle"
        print(f"robots {args.robots} (patrol dogs, {doing}), speed factor {args.speed_factor:g}")
        print(f"all robots online with a position {startup:.0f} s after fleet-sim started")
        print(
            f"incidents sent {len(reports)} (one every {args.interval:g} s), "
            f"dispatched {len(dispatched)}, not dispatched within {args.timeout:g} s "
            f"{len(reports) - len(dispatched)}"
        )
        for reason, count in why.most_common():
            print(f"  not dispatched ({count}): {reason}")
        if len(latencies) < len(dispatched):
            print(
                f"  dispatched, but no order seen on the broker: {len(dispatched) - len(latencies)}"
            )
        print(summary("report -> order received on the broker", latencies))
        print(summary("server: dispatched_at - created_at", server_delays(incidents)))
        print(f"({watch.messages} order messages seen on the broker in all)")
        print("command: python -m bench.incidents " + shlex.join(sys.argv[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=100)
    parser.add_argument("--incidents", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between reports")
    parser.add_argument("--speed-factor", type=float, default=20.0)
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="seconds a report may wait for a robot"
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=300.0, help="seconds for every robot to appear"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the incident places")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--busy", action="store_true", help="every robot patrols first, so responses preempt"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
