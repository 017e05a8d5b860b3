"""What the report routes answer: the period and the figures of each report."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from fleet_server.reports.periods import Period, Span


class PeriodPublic(BaseModel):
    """The local days a report covers (both included) and its bounds in UTC."""

    span: Span
    timezone: str
    first_day: date
    last_day: date
    start: datetime
    end: datetime

    @classmethod
    def of(cls, span: Span, period: Period) -> PeriodPublic:
        """The public view of a period."""
        return cls(
            span=span,
            timezone=period.timezone,
            first_day=period.first_day,
            last_day=period.last_day,
            start=period.start,
            end=period.end,
        )


class RobotsNow(BaseModel):
    """How many robots are in each state right now (the console's colours)."""

    total: int
    working: int
    idle: int
    charging: int
    paused: int
    error: int
    offline: int


class MissionCount(BaseModel):
    """Missions that ended completed, failed or cancelled."""

    completed: int = 0
    failed: int = 0
    cancelled: int = 0


class MissionDay(MissionCount):
    """Missions that ended on one local day."""

    day: date


class MissionKindCount(MissionCount):
    """Missions of one kind that ended in the period."""

    kind: str


class MissionDayKind(MissionCount):
    """Missions of one kind that ended on one local day."""

    day: date
    kind: str


class MissionReport(BaseModel):
    """Missions ended in the period (a shared cleaning counts once, not per robot's part)."""

    period: PeriodPublic
    total: MissionCount
    days: list[MissionDay]
    kinds: list[MissionKindCount]
    days_by_kind: list[MissionDayKind]


class IncidentDay(BaseModel):
    """Incidents reported on one local day, and how many of them a robot reached."""

    day: date
    reported: int
    reached: int


class IncidentReport(BaseModel):
    """Incidents reported in the period and the time from report to a robot on scene (seconds;
    percentiles interpolated between the nearest ranks; None when no robot reached one)."""

    period: PeriodPublic
    reported: int
    reached: int
    response_p50_s: float | None
    response_p90_s: float | None
    days: list[IncidentDay]


class PatrolDay(BaseModel):
    """Patrols ended on one local day: checkpoint visits planned and made."""

    day: date
    missions: int
    checkpoints_planned: int
    checkpoints_visited: int


class PatrolReport(BaseModel):
    """Patrol coverage of the patrols ended in the period (completed, failed or cancelled):
    checkpoint visits made (reached) of those planned (every checkpoint in every round), and
    route nodes passed of those planned; percentages None when none were planned."""

    period: PeriodPublic
    missions: int
    checkpoints_planned: int
    checkpoints_visited: int
    checkpoint_percent: float | None
    nodes_planned: int
    nodes_passed: int
    node_percent: float | None
    days: list[PatrolDay]


class CleaningDay(BaseModel):
    """Area cleaned by the cleaning runs that ended on one local day."""

    day: date
    missions: int
    area_m2: float


class CleaningReport(BaseModel):
    """Area cleaned (m², the covered area each cleaning run recorded when it ended; a shared
    zone counts each robot's part) in the period."""

    period: PeriodPublic
    missions: int
    area_m2: float
    days: list[CleaningDay]


class RobotUse(BaseModel):
    """One robot over the period: time online, working and charging, its utilisation (share of
    its online time spent working), and battery percent used, in all and per day it was online."""

    serial_number: str
    days_online: int
    seconds_online: float
    seconds_working: float
    seconds_charging: float
    utilisation: float | None
    battery_used_percent: float
    battery_used_percent_per_day: float | None
    distance_m: float


class FleetDay(BaseModel):
    """The whole fleet on one local day."""

    day: date
    robots: int
    seconds_online: float
    seconds_working: float
    seconds_charging: float
    utilisation: float | None
    battery_used_percent: float


class RobotUseReport(BaseModel):
    """Utilisation and energy per robot and per day, from the robots' days (site's timezone):
    the fleet's battery percent used in all, and on average per robot and day it was online."""

    period: PeriodPublic
    utilisation: float | None
    battery_used_percent: float
    battery_used_percent_per_robot_day: float | None
    robots: list[RobotUse]
    days: list[FleetDay]
