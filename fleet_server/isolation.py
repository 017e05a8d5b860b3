"""One failing item never stops a loop: its failure is counted per loop, logged once per item and
error, and the loop goes on with the rest."""

from __future__ import annotations

import logging
from collections import Counter

log = logging.getLogger(__name__)

# Enough for every item of a large fleet to be logged once per error; past it, only counted.
LOG_LIMIT = 10_000
# A reason stored with a failed item (a mission's or a schedule's) is cut to this length.
REASON_CHARS = 300


def reason_of(exc: BaseException) -> str:
    """What went wrong, in one line short enough to store with the item."""
    detail = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text[:REASON_CHARS]


class LoopFailures:
    """Failures of the server's loops (dispatch, tracking, schedules, expiry ...), by loop."""

    def __init__(self, log_limit: int = LOG_LIMIT) -> None:
        self.by_loop: Counter[str] = Counter()
        self._logged: set[tuple[str, str, str]] = set()
        self._log_limit = log_limit

    def record(self, loop: str, item: str, exc: BaseException) -> str:
        """Count one item's failure in a loop, log it the first time; returns the reason."""
        self.by_loop[loop] += 1
        reason = reason_of(exc)
        key = (loop, item, type(exc).__name__)
        if key not in self._logged and len(self._logged) < self._log_limit:
            self._logged.add(key)
            log.error("%s: %s failed and was set aside: %s", loop, item, reason, exc_info=exc)
        return reason
