"""Energy benchmark: work that outlasts a battery, measured in simulated hours.

Starts Mosquitto (free port), `fleet serve` (SQLite in a temporary folder) and `fleet-sim` on the
demo site, faster than real time, and prints simulated hours (wall time × speed factor):

- `forecourt`: the shipped template clean-uc-forecourt (the Universiade Centre forecourt, about
  44 km of 2 m lanes, several batteries of work) cleaned by 1, 2 and 4 sweepers sharing the zone
  (`robots: N`), each charging when it must: time to the end and the area covered.
- `day`: the demo fleet (two of each kind) patrolling the street loop and cleaning the square
  again and again: how many simulated hours it keeps working, how many times robots charged, the
  lowest battery seen, and whether any mission failed or any robot ran empty.

    python -m bench.energy_day forecourt --sweepers 1,2,4 --speed-factor 50
    python -m bench.energy_day day --hours 12 --speed-factor 50

The server learns the robots' consumption from their telemetry; nothing here tells it the
simulator's figures.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.fleet_scale import SITE_FILE, script, served, start

ROOT = Path(__file__).resolve().parents[1]
FORECOURT = yaml.safe_load(
    (ROOT / "missions" / "templates" / "clean-uc-forecourt.yaml").read_text()
)
STREET_LOOP = ["street-sw", "street-se", "street-ne", "street-nw"]
SQUARE = {"kind": "clean", "site": "longgang-demo", "zone": "longcheng-square", "width": 1.0}
ENDED = ("completed", "failed", "cancelled")


@contextmanager
def fleet(
    robots: int, kinds: str, speed_factor: float, keep: bool = False
) -> Iterator[httpx.Client]:
    """Broker, server and simulator running; an operator's API client for the server. With
    `keep`, the run's folder (database, server and simulator logs) stays for a look after."""
    with ExitStack() as stack:
        # A robot charging on a dock sends state as usual; give simulated minutes room.
        level = "info" if keep else "warning"
        env = {"FLEET_OFFLINE_TIMEOUT_S": "60"}
        folder, mqtt_url, api = served(stack, "fleet-energy-", keep, env, level)
        sim = [script("fleet-sim"), "--mqtt", mqtt_url, "--site", str(SITE_FILE)]
        sim += ["--robots", str(robots), "--kinds", kinds, "--speed-factor", str(speed_factor)]
        start(stack, [*sim, "--log-level", "WARNING", "--seed", "7"], {}, folder / "sim.log")
        deadline = time.monotonic() + 120
        while api.get("/health").json()["robots_online"] < robots:
            if time.monotonic() > deadline:
                raise SystemExit(f"not every robot came online (see {folder})")
            time.sleep(0.5)
        time.sleep(3)  # positions and factsheets
        yield api


class Watch:
    """Polls the robots: charge sessions begun, the lowest battery, robots that ran empty."""

    def __init__(self) -> None:
        self.charging: dict[str, bool] = {}
        self.charges = 0
        self.lowest = 100.0
        self.empty: set[str] = set()

    def poll(self, api: httpx.Client) -> None:
        for robot in api.get("/robots").json():
            serial, battery = robot["serial_number"], robot.get("battery")
            charging = bool(robot.get("charging"))
            if charging and not self.charging.get(serial, False):
                self.charges += 1
            self.charging[serial] = charging
            if battery is not None:
                self.lowest = min(self.lowest, float(battery))
                if float(battery) <= 0.5:
                    self.empty.add(serial)


def forecourt(api: httpx.Client, sweepers: int, speed_factor: float, limit_h: float) -> str:
    body = dict(FORECOURT["mission"])
    if sweepers > 1:
        body["robots"] = sweepers
    created = api.post("/missions", json=body)
    created.raise_for_status()
    mission_id = created.json()["id"]
    watch = Watch()
    began = time.monotonic()
    mission: dict[str, Any] = created.json()
    while mission["status"] not in ENDED:
        if (time.monotonic() - began) * speed_factor / 3600 > limit_h:
            break
        time.sleep(2)
        watch.poll(api)
        mission = api.get(f"/missions/{mission_id}").json()
    hours = (time.monotonic() - began) * speed_factor / 3600
    covered = (mission["results"].get("coverage") or {}).get("covered_percent")
    return (
        f"{sweepers} sweeper(s): {mission['status']} after {hours:.1f} simulated h, "
        f"covered {covered if covered is not None else '?'} %, {watch.charges} charge(s), "
        f"lowest battery {watch.lowest:.0f} %, ran empty: {sorted(watch.empty) or 'none'}"
        + (f" ({mission['reason']})" if mission["status"] != "completed" else "")
    )


def day(api: httpx.Client, hours: float, speed_factor: float) -> str:
    robots = api.get("/robots").json()
    dogs = [r["serial_number"] for r in robots if r["kind"] == "patrol_dog"]
    sweepers = [r["serial_number"] for r in robots if r["kind"] == "sanitation"]
    until = datetime.now(timezone.utc) + timedelta(hours=hours / speed_factor)
    missions: dict[int, str] = {}
    for index, dog in enumerate(dogs):
        route = STREET_LOOP[index:] + STREET_LOOP[:index]
        body = {"kind": "patrol", "site": "longgang-demo", "route": route, "rounds": 100}
        body |= {"robot": dog, "until": until.isoformat()}
        missions[api.post("/missions", json=body).raise_for_status().json()["id"]] = "patrol"
    cleaning: dict[str, int] = {}
    cleanings = failed = 0
    watch = Watch()
    began = time.monotonic()
    first_failure: float | None = None
    while datetime.now(timezone.utc) < until:
        for sweeper in sweepers:
            current = cleaning.get(sweeper)
            if current is not None:
                status = api.get(f"/missions/{current}").json()["status"]
                if status not in ENDED:
                    continue
                cleanings += status == "completed"
            body = SQUARE | {"robot": sweeper}
            cleaning[sweeper] = api.post("/missions", json=body).raise_for_status().json()["id"]
            missions[cleaning[sweeper]] = "clean"
        ended = [api.get(f"/missions/{i}").json() for i in missions]
        failures = [m for m in ended if m["status"] == "failed"]
        if (failures or watch.empty) and first_failure is None:
            first_failure = (time.monotonic() - began) * speed_factor / 3600
        failed = len(failures)
        watch.poll(api)
        time.sleep(2)
    hours_run = (time.monotonic() - began) * speed_factor / 3600
    rounds = sum(
        api.get(f"/missions/{i}").json()["progress"]["current_round"]
        for i, kind in missions.items()
        if kind == "patrol"
    )
    sustained = hours_run if first_failure is None else first_failure
    return (
        f"{len(dogs)} dogs, {len(sweepers)} sweepers: worked {sustained:.1f} of {hours_run:.1f} "
        f"simulated h without a failure; {cleanings} cleanings of the square, {rounds} patrol "
        f"rounds, {watch.charges} charge(s), lowest battery {watch.lowest:.0f} %, "
        f"{failed} mission(s) failed, ran empty: {sorted(watch.empty) or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["forecourt", "day"])
    parser.add_argument("--sweepers", default="1,2,4", help="forecourt: fleets to try")
    parser.add_argument("--hours", type=float, default=12.0, help="day: simulated hours")
    parser.add_argument("--limit-hours", type=float, default=48.0, help="forecourt: give up")
    parser.add_argument("--speed-factor", type=float, default=50.0)
    parser.add_argument(
        "--keep", action="store_true", help="keep each run's folder, with the server's info log"
    )
    args = parser.parse_args()
    if args.scenario == "forecourt":
        for count in (int(n) for n in args.sweepers.split(",")):
            with fleet(count, "sanitation", args.speed_factor, args.keep) as api:
                print(forecourt(api, count, args.speed_factor, args.limit_hours), flush=True)
    else:
        kinds = "patrol_dog,sanitation,service"
        with fleet(6, kinds, args.speed_factor, args.keep) as api:
            print(day(api, args.hours, args.speed_factor), flush=True)


if __name__ == "__main__":
    main()
