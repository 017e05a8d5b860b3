"""The lock-in decisions of rule 10, over plain data: which days a paid unit was out of service,
which runs of them went on for too long, and what a unit owes back pro rata."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fleet_server.vouchers.claim_checks import add_months

OFFLINE = "offline"
OUTSIDE_GEOFENCE = "outside_geofence"


@dataclass(frozen=True)
class LockIn:
    """A unit's lock-in: from its payout day up to (not including) `until`."""

    start: date
    until: date

    @classmethod
    def after_payout(cls, payout_day: date, months: int) -> LockIn:
        """The lock-in of a unit paid on `payout_day`: `months` months from that day."""
        return cls(payout_day, add_months(payout_day, months))

    @property
    def days(self) -> int:
        """How many days the lock-in lasts."""
        return (self.until - self.start).days

    def watched_until(self, today: date) -> date:
        """The end (exclusive) of the days the watch can judge today: days before today (only
        yesterday and earlier are complete) that fall within the lock-in."""
        return max(self.start, min(today, self.until))

    def days_not_served(self, unserved_from: date) -> int:
        """The lock-in days from `unserved_from` on (all of them if it is before the start)."""
        return (self.until - min(max(unserved_from, self.start), self.until)).days


@dataclass
class Run:
    """Consecutive out-of-service days, with each day's figures and state."""

    first_day: date
    days: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        """How many days the run lasted."""
        return len(self.days)

    @property
    def last_day(self) -> date:
        """The run's last day."""
        return self.first_day + timedelta(days=self.length - 1)

    def count(self, state: str) -> int:
        """How many of its days were in this state (offline or outside the geofence)."""
        return sum(1 for day in self.days if day["state"] == state)


def day_state(figures: Mapping[str, Any] | None, min_share_bp: int) -> str | None:
    """Why a day was out of service (offline, or outside the geofence for more of its online
    time than the programme allows), or None when the unit served that day. The figures are a
    day of a claim's evidence (whole seconds online and inside the geofence)."""
    if figures is None or figures["seconds_online"] <= 0:
        return OFFLINE
    if geofence_share_bp(figures) < min_share_bp:
        return OUTSIDE_GEOFENCE
    return None


def geofence_share_bp(figures: Mapping[str, Any]) -> int:
    """A reported day's share of online seconds inside the geofence, in basis points (down)."""
    return int(figures["seconds_in_geofence"]) * 10_000 // int(figures["seconds_online"])


def out_of_service_runs(
    reported: Mapping[date, Mapping[str, Any]], start: date, end: date, min_share_bp: int
) -> list[Run]:
    """The runs of out-of-service days within [start, end), oldest first; a day with no
    figures is offline, and one day in service ends a run."""
    runs: list[Run] = []
    current: Run | None = None
    for day in _days(start, end):
        figures = reported.get(day)
        state = day_state(figures, min_share_bp)
        if state is None:
            current = None
            continue
        if current is None:
            current = Run(first_day=day)
            runs.append(current)
        current.days.append(_day_entry(day, figures, state))
    return runs


def overdue_runs(
    reported: Mapping[date, Mapping[str, Any]],
    lock_in: LockIn,
    today: date,
    min_share_bp: int,
    limit_days: int,
) -> list[Run]:
    """The out-of-service runs longer than `limit_days` within the lock-in, counting only days
    from the payout day to yesterday: days before the payout or after the lock-in never count."""
    runs = out_of_service_runs(reported, lock_in.start, lock_in.watched_until(today), min_share_bp)
    return [run for run in runs if run.length > limit_days]


def unit_paid_fen(payout_fen: int, item_fen: int, contract_fen: int) -> int:
    """A unit's share of its claim's payout: its line item's part of the contract amount,
    rounded down to the fen."""
    return payout_fen * item_fen // contract_fen


def pro_rata_fen(paid_fen: int, lock_in: LockIn, unserved_from: date) -> int:
    """What a unit owes back for the lock-in days it did not serve: its paid share times the
    days from `unserved_from` to the end of the lock-in over all lock-in days, rounded down."""
    return paid_fen * lock_in.days_not_served(unserved_from) // lock_in.days


def _days(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days):
        yield start + timedelta(days=offset)


def _day_entry(day: date, figures: Mapping[str, Any] | None, state: str) -> dict[str, Any]:
    """A day of a run as evidence: its figures as reported (none when it did not report)."""
    if figures is None:
        return {"day": day.isoformat(), "state": state, "reported": False, "seconds_online": 0}
    share = geofence_share_bp(figures) if figures["seconds_online"] > 0 else None
    return {
        **figures,
        "day": day.isoformat(),
        "state": state,
        "reported": True,
        "geofence_share_bp": share,
    }
