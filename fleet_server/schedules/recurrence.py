"""Recurring schedules: the runs a recurrence rule gives, the runs due now, rules that never run.

A run time is a local wall time of the schedule's timezone turned into a UTC instant:
- on a spring-forward day a wall time inside the gap (02:30 when clocks jump 02:00 -> 03:00)
  runs at the first instant after the gap (03:00 local), once even if several times fell in it;
- on a fall-back day an ambiguous wall time (02:30 when clocks return 03:00 -> 02:00) runs once,
  at its first occurrence (fold=0);
- interval runs keep their wall-clock spacing (00:00, 00:30, ... local), so the gap's slots collapse
  onto the first instant after it and the repeated hour has no second round of runs.
Blackouts are checked against the run's instant; a run inside one never happens and is never missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice, takewhile
from zoneinfo import ZoneInfo

from fleet_server.schedules.recurrence_rules import (
    WEEKDAYS,
    DailyBlackout,
    IntervalRecurrence,
    PeriodBlackout,
    Recurrence,
    WeeklyRecurrence,
)
from fleet_server.schedules.texts import ALL_BLACKED_OUT, END_DATE_PAST, NO_DAYS, RUNS_ALL_PAST
from fleet_server.texts import Text

HORIZON_DAYS = 400
"""How far past a search's first day the engine looks for runs before concluding there are none."""

DEFAULT_TOLERANCE = timedelta(minutes=1)
"""How late a run may start and still be on time; at least the scheduler's check interval."""

_DAY = timedelta(days=1)
_Span = tuple[datetime, datetime]


class NoRuns(ValueError):
    """A schedule that would never run; `field` names the setting to change and `reason` says
    why, in words the console translates."""

    def __init__(self, field: str, reason: Text) -> None:
        super().__init__(f"schedule has no runs: {reason}")
        self.field = field
        self.reason = reason


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time: its first occurrence, or the end of its gap."""
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    return _gap_end(wall, zone)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    # Read with the offsets of either side of the jump, a wall time in the gap gives one instant
    # before the transition and one after it; bisect down to the transition's whole second.
    before, after = sorted(int(wall.replace(tzinfo=zone, fold=f).timestamp()) for f in (0, 1))
    offset_after = datetime.fromtimestamp(after, zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, timezone.utc)


def next_runs(rule: Recurrence, after: datetime, count: int = 10) -> list[datetime]:
    """The next `count` runs strictly after `after` (aware), in UTC; fewer if the schedule ends."""
    return list(islice(_runs_after(rule, after), count))


def due_runs(
    rule: Recurrence,
    last_checked: datetime | None,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> list[datetime]:
    """The scheduled run times to start now, given when the scheduler last checked (None: never).

    Runs in (last_checked, now] are due; those more than `tolerance` old were missed (the server
    was down or stalled). On-time runs are always due. Missed runs are dropped under "skip"; under
    "run_once" the latest of them stands for all and is due, unless an on-time run already covers
    them or `now` is inside a blackout.
    """
    _require_aware(now, "now")
    cutoff = now - tolerance
    if last_checked is not None:
        _require_aware(last_checked, "last_checked")
    since = cutoff if last_checked is None else max(last_checked, cutoff)
    on_time = list(takewhile(lambda run: run <= now, _runs_after(rule, since)))
    if on_time or rule.missed_runs == "skip" or last_checked is None or last_checked >= cutoff:
        return on_time
    missed = _latest_run_between(rule, last_checked, cutoff)
    if missed is None or _blacked_out(rule, now):
        return []
    return [missed]


def validate_has_runs(rule: Recurrence, now: datetime) -> datetime:
    """The first run after `now`; NoRuns saying why if there is none within the horizon."""
    runs = next_runs(rule, now, count=1)
    if runs:
        return runs[0]
    field, reason = _why_no_runs(rule, now)
    raise NoRuns(field, reason)


def _why_no_runs(rule: Recurrence, now: datetime) -> tuple[str, Text]:
    zone = rule.zone
    today = now.astimezone(zone).date()
    if rule.end_date is not None and rule.end_date < today:
        return "end_date", END_DATE_PAST.of(
            end_date=str(rule.end_date), today=str(today), timezone=rule.timezone
        )
    first_day = max(today, rule.start_date or today)
    last_day = _last_day(rule, first_day)
    without_blackouts = rule.model_copy(update={"blackouts": []})
    candidates = next_runs(without_blackouts, now, count=1)
    if candidates:
        first = candidates[0].astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return "blackouts", ALL_BLACKED_OUT.of(
            first=first, last_day=str(last_day), timezone=rule.timezone
        )
    if any(_schedule_days(rule, first_day, last_day)):
        return "end_date", RUNS_ALL_PAST.of(end_date=str(rule.end_date))
    return "days", NO_DAYS.of(
        days=list(rule.days), first_day=str(first_day), last_day=str(last_day)
    )


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment.isoformat()}")


def _last_day(rule: Recurrence, first_day: date) -> date:
    horizon = first_day + timedelta(days=HORIZON_DAYS)
    return horizon if rule.end_date is None else min(horizon, rule.end_date)


def _runs_after(rule: Recurrence, after: datetime) -> Iterator[datetime]:
    """Every run strictly after `after`, in order, each instant once, until the horizon."""
    _require_aware(after, "after")
    # A window that opened the day before may still be running after midnight.
    first_day = after.astimezone(rule.zone).date() - _DAY
    if rule.start_date is not None:
        first_day = max(first_day, rule.start_date)
    previous: datetime | None = None
    for day in _schedule_days(rule, first_day, _last_day(rule, first_day)):
        for run in _runs_of_day(rule, day):
            if run > after and run != previous:
                yield run
            previous = run


def _latest_run_between(rule: Recurrence, start: datetime, end: datetime) -> datetime | None:
    """The latest run in (start, end], searching back day by day from `end`."""
    zone = rule.zone
    day = end.astimezone(zone).date()
    first_day = max(start.astimezone(zone).date() - _DAY, day - timedelta(days=HORIZON_DAYS))
    while day >= first_day:
        if _is_schedule_day(rule, day):
            runs = [run for run in _runs_of_day(rule, day) if start < run <= end]
            if runs:
                return runs[-1]
        day -= _DAY
    return None


def _schedule_days(rule: Recurrence, first_day: date, last_day: date) -> Iterator[date]:
    """The schedule days from first_day to last_day."""
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        if _is_schedule_day(rule, day):
            yield day


def _is_schedule_day(rule: Recurrence, day: date) -> bool:
    """Whether the schedule runs on `day` (or its window opens then), within its dates."""
    if rule.start_date is not None and day < rule.start_date:
        return False
    if rule.end_date is not None and day > rule.end_date:
        return False
    return WEEKDAYS[day.weekday()] in rule.days


def _runs_of_day(rule: Recurrence, day: date) -> list[datetime]:
    """The runs of one schedule day, blackouts excluded, sorted, each instant once."""
    zone = rule.zone
    walls = _walls_of_day(rule, day)
    spans = _blackout_spans(rule, day)
    first, last = local_instant(walls[0], zone), local_instant(walls[-1], zone)
    # A day wholly inside one blackout (a holiday week) needs no run-by-run look.
    if any(start <= first and last < end for start, end in spans):
        return []
    runs = sorted({local_instant(wall, zone) for wall in walls})
    return [run for run in runs if not _inside(run, spans)]


def _walls_of_day(rule: Recurrence, day: date) -> list[datetime]:
    """A schedule day's local wall times, in order; an overnight window runs into the next date."""
    if isinstance(rule, WeeklyRecurrence):
        return [datetime.combine(day, clock) for clock in rule.times]
    return _interval_walls(rule, day)


def _interval_walls(rule: IntervalRecurrence, day: date) -> list[datetime]:
    start, end = _local_span(day, rule.window.start, rule.window.end)
    step = timedelta(minutes=rule.every_minutes)
    count = (end - start) // step + 1
    return [start + index * step for index in range(count)]


def _local_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A daily window's wall-clock start and end on `day`; an end before start is the next day's."""
    closing_day = day + _DAY if end < start else day
    return datetime.combine(day, start), datetime.combine(closing_day, end)


def _blackout_spans(rule: Recurrence, day: date) -> list[_Span]:
    """The blackouts that can touch the runs of schedule day `day`, which may reach the next day."""
    zone = rule.zone
    spans: list[_Span] = []
    for blackout in rule.blackouts:
        if isinstance(blackout, PeriodBlackout):
            spans.append((_absolute(blackout.start, zone), _absolute(blackout.end, zone)))
        else:
            spans.extend(_daily_spans(blackout, day, zone))
    return _merged(spans)


def _merged(spans: list[_Span]) -> list[_Span]:
    """Spans joined where they touch or overlap, so blackouts that tile a day cover it as one."""
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _daily_spans(blackout: DailyBlackout, day: date, zone: ZoneInfo) -> Iterator[_Span]:
    for opening in (day - _DAY, day, day + _DAY):
        if WEEKDAYS[opening.weekday()] in blackout.days:
            start, end = _local_span(opening, blackout.start, blackout.end)
            yield local_instant(start, zone), local_instant(end, zone)


def _absolute(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        return local_instant(moment, zone)
    return moment.astimezone(timezone.utc)


def _inside(instant: datetime, spans: list[_Span]) -> bool:
    return any(start <= instant < end for start, end in spans)


def _blacked_out(rule: Recurrence, instant: datetime) -> bool:
    day = instant.astimezone(rule.zone).date()
    return _inside(instant, _blackout_spans(rule, day))
