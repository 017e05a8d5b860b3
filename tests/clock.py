"""A clock tests move by hand (the server's parts take any callable returning an aware time)."""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """Returns `now` until a test changes it or advances it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)
