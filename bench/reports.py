"""Reports benchmark: each report's time over a year of synthetic history for a fleet.

Fills a fresh database (SQLite in a temporary folder, and the PostgreSQL server given) with D days
of plausible history for N robots (half patrol dogs, 30 % sweepers, 20 % service robots): their
robot days (online 14-22 h, working, charging, battery used), their missions (dogs about 6
patrols a day with 8 checkpoint visits each, sweepers 3 cleaning runs with their covered area,
service robots 5 errands; 3 % failed, 2 % cancelled), about 40 incidents a day reached in 30 s to
10 min, and T days of telemetry every S seconds. Then times each report the /reports routes
serve (the same FleetReports calls, without HTTP) for today, 7 and 30 days, and a robot's
24-hour history (/robots/{id}/history), median of R runs each.

    python -m bench.reports                                   # 200 robots, 365 days, SQLite
    python -m bench.reports --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m bench.reports --robots 20 --days 60             # small, on a busy machine
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bench.claims import _fresh_postgres
from fleet_protocol.base import utc_now
from fleet_server.fleet.models.activity import RobotDay
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.fleet.store import RobotStore
from fleet_server.incidents.models.incident import Incident, IncidentType
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.reports.figures import FleetReports
from fleet_server.reports.models import PeriodPublic
from fleet_server.reports.periods import Span, period_of
from fleet_server.schema import open_database

SITE = "longgang-demo"
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)
ROWS_PER_INSERT = 5000
CHECKPOINTS = 8
MISSIONS_PER_DAY = {"patrol": 6, "clean": 3, "service": 5}


def _kind_of(index: int, robots: int) -> str:
    share = index / robots
    return "patrol" if share < 0.5 else ("clean" if share < 0.8 else "service")


def _insert(engine: Engine, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    """Insert rows in chunks; how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == ROWS_PER_INSERT:
            count += _write(engine, table, chunk)
            chunk = []
    return count + (_write(engine, table, chunk) if chunk else 0)


def _write(engine: Engine, table: Any, chunk: list[dict[str, Any]]) -> int:
    with engine.begin() as connection:
        connection.execute(insert(table), chunk)
    return len(chunk)


def _local_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZONE).astimezone(timezone.utc)


def _robot_days(
    rng: random.Random, serials: list[str], days: list[date]
) -> Iterator[dict[str, Any]]:
    for serial in serials:
        for day in days:
            online = rng.uniform(14, 22) * 3600
            working = online * rng.uniform(0.3, 0.7)
            charging = online * rng.uniform(0.1, 0.2)
            yield {
                "serial_number": serial,
                "day": day,
                "site_id": SITE,
                "seconds_online": online,
                "seconds_active": working + charging,
                "zone_seconds": {"longgang-geofence": online},
                "missions_completed": rng.randint(2, 8),
                "distance_m": working * 1.2,
                "seconds_working": working,
                "seconds_charging": charging,
                "battery_used_percent": working / 3600 * rng.uniform(15, 30),
            }


def _outcome(rng: random.Random) -> MissionStatus:
    roll = rng.random()
    if roll < 0.03:
        return MissionStatus.FAILED
    return MissionStatus.CANCELLED if roll < 0.05 else MissionStatus.COMPLETED


def _missions(rng: random.Random, serials: list[str], days: list[date]) -> Iterator[dict[str, Any]]:
    for index, serial in enumerate(serials):
        kind = _kind_of(index, len(serials))
        for day in days:
            noon = _local_noon(day)
            for _ in range(MISSIONS_PER_DAY[kind]):
                ended = noon + timedelta(seconds=rng.uniform(-11, 11) * 3600)
                status = _outcome(rng)
                results: dict[str, Any] = {}
                plan: list[str] = []
                passed = 0
                if kind == "patrol":
                    reached = (
                        CHECKPOINTS if status is MissionStatus.COMPLETED else rng.randint(0, 7)
                    )
                    when = ended.isoformat()
                    results = {
                        "checkpoints": [
                            {
                                "node": f"cp{i}",
                                "round": 1,
                                "reached_at": when if i < reached else None,
                            }
                            for i in range(CHECKPOINTS)
                        ]
                    }
                    plan = [f"n{i}" for i in range(30)]
                    passed = 30 if status is MissionStatus.COMPLETED else rng.randint(0, 29)
                elif kind == "clean":
                    results = {"coverage": {"covered_m2": round(rng.uniform(300, 1500), 1)}}
                yield {
                    "kind": kind,
                    "site_id": SITE,
                    "route": [],
                    "rounds": 1,
                    "status": status,
                    "priority": 0,
                    "definition": {},
                    "results": results,
                    "robot": serial,
                    "plan": plan,
                    "approach_nodes": 0,
                    "round_nodes": 0,
                    "nodes_passed": passed,
                    "order_update_id": 0,
                    "released_until": 0,
                    "errors": [],
                    "reason_params": {},
                    "created_at": ended - timedelta(hours=1),
                    "started_at": ended - timedelta(minutes=50),
                    "finished_at": ended,
                }


def _incidents(rng: random.Random, days: list[date], per_day: int) -> Iterator[dict[str, Any]]:
    for day in days:
        noon = _local_noon(day)
        for _ in range(per_day):
            reported = noon + timedelta(seconds=rng.uniform(-12, 11.9) * 3600)
            reached = rng.random() < 0.9
            yield {
                "type": IncidentType.STREET_VENDING,
                "site_id": SITE,
                "x": 0.0,
                "y": 0.0,
                "node": "street-sw",
                "severity": "MEDIUM",
                "source": "camera",
                "description": "",
                "reported_by": "analytics",
                "status": "RESOLVED",
                "repeat_of": [],
                "evidence": [],
                "reason_params": {},
                "resolution_params": {},
                "spoken": [],
                "created_at": reported,
                "on_scene_at": reported + timedelta(seconds=rng.uniform(30, 600))
                if reached
                else None,
            }


def _telemetry(
    rng: random.Random, serials: list[str], end: datetime, days: float, interval_s: float
) -> Iterator[dict[str, Any]]:
    steps = int(days * 86400 / interval_s)
    start = end - timedelta(days=days)
    for serial in serials:
        battery = 100.0
        for step in range(steps):
            charging = battery < 25 or (battery < 95 and rng.random() < 0.02)
            battery = min(100.0, battery + 1.0) if charging else max(0.0, battery - 0.05)
            yield {
                "serial_number": serial,
                "time": start + timedelta(seconds=step * interval_s),
                "x": 0.0,
                "y": 0.0,
                "theta": 0.0,
                "map_id": "longgang",
                "battery": round(battery, 1),
                "driving": not charging,
                "charging": charging,
                "mission_id": None,
            }


def fill(engine: Engine, args: argparse.Namespace) -> None:
    """Write the synthetic history; prints what and how long it took."""
    rng = random.Random(5050)
    now = utc_now()
    today = now.astimezone(ZONE).date()
    days = [today - timedelta(days=back) for back in range(args.days - 1, -1, -1)]
    serials = [f"robot-{i:04d}" for i in range(args.robots)]
    for name, table, rows in (
        ("robot days", RobotDay, _robot_days(rng, serials, days)),
        ("missions", Mission, _missions(rng, serials, days)),
        ("incidents", Incident, _incidents(rng, days, args.incidents_per_day)),
        (
            "telemetry samples",
            TelemetrySample,
            _telemetry(rng, serials, now, args.telemetry_days, args.telemetry_interval),
        ),
    ):
        started = time.perf_counter()
        count = _insert(engine, table, rows)
        print(f"  {count:>9,} {name} written in {time.perf_counter() - started:.1f} s", flush=True)


def _median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _call(answer: Callable[..., object], span: Span) -> Callable[[], object]:
    """One report for the span as the route asks for it (all sites)."""
    period = period_of(span, utc_now(), ZONE, ZONE_NAME)
    shown = PeriodPublic.of(span, period)
    return lambda: answer(period, shown, None)


def measure(engine: Engine, runs: int) -> None:
    """Print each report's median time per span, and a robot's 24-hour history."""
    reports = FleetReports(engine)
    calls = {
        "missions": reports.missions,
        "incidents": reports.incidents,
        "patrols": reports.patrols,
        "cleaning": reports.cleaning,
        "utilisation": reports.robot_use,
    }
    print(f"  {'route':<28}" + "".join(f"{span.value:>10}" for span in Span))
    for name, answer in calls.items():
        cells = [_median_ms(_call(answer, span), runs) for span in Span]
        print(f"  {'/reports/' + name:<28}" + "".join(f"{ms:>8.1f}ms" for ms in cells))
    store = RobotStore(engine)
    end = utc_now()
    ms = _median_ms(lambda: store.history("robot-0000", end - timedelta(hours=24), end, 500), runs)
    print(f"  {'/robots/{id}/history 24 h':<28}{ms:>8.1f}ms  (500 points)")


def run(url: str, label: str, args: argparse.Namespace) -> None:
    print(f"{label}:", flush=True)
    engine = open_database(url, upgrade=True)
    try:
        fill(engine, args)
        measure(engine, args.runs)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--incidents-per-day", type=int, default=40)
    parser.add_argument("--telemetry-days", type=float, default=1.0)
    parser.add_argument("--telemetry-interval", type=float, default=30.0, help="seconds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--postgres-url", help="a PostgreSQL server to run on too (a fresh database)"
    )
    args = parser.parse_args()
    print(
        f"{args.robots} robots, {args.days} days of history, {args.incidents_per_day} incidents a "
        f"day, {args.telemetry_days:g} days of telemetry every {args.telemetry_interval:g} s; "
        f"median of {args.runs} runs"
    )
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'reports.db'}", "SQLite", args)
    if args.postgres_url:
        with _fresh_postgres(args.postgres_url) as url:
            run(url, "PostgreSQL", args)


if __name__ == "__main__":
    main()
