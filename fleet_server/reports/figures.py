"""The reports' figures, aggregated in SQL over an indexed time range: missions, incidents,
patrol coverage, area cleaned, and robots' utilisation and energy from their days."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from fleet_server.fleet.models.activity import RobotDay
from fleet_server.incidents.models.incident import Incident
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.reports.models import (
    CleaningDay,
    CleaningReport,
    FleetDay,
    IncidentDay,
    IncidentReport,
    MissionCount,
    MissionDay,
    MissionDayKind,
    MissionKindCount,
    MissionReport,
    PatrolDay,
    PatrolReport,
    PeriodPublic,
    RobotUse,
    RobotUseReport,
)
from fleet_server.reports.periods import Period
from fleet_server.reports.sql import (
    checkpoint_counts,
    day_index,
    in_period,
    percentile,
    seconds_between,
)

ENDED = (MissionStatus.COMPLETED, MissionStatus.FAILED, MissionStatus.CANCELLED)


def _share(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class FleetReports:
    """Answers each report for a period, optionally for one site; reads only aggregates."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def missions(self, period: Period, shown: PeriodPublic, site: str | None) -> MissionReport:
        """Missions ended in the period, per day and kind (parts of a shared cleaning left out:
        the shared mission counts)."""
        finished = col(Mission.finished_at)
        inner: Any = (
            select(
                day_index(finished, period).label("day"),
                col(Mission.kind).label("kind"),
                col(Mission.status).label("status"),
            )
            .where(in_period(finished, period), col(Mission.status).in_(ENDED))
            .where(col(Mission.definition)["part"].as_string().is_(None))
        )
        if site is not None:
            inner = inner.where(col(Mission.site_id) == site)
        rows = inner.subquery()
        query = select(rows.c.day, rows.c.kind, rows.c.status, func.count()).group_by(
            rows.c.day, rows.c.kind, rows.c.status
        )
        with self.engine.connect() as connection:
            counted = connection.execute(query).all()
        total = MissionCount()
        days = {i: MissionDay(day=day) for i, day in enumerate(period.days)}
        kinds: dict[str, MissionKindCount] = {}
        both: dict[tuple[int, str], MissionDayKind] = {}
        for index, kind, status, count in counted:
            field = _status(status).value
            for tally in (
                total,
                days[index],
                kinds.setdefault(kind, MissionKindCount(kind=kind)),
                both.setdefault((index, kind), MissionDayKind(day=period.days[index], kind=kind)),
            ):
                setattr(tally, field, getattr(tally, field) + count)
        return MissionReport(
            period=shown,
            total=total,
            days=list(days.values()),
            kinds=[kinds[k] for k in sorted(kinds)],
            days_by_kind=[both[key] for key in sorted(both)],
        )

    def incidents(self, period: Period, shown: PeriodPublic, site: str | None) -> IncidentReport:
        """Incidents reported in the period; report-to-on-scene percentiles of those reached."""
        created = col(Incident.created_at)
        where = in_period(created, period)
        if site is not None:
            where = and_(where, col(Incident.site_id) == site)
        reached = col(Incident.on_scene_at).is_not(None)
        per_day = (
            select(day_index(created, period).label("day"), col(Incident.on_scene_at))
            .where(where)
            .subquery()
        )
        query = select(per_day.c.day, func.count(), func.count(per_day.c.on_scene_at)).group_by(
            per_day.c.day
        )
        with self.engine.connect() as connection:
            counted = {index: (n, r) for index, n, r in connection.execute(query)}
            reached_count = sum(r for _, r in counted.values())
            response = seconds_between(connection.dialect.name, created, col(Incident.on_scene_at))
            both = and_(where, reached)
            p50 = percentile(connection, response, both, reached_count, 0.5)
            p90 = percentile(connection, response, both, reached_count, 0.9)
        days = [
            IncidentDay(
                day=day, reported=counted.get(i, (0, 0))[0], reached=counted.get(i, (0, 0))[1]
            )
            for i, day in enumerate(period.days)
        ]
        return IncidentReport(
            period=shown,
            reported=sum(n for n, _ in counted.values()),
            reached=reached_count,
            response_p50_s=None if p50 is None else round(p50, 1),
            response_p90_s=None if p90 is None else round(p90, 1),
            days=days,
        )

    def patrols(self, period: Period, shown: PeriodPublic, site: str | None) -> PatrolReport:
        """Checkpoint visits and route nodes of the patrols ended in the period."""
        finished = col(Mission.finished_at)
        with self.engine.connect() as connection:
            planned, visited = checkpoint_counts(connection.dialect.name)
            inner = select(
                day_index(finished, period).label("day"),
                planned.label("planned"),
                visited.label("visited"),
                func.json_array_length(col(Mission.plan)).label("nodes"),
                col(Mission.nodes_passed).label("passed"),
            ).where(
                in_period(finished, period),
                col(Mission.status).in_(ENDED),
                col(Mission.kind) == "patrol",
            )
            if site is not None:
                inner = inner.where(col(Mission.site_id) == site)
            rows = inner.subquery()
            query = select(
                rows.c.day,
                func.count(),
                func.sum(rows.c.planned),
                func.sum(rows.c.visited),
                func.sum(rows.c.nodes),
                func.sum(rows.c.passed),
            ).group_by(rows.c.day)
            counted = {int(r[0]): [int(v or 0) for v in r[1:]] for r in connection.execute(query)}
        sums = [sum(values[i] for values in counted.values()) for i in range(5)]
        missions, cp_planned, cp_visited, nodes, passed = sums
        days = []
        for i, day in enumerate(period.days):
            n, p, v, _, _ = counted.get(i, [0, 0, 0, 0, 0])
            days.append(
                PatrolDay(day=day, missions=n, checkpoints_planned=p, checkpoints_visited=v)
            )
        return PatrolReport(
            period=shown,
            missions=missions,
            checkpoints_planned=cp_planned,
            checkpoints_visited=cp_visited,
            checkpoint_percent=_percent(cp_visited, cp_planned),
            nodes_planned=nodes,
            nodes_passed=min(passed, nodes),
            node_percent=_percent(min(passed, nodes), nodes),
            days=days,
        )

    def cleaning(self, period: Period, shown: PeriodPublic, site: str | None) -> CleaningReport:
        """Covered area recorded by the cleaning runs (missions with a robot) ended in the
        period; a shared zone's own mission, which no robot runs, is left out."""
        finished = col(Mission.finished_at)
        cleaning = or_(
            col(Mission.kind) == "clean", col(Mission.definition)["response"].as_string() == "clean"
        )
        area = func.coalesce(col(Mission.results)[("coverage", "covered_m2")].as_float(), 0.0)
        inner = select(day_index(finished, period).label("day"), area.label("area")).where(
            in_period(finished, period),
            col(Mission.status).in_(ENDED),
            col(Mission.robot).is_not(None),
            cleaning,
        )
        if site is not None:
            inner = inner.where(col(Mission.site_id) == site)
        rows = inner.subquery()
        query = select(rows.c.day, func.count(), func.sum(rows.c.area)).group_by(rows.c.day)
        with self.engine.connect() as connection:
            counted = {int(d): (int(n), float(a or 0.0)) for d, n, a in connection.execute(query)}
        days = [
            CleaningDay(
                day=day,
                missions=counted.get(i, (0, 0.0))[0],
                area_m2=round(counted.get(i, (0, 0.0))[1], 1),
            )
            for i, day in enumerate(period.days)
        ]
        return CleaningReport(
            period=shown,
            missions=sum(n for n, _ in counted.values()),
            area_m2=round(sum(a for _, a in counted.values()), 1),
            days=days,
        )

    def robot_use(self, period: Period, shown: PeriodPublic, site: str | None) -> RobotUseReport:
        """Each robot's and each day's online, working and charging time and battery used."""
        where: Any = and_(
            col(RobotDay.day) >= period.first_day, col(RobotDay.day) <= period.last_day
        )
        if site is not None:
            where = and_(where, col(RobotDay.site_id) == site)
        sums = (
            func.sum(RobotDay.seconds_online),
            func.sum(RobotDay.seconds_working),
            func.sum(RobotDay.seconds_charging),
            func.sum(RobotDay.battery_used_percent),
        )
        per_robot = (
            select(
                col(RobotDay.serial_number),
                func.count(),
                *sums,
                func.sum(RobotDay.distance_m),
            )
            .where(where, col(RobotDay.seconds_online) > 0)
            .group_by(col(RobotDay.serial_number))
            .order_by(col(RobotDay.serial_number))
        )
        per_day = (
            select(col(RobotDay.day), func.count(), *sums)
            .where(where, col(RobotDay.seconds_online) > 0)
            .group_by(col(RobotDay.day))
        )
        with self.engine.connect() as connection:
            robots = [_robot_use(row) for row in connection.execute(per_robot)]
            by_day = {row[0]: row for row in connection.execute(per_day)}
        days = [_fleet_day(day, by_day.get(day)) for day in period.days]
        online = sum(r.seconds_online for r in robots)
        working = sum(r.seconds_working for r in robots)
        return RobotUseReport(
            period=shown,
            utilisation=_share(working, online),
            battery_used_percent=round(sum(r.battery_used_percent for r in robots), 1),
            robots=robots,
            days=days,
        )


def _status(stored: Any) -> MissionStatus:
    """A status as read: the enum (through the column's type) or its stored member name."""
    return stored if isinstance(stored, MissionStatus) else MissionStatus[str(stored)]


def _robot_use(row: Any) -> RobotUse:
    serial, days, online, working, charging, used, distance = row
    return RobotUse(
        serial_number=serial,
        days_online=int(days),
        seconds_online=round(float(online), 1),
        seconds_working=round(float(working), 1),
        seconds_charging=round(float(charging), 1),
        utilisation=_share(float(working), float(online)),
        battery_used_percent=round(float(used), 1),
        battery_used_percent_per_day=round(float(used) / days, 1) if days else None,
        distance_m=round(float(distance), 1),
    )


def _fleet_day(day: Any, row: Any) -> FleetDay:
    if row is None:
        return FleetDay(
            day=day,
            robots=0,
            seconds_online=0.0,
            seconds_working=0.0,
            seconds_charging=0.0,
            utilisation=None,
            battery_used_percent=0.0,
        )
    _, robots, online, working, charging, used = row
    return FleetDay(
        day=day,
        robots=int(robots),
        seconds_online=round(float(online), 1),
        seconds_working=round(float(working), 1),
        seconds_charging=round(float(charging), 1),
        utilisation=_share(float(working), float(online)),
        battery_used_percent=round(float(used), 1),
    )
