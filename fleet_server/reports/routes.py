"""/reports: the fleet's day in figures for today, the last 7 or 30 days in the site's timezone
(robots now, missions, incidents, patrol coverage, area cleaned, utilisation and energy)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter

from fleet_protocol.base import utc_now
from fleet_server.fields import Identifier
from fleet_server.fleet.models.robot import RobotStatus
from fleet_server.reports.figures import FleetReports
from fleet_server.reports.models import (
    CleaningReport,
    IncidentReport,
    MissionReport,
    PatrolReport,
    PeriodPublic,
    RobotsNow,
    RobotUseReport,
)
from fleet_server.reports.periods import Period, Span, period_of
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader
from fleet_server.wiring import Fleet

router = APIRouter(prefix="/reports", tags=["reports"])

ReportT = TypeVar("ReportT")
UTC = "UTC"


def _period(fleet: Fleet, span: Span, site: str | None) -> tuple[Period, PeriodPublic]:
    """The span in the site's timezone: the one named (404 if unknown), else the first site's."""
    if site is not None:
        zone_name = fleet.sites.get(site).timezone
    else:
        sites = sorted(fleet.sites.all(), key=lambda s: s.id)
        zone_name = sites[0].timezone if sites else UTC
    period = period_of(span, utc_now(), ZoneInfo(zone_name), zone_name)
    return period, PeriodPublic.of(span, period)


async def _report(
    fleet: Fleet,
    span: Span,
    site: str | None,
    answer: Callable[[FleetReports, Period, PeriodPublic, str | None], ReportT],
) -> ReportT:
    period, shown = _period(fleet, span, site)
    return await asyncio.to_thread(answer, FleetReports(fleet.engine), period, shown, site)


@router.get("/robots-now")
async def robots_now(fleet: FleetDep, _: FleetReader, site: Identifier | None = None) -> RobotsNow:
    """How many robots are working, idle, charging, paused, in error and offline now (on the
    site's map when `site` is given) (roles: admin, operator, viewer, auditor)."""
    robots = fleet.registry.all()
    if site is not None:
        map_id = fleet.sites.get(site).map_id
        robots = [robot for robot in robots if robot.map_id == map_id]
    counts = Counter(fleet.registry.public(robot).status for robot in robots)
    return RobotsNow(
        total=len(robots), **{status.value: counts.get(status, 0) for status in RobotStatus}
    )


@router.get("/missions")
async def mission_report(
    fleet: FleetDep, _: FleetReader, span: Span = Span.TODAY, site: Identifier | None = None
) -> MissionReport:
    """Missions completed, failed and cancelled per local day and per kind (roles: admin,
    operator, viewer, auditor)."""
    return await _report(fleet, span, site, FleetReports.missions)


@router.get("/incidents")
async def incident_report(
    fleet: FleetDep, _: FleetReader, span: Span = Span.TODAY, site: Identifier | None = None
) -> IncidentReport:
    """Incidents reported per local day and the response time from report to a robot on scene,
    p50 and p90 (roles: admin, operator, viewer, auditor)."""
    return await _report(fleet, span, site, FleetReports.incidents)


@router.get("/patrols")
async def patrol_report(
    fleet: FleetDep, _: FleetReader, span: Span = Span.TODAY, site: Identifier | None = None
) -> PatrolReport:
    """Patrol coverage: checkpoint visits made of those planned, route nodes passed of those
    planned, of the patrols ended in the period (roles: admin, operator, viewer, auditor)."""
    return await _report(fleet, span, site, FleetReports.patrols)


@router.get("/cleaning")
async def cleaning_report(
    fleet: FleetDep, _: FleetReader, span: Span = Span.TODAY, site: Identifier | None = None
) -> CleaningReport:
    """Area cleaned (m²) per local day, from the coverage each cleaning run recorded (roles:
    admin, operator, viewer, auditor)."""
    return await _report(fleet, span, site, FleetReports.cleaning)


@router.get("/utilisation")
async def utilisation_report(
    fleet: FleetDep, _: FleetReader, span: Span = Span.TODAY, site: Identifier | None = None
) -> RobotUseReport:
    """Per robot and per local day: time online, working and charging, utilisation (working
    share of online time) and battery percent used (roles: admin, operator, viewer, auditor)."""
    return await _report(fleet, span, site, FleetReports.robot_use)
