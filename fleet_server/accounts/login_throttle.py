"""Login throttling: failed logins per user name and per client address make the next attempt
wait, twice as long after each further failure, and then refuse it for a while.

An attempt is counted as a failure when it starts and forgiven when it succeeds, so parallel
guesses cannot all slip in before the first of them fails; a refused attempt costs no password
check. The record of a name or address is forgotten once it has been quiet for the window.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fleet_protocol.base import utc_now
from fleet_server.accounts.texts import LOGIN_THROTTLED_ADDRESS, LOGIN_THROTTLED_USER
from fleet_server.errors import TooManyRequests
from fleet_server.texts import Phrase, Text

# Names and addresses remembered at most; past this the longest-quiet ones are forgotten first,
# so guessing with endless made-up names cannot fill the server's memory.
MAX_TRACKED = 100_000
FIRST_DELAY_S = 1.0


@dataclass(frozen=True)
class Limits:
    """How many failures a user name or a client address has before waiting, and before
    being locked out."""

    free_failures: int
    lockout_failures: int


@dataclass(frozen=True)
class ThrottleRules:
    """The numbers of login throttling (FLEET_LOGIN_* settings)."""

    per_name: Limits
    per_address: Limits
    lockout_s: float
    window_s: float

    def delay_s(self, failures: int, limits: Limits) -> float:
        """How long after the last of `failures` failures the next attempt must wait."""
        if failures <= limits.free_failures:
            return 0.0
        if failures >= limits.lockout_failures:
            return self.lockout_s
        steps = failures - limits.free_failures - 1
        return min(FIRST_DELAY_S * 2.0**steps, self.lockout_s)


@dataclass
class _Record:
    failures: int
    last: datetime


@dataclass
class LoginStats:
    """Counts since the server started, for monitoring (GET /health)."""

    failed: int = 0
    refused: int = 0


@dataclass
class LoginThrottle:
    """Failed logins by user name and by client address, and whether an attempt may start."""

    rules: ThrottleRules
    clock: Callable[[], datetime] = utc_now
    stats: LoginStats = field(default_factory=LoginStats)
    _records: OrderedDict[tuple[str, str], _Record] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, name: str, address: str) -> None:
        """Start an attempt: TooManyRequests if the name or the address must still wait, else
        the attempt counts as a failure until `succeeded` forgives it."""
        now = self.clock()
        with self._lock:
            wait, refusal = self._longest_wait(name, address, now)
            if wait > 0:
                self.stats.refused += 1
                assert refusal is not None
                raise TooManyRequests(refusal, retry_after_s=wait)
            for key, *_ in self._keys(name, address):
                record = self._current(key, now)
                if record is None:
                    record = self._records[key] = _Record(0, now)
                record.failures += 1
                record.last = now
                self._records.move_to_end(key)
            self._forget_oldest()

    def retry_after_s(self, name: str, address: str) -> float:
        """How long an attempt for the name from the address must still wait (0: it may try)."""
        with self._lock:
            return self._longest_wait(name, address, self.clock())[0]

    def failed(self) -> None:
        """The attempt's password (or user) was wrong: it stays counted."""
        with self._lock:
            self.stats.failed += 1

    def succeeded(self, name: str, address: str) -> None:
        """The attempt logged in: the name starts afresh, the address is forgiven this one."""
        with self._lock:
            self._records.pop(("name", name), None)
            record = self._records.get(("address", address))
            if record is not None:
                record.failures = max(0, record.failures - 1)

    def _keys(
        self, name: str, address: str
    ) -> list[tuple[tuple[str, str], Limits, Phrase, dict[str, str]]]:
        """Each key with its limits, and the refusal that names it with its parameter."""
        return [
            (("name", name), self.rules.per_name, LOGIN_THROTTLED_USER, {"name": name}),
            (
                ("address", address),
                self.rules.per_address,
                LOGIN_THROTTLED_ADDRESS,
                {"address": address},
            ),
        ]

    def _current(self, key: tuple[str, str], now: datetime) -> _Record | None:
        """The key's record, unless it has been quiet long enough to be forgotten."""
        record = self._records.get(key)
        if record is None:
            return None
        limits = self.rules.per_name if key[0] == "name" else self.rules.per_address
        quiet = max(self.rules.window_s, self.rules.delay_s(record.failures, limits))
        if now - record.last >= timedelta(seconds=quiet):
            del self._records[key]
            return None
        return record

    def _longest_wait(self, name: str, address: str, now: datetime) -> tuple[float, Text | None]:
        """The longer wait of the name's and the address's, and the refusal saying whose it is
        (the name's when they are equal)."""
        waits: list[tuple[float, Text | None]] = [(0.0, None)]
        for key, limits, refusal, whom in self._keys(name, address):
            record = self._current(key, now)
            if record is not None:
                delay = self.rules.delay_s(record.failures, limits)
                wait = delay - (now - record.last).total_seconds()
                waits.append((wait, refusal.of(**whom, seconds=math.ceil(wait))))
        return max(waits, key=lambda found: found[0])

    def _forget_oldest(self) -> None:
        while len(self._records) > MAX_TRACKED:
            self._records.popitem(last=False)
