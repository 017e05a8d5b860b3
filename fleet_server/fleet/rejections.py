"""Inbound MQTT messages the server refuses: counted by reason, logged once per robot and reason."""

from __future__ import annotations

import logging
from collections import Counter

log = logging.getLogger(__name__)

# Why a message from the broker was not taken in (the keys of GET /health's `rejections`).
TOPIC = "topic"  # not a VDA 5050 topic we read, or another interface's
OVERSIZED = "oversized"  # payload over FLEET_MQTT_MAX_PAYLOAD_BYTES
MALFORMED = "malformed"  # not JSON, wrong types, missing required fields
NON_FINITE = "non_finite"  # NaN or Infinity where a number belongs
HEADER_MISMATCH = "header_mismatch"  # the header names another vehicle than the topic
MANUFACTURER = "manufacturer"  # the serial number belongs to another manufacturer
UNREGISTERED = "unregistered"  # a serial number the fleet does not know (auto-register off)
INTERNAL = "internal"  # handling it raised: a bug, isolated to this one message
# Every reason, so that each is shown (as 0) before it first happens.
REASONS = (
    TOPIC,
    OVERSIZED,
    MALFORMED,
    NON_FINITE,
    HEADER_MISMATCH,
    MANUFACTURER,
    UNREGISTERED,
    INTERNAL,
)

# Enough for every robot of a large fleet to be named once per reason; past it, only counted.
LOG_LIMIT = 10_000


class Rejections:
    """Counts of refused messages by reason; the first of each (robot, reason) is logged."""

    def __init__(self, log_limit: int = LOG_LIMIT) -> None:
        self.by_reason: Counter[str] = Counter()
        self._logged: set[tuple[str, str]] = set()
        self._log_limit = log_limit
        self._saturated = False

    @property
    def total(self) -> int:
        """Every refused message."""
        return sum(self.by_reason.values())

    def count(self, robot: str, reason: str, detail: str) -> None:
        """Count one refused message; log it if it is the first for this robot and reason."""
        self.by_reason[reason] += 1
        key = (robot, reason)
        if key in self._logged:
            return
        if len(self._logged) >= self._log_limit:
            if not self._saturated:
                self._saturated = True
                limit = self._log_limit
                log.warning("refused messages from over %d sources: now only counted", limit)
            return
        self._logged.add(key)
        source = _printable(robot) or "?"
        log.warning("refused a message from %s (%s): %s", source, reason, _printable(detail))


def _printable(text: str) -> str:
    """Text from the wire (topic levels come from anyone who can publish) with its control
    characters escaped, so it cannot forge log lines."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
