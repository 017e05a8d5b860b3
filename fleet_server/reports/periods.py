"""Report periods: today, the last 7 or 30 local days of a site, as UTC bounds per local day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum


class Span(str, Enum):
    """How far back a report looks: today, or the last 7 or 30 days (today included)."""

    TODAY = "today"
    DAYS_7 = "7d"
    DAYS_30 = "30d"

    @property
    def days(self) -> int:
        """How many local calendar days the span covers."""
        return {Span.TODAY: 1, Span.DAYS_7: 7, Span.DAYS_30: 30}[self]


@dataclass(frozen=True)
class Period:
    """Local calendar days in a timezone, each with its start in UTC, and the end of the last.

    `starts[i]` is the first instant of `days[i]`; `end` the first instant after the last day
    (tomorrow's midnight), so each day is [starts[i], starts[i + 1]) with `end` closing the last.
    """

    days: tuple[date, ...]
    starts: tuple[datetime, ...]
    end: datetime
    timezone: str

    @property
    def start(self) -> datetime:
        """The first instant of the period (UTC)."""
        return self.starts[0]

    @property
    def first_day(self) -> date:
        """The period's first local day."""
        return self.days[0]

    @property
    def last_day(self) -> date:
        """The period's last local day (today)."""
        return self.days[-1]


def period_of(span: Span, now: datetime, zone: tzinfo, zone_name: str) -> Period:
    """The span's local days up to the one `now` falls on, in `zone`."""
    today = now.astimezone(zone).date()
    days = tuple(today - timedelta(days=back) for back in range(span.days - 1, -1, -1))
    starts = tuple(_midnight(day, zone) for day in days)
    return Period(days, starts, _midnight(today + timedelta(days=1), zone), zone_name)


def _midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of a local day, in UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)
