"""Known history written straight into a test database: missions, incidents and robot days whose
report figures are known exactly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from fleet_server.db import session_scope
from fleet_server.fleet.models.activity import RobotDay
from fleet_server.incidents.models.incident import Incident, IncidentType
from fleet_server.missions.models.mission import Mission, MissionStatus

SITE = "longgang-demo"
ZONE = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on a day of the site, aware."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _checkpoints(planned: int, reached: int) -> dict[str, Any]:
    return {
        "checkpoints": [
            {
                "node": f"n{i}",
                "round": 1,
                "reached_at": "2026-01-01T00:00:00Z" if i < reached else None,
            }
            for i in range(planned)
        ]
    }


def _mission(kind: str, status: MissionStatus, ended: datetime, **fields: Any) -> Mission:
    return Mission(kind=kind, site_id=SITE, status=status, finished_at=ended, **fields)


def fill_missions(engine: Engine, today: date) -> None:
    """Two days ago: 2 patrols completed (checkpoints 3 of 4 and 2 of 2; nodes 8 of 8 and 2
    of 4), 1 patrol failed (no checkpoints, nodes 1 of 6), 1 respond cancelled. Yesterday: a
    cleaning run completed (120.5 m²) and a shared cleaning completed (its own mission says
    200 m², its two parts 100 m² and 80 m²). Eight days ago: a patrol completed, outside 7 days."""
    two_ago, yesterday = today - timedelta(days=2), today - timedelta(days=1)
    with session_scope(engine) as session:
        for mission in (
            _mission(
                "patrol",
                MissionStatus.COMPLETED,
                local(two_ago, 9),
                robot="dog-01",
                results=_checkpoints(4, 3),
                plan=["a"] * 8,
                nodes_passed=8,
            ),
            _mission(
                "patrol",
                MissionStatus.COMPLETED,
                local(two_ago, 23, 59),
                robot="dog-02",
                results=_checkpoints(2, 2),
                plan=["a"] * 4,
                nodes_passed=2,
            ),
            _mission(
                "patrol",
                MissionStatus.FAILED,
                local(two_ago, 0, 1),
                robot="dog-01",
                plan=["a"] * 6,
                nodes_passed=1,
            ),
            _mission("respond", MissionStatus.CANCELLED, local(two_ago, 10), robot="dog-02"),
            _mission(
                "clean",
                MissionStatus.COMPLETED,
                local(yesterday, 8),
                robot="sweeper-01",
                results={"coverage": {"covered_m2": 120.5}},
            ),
            _mission(
                "clean",
                MissionStatus.COMPLETED,
                local(yesterday, 12),
                definition={"parts": [7, 8]},
                results={"coverage": {"covered_m2": 200.0}},
            ),
            _mission(
                "clean",
                MissionStatus.COMPLETED,
                local(yesterday, 11),
                robot="sweeper-01",
                definition={"part": {"of": 6, "index": 0, "count": 2}},
                results={"coverage": {"covered_m2": 100.0}},
            ),
            _mission(
                "clean",
                MissionStatus.COMPLETED,
                local(yesterday, 12),
                robot="sweeper-02",
                definition={"part": {"of": 6, "index": 1, "count": 2}},
                results={"coverage": {"covered_m2": 80.0}},
            ),
            _mission(
                "patrol",
                MissionStatus.COMPLETED,
                local(today - timedelta(days=8), 12),
                robot="dog-01",
                results=_checkpoints(5, 5),
                plan=["a"] * 5,
                nodes_passed=5,
            ),
        ):
            session.add(mission)
        # Still running: no figure counts it.
        session.add(Mission(kind="patrol", site_id=SITE, status=MissionStatus.RUNNING))


def _incident(reported: datetime, on_scene_after_s: float | None) -> Incident:
    on_scene = None if on_scene_after_s is None else reported + timedelta(seconds=on_scene_after_s)
    return Incident(
        type=IncidentType.STREET_VENDING,
        site_id=SITE,
        x=0.0,
        y=0.0,
        node="street-sw",
        source="camera-7",
        reported_by="analytics",
        created_at=reported,
        on_scene_at=on_scene,
    )


def fill_incidents(engine: Engine, today: date) -> None:
    """Yesterday: reached after 60 s and after 120 s, and one not reached; 3 days ago: reached
    after 30.5 s; 10 days ago (outside 7 days): reached after 1000 s."""
    yesterday = today - timedelta(days=1)
    with session_scope(engine) as session:
        for incident in (
            _incident(local(yesterday, 9), 60),
            _incident(local(yesterday, 10), 120),
            _incident(local(yesterday, 11), None),
            _incident(local(today - timedelta(days=3), 15), 30.5),
            _incident(local(today - timedelta(days=10), 15), 1000),
        ):
            session.add(incident)


def fill_robot_days(engine: Engine, today: date) -> None:
    """dog-01 two days ago: 1 h online, 30 min working, 10 min charging, 12 % used; yesterday:
    2 h online, 30 min working, 20 % used. dog-02 yesterday: 1 h online all working, 30 % used.
    dog-03 twenty days ago: outside 7 days."""
    rows = (
        ("dog-01", today - timedelta(days=2), 3600, 1800, 600, 12.0),
        ("dog-01", today - timedelta(days=1), 7200, 1800, 0, 20.0),
        ("dog-02", today - timedelta(days=1), 3600, 3600, 0, 30.0),
        ("dog-03", today - timedelta(days=20), 3600, 3600, 0, 50.0),
    )
    with session_scope(engine) as session:
        for serial, day, online, working, charging, used in rows:
            session.add(
                RobotDay(
                    serial_number=serial,
                    day=day,
                    site_id=SITE,
                    seconds_online=online,
                    seconds_active=working + charging,
                    seconds_working=working,
                    seconds_charging=charging,
                    battery_used_percent=used,
                    distance_m=100.0,
                )
            )
