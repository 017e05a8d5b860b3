"""Serial numbers the fleet does not know: when to look one up in the database again, in bounded
memory whatever a flood of them brings (their messages are counted and logged once as refusals,
fleet_server.fleet.rejections)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# A serial number found missing from the database is believed missing this long: a robot an
# admin registers from the shell (another process) is picked up within this time.
MISS_TTL_S = 10.0
# At most this many misses are remembered.
REMEMBERED = 10_000
# At most this many database lookups per second, so unknown serials cannot hammer the database.
LOOKUPS_PER_SECOND = 20


class UnknownRobots:
    """Recent database misses by serial number, and a lookup budget."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._misses: OrderedDict[str, float] = OrderedDict()
        self._window_start = -1.0
        self._lookups = 0

    def may_look_up(self, serial_number: str) -> bool:
        """Whether to ask the database about the serial now (not missed recently, and the
        lookup budget of this second not spent); a True spends one lookup."""
        now = self._monotonic()
        until = self._misses.get(serial_number)
        if until is not None:
            if now < until:
                return False
            del self._misses[serial_number]
        if now - self._window_start >= 1.0:
            self._window_start, self._lookups = now, 0
        if self._lookups >= LOOKUPS_PER_SECOND:
            return False
        self._lookups += 1
        return True

    def missed(self, serial_number: str) -> None:
        """The database has no such robot: believe it for MISS_TTL_S."""
        self._misses[serial_number] = self._monotonic() + MISS_TTL_S
        self._misses.move_to_end(serial_number)
        while len(self._misses) > REMEMBERED:
            self._misses.popitem(last=False)

    def forget(self, serial_number: str) -> None:
        """The robot was registered here: look no more."""
        self._misses.pop(serial_number, None)
