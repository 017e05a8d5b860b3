"""SQL pieces the reports share, for SQLite and PostgreSQL alike: a row's local day in a period,
seconds between two times, percentiles, and counts inside a mission's JSON results."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal_column, select
from sqlalchemy.engine import Connection

from fleet_server.reports.periods import Period


def day_index(column: Any, period: Period) -> ColumnElement[int]:
    """Which of the period's days (0 = the first) a time in the period falls on: the local
    midnights are bounds computed in Python, so the database needs no timezone rules."""
    bounds = period.starts[1:]
    if not bounds:
        return literal_column("0")
    return case(*[(column < bound, index) for index, bound in enumerate(bounds)], else_=len(bounds))


def in_period(column: Any, period: Period) -> ColumnElement[bool]:
    """The time lies in the period (an index range scan where the column is indexed)."""
    return and_(column >= period.start, column < period.end)


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[float]:
    """Seconds from `start` to `end`, two timestamp columns."""
    if dialect == "sqlite":
        return cast((func.julianday(end) - func.julianday(start)) * 86400.0, Float)
    return cast(func.extract("epoch", end - start), Float)


def percentile(
    connection: Connection, value: ColumnElement[float], where: Any, count: int, share: float
) -> float | None:
    """The share-th percentile of `value` over the rows `where` selects (`count` of them),
    interpolated between the nearest ranks as numpy's default does; None without rows."""
    if count == 0:
        return None
    rank = (count - 1) * share
    low = math.floor(rank)
    query = select(value).where(where).order_by(value).offset(low).limit(2)
    values = [float(v) for v in connection.execute(query).scalars()]
    if len(values) == 1 or rank == low:
        return values[0]
    return values[0] + (values[1] - values[0]) * (rank - low)


def checkpoint_visits(dialect: str) -> tuple[Any, ColumnElement[Any]]:
    """The entries of a mission's results.checkpoints as a table `c` to join each mission row to
    (its JSON read once), and the expression that is not NULL for a visit made (reached_at)."""
    if dialect == "sqlite":
        each = func.json_each(literal_column("mission.results"), "$.checkpoints")
        reached: ColumnElement[Any] = literal_column("json_extract(c.value, '$.reached_at')")
    else:
        each = func.json_array_elements(literal_column("mission.results -> 'checkpoints'"))
        reached = literal_column("c.value ->> 'reached_at'")
    return each.table_valued("value").alias("c"), reached
