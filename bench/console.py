"""Console benchmark: how soon the map draws a big fleet after logging in, and its frame times
while every robot moves.

Starts Mosquitto, `fleet serve` (SQLite in a temporary folder) and N robots that publish VDA 5050
state at 1 Hz from a few MQTT connections, each driving to and fro along one street of the demo
site. Debian's Chromium (through Playwright) logs in as an operator on the map page and reports,
by its own clock: the time from submitting the login form to the first robot drawn and to all N
drawn, then the intervals between animation frames while the robots move.

    python -m bench.console --robots 1000
    python -m bench.console --robots 100,1000 --seconds 20
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import yaml
from paho.mqtt.enums import CallbackAPIVersion

from bench.fleet_scale import script, served
from bench.publishers import state_payload
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic

ROOT = Path(__file__).resolve().parents[1]
SITE = yaml.safe_load((ROOT / "missions" / "sites" / "longgang-demo.yaml").read_text())
MANUFACTURER = "ConsoleBench"
ROBOTS_PER_CONNECTION = 100
SPEED_M_S = 1.2
USER, PASSWORD = "bench-operator", "bench-operator-password-1"
CHROMIUM = "/usr/bin/chromium"

# Set before the page's own scripts: when the login is submitted, when the first robot and when
# all of them are in the map, by the page's clock (performance.now(), in ms).
WATCH_SCRIPT = """
(() => {
  window.__bench = { submitted: null, first: null, all: null };
  const mark = (name) => { window.__bench[name] = performance.now(); };
  document.addEventListener("submit", () => mark("submitted"), true);
  const check = () => {
    const drawn = document.querySelectorAll("svg.site-map g.robot").length;
    if (drawn > 0 && window.__bench.first === null) mark("first");
    if (drawn >= window.__benchRobots && window.__bench.all === null) mark("all");
    if (window.__bench.all === null) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

FRAMES_SCRIPT = """
async (seconds) => {
  const times = [];
  const longTasks = [];
  const observer = new PerformanceObserver(
    (list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
  try { observer.observe({ entryTypes: ["longtask"] }); } catch {}
  const end = performance.now() + seconds * 1000;
  await new Promise((done) => {
    const frame = (now) => {
      times.push(now);
      if (now < end) requestAnimationFrame(frame); else done();
    };
    requestAnimationFrame(frame);
  });
  observer.disconnect();
  return { times, longTasks };
}
"""


def edges() -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The demo site's edges as pairs of points."""
    nodes = {node["id"]: (node["x"], node["y"]) for node in SITE["nodes"]}
    return [(nodes[e["start"]], nodes[e["end"]]) for e in SITE["edges"]]


def pose(index: int, now: float, lines: list[Any]) -> tuple[float, float, float]:
    """Where robot `index` is: to and fro along its street, starting at its own offset."""
    (ax, ay), (bx, by) = lines[index % len(lines)]
    length = max(1.0, math.hypot(bx - ax, by - ay))
    travelled = (now * SPEED_M_S + index * 7.0) % (2 * length)
    forward = travelled <= length
    share = travelled / length if forward else 2 - travelled / length
    heading = math.atan2(by - ay, bx - ax) + (0 if forward else math.pi)
    theta = math.atan2(math.sin(heading), math.cos(heading))
    return ax + (bx - ax) * share, ay + (by - ay) * share, theta


class Fleet:
    """N robots publishing state once a second from a background thread."""

    def __init__(self, mqtt_url: str, robots: int) -> None:
        address = parse_broker_url(mqtt_url)
        self.serials = [f"wall-{i:05d}" for i in range(robots)]
        self.topics = [
            topic(DEFAULT_INTERFACE, MANUFACTURER, s, Subtopic.STATE) for s in self.serials
        ]
        self.lines = edges()
        self.clients: list[mqtt.Client] = []
        for first in range(0, robots, ROBOTS_PER_CONNECTION):
            client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"console-bench-{first}")
            client.connect(address.host, address.port)
            client.loop_start()
            self.clients.append(client)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        header = 0
        while not self.stopping.is_set():
            began = time.monotonic()
            header += 1
            for index, serial in enumerate(self.serials):
                x, y, theta = pose(index, began, self.lines)
                client = self.clients[index // ROBOTS_PER_CONNECTION]
                payload = state_payload(
                    serial,
                    header,
                    round(x, 3),
                    round(y, 3),
                    theta=round(theta, 4),
                    driving=True,
                    battery=70.0,
                    map_id=SITE["id"],
                    manufacturer=MANUFACTURER,
                )
                client.publish(self.topics[index], payload, qos=0)
            self.stopping.wait(max(0.0, 1.0 - (time.monotonic() - began)))

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        for client in self.clients:
            client.loop_stop()
            client.disconnect()


@dataclass
class Figures:
    robots: int
    first_ms: float
    all_ms: float
    frame_p50_ms: float
    frame_p95_ms: float
    frame_max_ms: float
    slow_frames: float  # share of frames over 50 ms
    long_tasks: int


def add_user(folder: Path) -> None:
    """An operator to log in as, made with `fleet user add` on the run's database."""
    done = subprocess.run(
        [script("fleet"), "user", "add", USER, "--role", "operator"],
        input=PASSWORD + "\n",
        env={**os.environ, "FLEET_DATABASE_URL": f"sqlite:///{folder / 'fleet.db'}"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"fleet user add failed: {done.stderr.strip()}")


def measure(robots: int, seconds: float, keep: bool) -> Figures:
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        folder, mqtt_url, api = served(
            stack, "fleet-console-bench-", keep, {"FLEET_OFFLINE_TIMEOUT_S": "120"}
        )
        add_user(folder)
        fleet = Fleet(mqtt_url, robots)
        stack.callback(fleet.close)
        # Robots join as the server registers their first state (auto-registration).
        deadline = time.monotonic() + 300
        while len(api.get("/robots").json()) < robots:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(api.get('/robots').json())} of {robots} robots joined")
            time.sleep(1)
        base = f"http://{api.base_url.host}:{api.base_url.port}"
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page.add_init_script(f"window.__benchRobots = {robots};" + WATCH_SCRIPT)
        page.goto(f"{base}/#/map")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_function("() => window.__bench.all !== null", timeout=120_000)
        marks = page.evaluate("window.__bench")
        frames = page.evaluate(FRAMES_SCRIPT, seconds)
    intervals = [b - a for a, b in zip(frames["times"], frames["times"][1:], strict=False)]
    quantiles = statistics.quantiles(intervals, n=20)
    return Figures(
        robots=robots,
        first_ms=marks["first"] - marks["submitted"],
        all_ms=marks["all"] - marks["submitted"],
        frame_p50_ms=statistics.median(intervals),
        frame_p95_ms=quantiles[18],
        frame_max_ms=max(intervals),
        slow_frames=sum(1 for i in intervals if i > 50) / len(intervals),
        long_tasks=len(frames["longTasks"]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", default="1000", help="robot counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="frames measured for this long")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (logs, database)")
    args = parser.parse_args()
    print(
        f"{'robots':>7} {'first robot':>12} {'all robots':>11} {'frame p50':>10} "
        f"{'p95':>7} {'max':>7} {'>50 ms':>7} {'long tasks':>11}"
    )
    for count in (int(n) for n in args.robots.split(",")):
        f = measure(count, args.seconds, args.keep)
        print(
            f"{f.robots:>7} {f.first_ms:>9.0f} ms {f.all_ms:>8.0f} ms {f.frame_p50_ms:>7.1f} ms "
            f"{f.frame_p95_ms:>4.1f} ms {f.frame_max_ms:>4.0f} ms {f.slow_frames:>6.1%} "
            f"{f.long_tasks:>11}",
            flush=True,
        )


if __name__ == "__main__":
    main()
