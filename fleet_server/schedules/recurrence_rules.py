"""Recurrence rules: the request schema of a recurring schedule, each field validated by name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from fleet_server.fields import Day, WallClock

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# In date.weekday() order, so WEEKDAYS[day.weekday()] names a date's day.
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)

# Each time of a day at most once.
MINUTES_A_DAY = 24 * 60

_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _parse_clock(value: object) -> object:
    if isinstance(value, str):
        if not _CLOCK.fullmatch(value):
            raise PydanticCustomError(
                "local_time",
                "'{value}' is not a local time HH:MM from 00:00 to 23:59",
                {"value": value},
            )
        return time(int(value[:2]), int(value[3:]))
    if isinstance(value, time) and (value.second, value.microsecond, value.tzinfo) != (0, 0, None):
        raise PydanticCustomError(
            "whole_minute", "{value} is not a whole local minute HH:MM", {"value": str(value)}
        )
    return value


ClockTime = Annotated[
    time,
    BeforeValidator(_parse_clock),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{_CLOCK.pattern}$", "examples": ["09:30"]}),
]
"""A local wall-clock time, "HH:MM" on the wire."""


def _check_days(days: list[Weekday]) -> list[Weekday]:
    if not days:
        raise PydanticCustomError(
            "no_days", "at least one day of the week is needed (mon, tue, ... sun)"
        )
    _reject_repeats(days)
    return sorted(days, key=WEEKDAYS.index)


def _check_times(times: list[time]) -> list[time]:
    if not times:
        raise PydanticCustomError("no_times", "at least one time HH:MM is needed")
    _reject_repeats([value.strftime("%H:%M") for value in times])
    return sorted(times)


def _reject_repeats(values: Sequence[str]) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise PydanticCustomError(
            "repeated", "{values} listed more than once", {"values": ", ".join(repeated)}
        )


WeekDays = Annotated[list[Weekday], Field(max_length=len(WEEKDAYS)), AfterValidator(_check_days)]
"""Days of the week: at least one, each once, kept in week order."""

_EVERY_DAY: list[Weekday] = list(WEEKDAYS)


def _end_differs_from_start(end: time, info: ValidationInfo) -> time:
    if end == info.data.get("start"):
        raise PydanticCustomError(
            "end_is_start", "end must differ from start (an end before start closes the next day)"
        )
    return end


class _Strict(BaseModel):
    # A misspelt field ("every_minute") is an error naming it, not a setting silently ignored.
    model_config = ConfigDict(extra="forbid")


class DailyWindow(_Strict):
    """Local times between which an interval schedule runs each day, both ends included.

    An `end` earlier than `start` closes on the next day (22:00-06:00 is a night window).
    """

    start: ClockTime
    end: ClockTime

    _end = field_validator("end")(_end_differs_from_start)


class DailyBlackout(_Strict):
    """No run from `start` (included) to `end` (excluded) local time, on each of `days`.

    An `end` earlier than `start` closes on the next day; `days` are the days the blackout opens.
    """

    kind: Literal["daily"]
    start: ClockTime
    end: ClockTime
    days: WeekDays = Field(default_factory=lambda: list(_EVERY_DAY))

    _end = field_validator("end")(_end_differs_from_start)


class PeriodBlackout(_Strict):
    """No run from `start` (included) to `end` (excluded), once.

    Both are local date-times in the schedule's timezone ("2025-10-01T00:00"), or both carry
    a UTC offset ("2025-10-01T00:00+08:00").
    """

    kind: Literal["period"]
    start: WallClock
    end: WallClock

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is None:
            return end
        if (start.tzinfo is None) != (end.tzinfo is None):
            raise PydanticCustomError(
                "mixed_offsets", "end and start must both be local times or both carry a UTC offset"
            )
        if end <= start:
            raise PydanticCustomError(
                "end_before_start",
                "end {end} must be after start {start}",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end


Blackout = Annotated[DailyBlackout | PeriodBlackout, Field(discriminator="kind")]
"""A window in which no run happens: every day ("daily") or once ("period")."""


class RecurrenceBase(_Strict):
    """What every recurrence has: where its clock is, blackouts, missed runs, first and last day."""

    # No name of the timezone database is this long; the validator below names a bad one.
    timezone: str = Field(max_length=100, examples=["Asia/Shanghai"])
    # Capped so that checking a rule for runs stays a quick, bounded piece of work.
    blackouts: list[Blackout] = Field(default_factory=list, max_length=100)
    missed_runs: Literal["skip", "run_once"] = "skip"
    start_date: Day | None = None
    end_date: Day | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        problem = PydanticCustomError(
            "timezone",
            "'{name}' is not an IANA timezone name such as 'Asia/Shanghai'",
            {"name": name},
        )
        # "localtime" is the server's own clock setting, not a place: it moves with the server.
        if name == "localtime":
            raise problem
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise problem from None
        return name

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if end is not None and start is not None and end < start:
            raise PydanticCustomError(
                "end_date_before_start",
                "end_date {end} is before start_date {start}",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's timezone."""
        return ZoneInfo(self.timezone)


class WeeklyRecurrence(RecurrenceBase):
    """Runs at each of `times` (local) on each of `days`."""

    kind: Literal["weekly"]
    days: WeekDays
    times: Annotated[list[ClockTime], Field(max_length=MINUTES_A_DAY), AfterValidator(_check_times)]


class IntervalRecurrence(RecurrenceBase):
    """Runs every `every_minutes` from `window.start` to `window.end` (local) on each of `days`.

    The series restarts at `window.start` each day; `days` are the days the window opens.
    """

    kind: Literal["interval"]
    every_minutes: int = Field(ge=1, le=1440, strict=True)
    window: DailyWindow
    days: WeekDays = Field(default_factory=lambda: list(_EVERY_DAY))


Recurrence = Annotated[WeeklyRecurrence | IntervalRecurrence, Field(discriminator="kind")]
"""A recurrence rule: "weekly" (days and times) or "interval" (every N minutes in a window)."""

# The rule's kinds, under which pydantic files a rule's errors.
RECURRENCE_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0]
    for model in (WeeklyRecurrence, IntervalRecurrence)
)

_RECURRENCE: TypeAdapter[WeeklyRecurrence | IntervalRecurrence] = TypeAdapter(Recurrence)


def parse_recurrence(data: object) -> WeeklyRecurrence | IntervalRecurrence:
    """A recurrence rule from JSON-like data; pydantic's ValidationError names each bad field."""
    return _RECURRENCE.validate_python(data)
