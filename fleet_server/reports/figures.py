"""The reports' figures, aggregated in SQL over an indexed time range: missions, incidents,
patrol coverage, area cleaned, and robots' utilisation and energy from their days."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select, true
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
    checkpoint_visits,
    day_index,
    in_period,
    percentile,
    seconds_between,
)

# Missions are counted by finished_at, which missions.ending sets exactly when one ends (with
# one of these statuses): a range on its index finds them without reading the status.
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
            .where(in_period(finished, period))
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
            if _status(status) not in ENDED:
                continue
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
        """Checkpoint visits and route nodes of the patrols ended in the period: one query for
        the missions and their nodes, one that reads each one's checkpoint visits once."""
        finished = col(Mission.finished_at)
        patrols: Any = and_(in_period(finished, period), col(Mission.kind) == "patrol")
        if site is not None:
            patrols = and_(patrols, col(Mission.site_id) == site)
        day = day_index(finished, period).label("day")
        per_mission = select(
            day,
            func.json_array_length(col(Mission.plan)).label("nodes"),
            col(Mission.nodes_passed).label("passed"),
        ).where(patrols)
        with self.engine.connect() as connection:
            visits, reached = checkpoint_visits(connection.dialect.name)
            per_visit = (
                select(day, reached.label("reached"))
                .select_from(Mission)
                .join(visits, true())
                .where(patrols)
            )
            one, two = per_mission.subquery(), per_visit.subquery()
            missions_query = select(
                one.c.day, func.count(), func.sum(one.c.nodes), func.sum(one.c.passed)
            ).group_by(one.c.day)
            visits_query = select(two.c.day, func.count(), func.count(two.c.reached)).group_by(
                two.c.day
            )
            by_day = {
                int(d): (int(n), int(k or 0), int(p or 0))
                for d, n, k, p in connection.execute(missions_query)
            }
            seen = {int(d): (int(p), int(v)) for d, p, v in connection.execute(visits_query)}
        days = [
            PatrolDay(
                day=day,
                missions=by_day.get(i, (0, 0, 0))[0],
                checkpoints_planned=seen.get(i, (0, 0))[0],
                checkpoints_visited=seen.get(i, (0, 0))[1],
            )
            for i, day in enumerate(period.days)
        ]
        nodes = sum(k for _, k, _ in by_day.values())
        passed = min(nodes, sum(p for _, _, p in by_day.values()))
        planned = sum(d.checkpoints_planned for d in days)
        visited = sum(d.checkpoints_visited for d in days)
        return PatrolReport(
            period=shown,
            missions=sum(d.missions for d in days),
            checkpoints_planned=planned,
            checkpoints_visited=visited,
            checkpoint_percent=_percent(visited, planned),
            nodes_planned=nodes,
            nodes_passed=passed,
            node_percent=_percent(passed, nodes),
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
        used = sum(r.battery_used_percent for r in robots)
        robot_days = sum(r.days_online for r in robots)
        return RobotUseReport(
            period=shown,
            utilisation=_share(working, online),
            battery_used_percent=round(used, 1),
            battery_used_percent_per_robot_day=round(used / robot_days, 1) if robot_days else None,
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
