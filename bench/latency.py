"""Publish -> visible latency measured with single-robot reads: one robot watched at a time
until its next position shows, so that measuring costs the server the same small amount (about
a hundred reads a second) whatever the fleet's size."""

from __future__ import annotations

import math
import threading
import time

import httpx

from bench.publishers import Publishers
from bench.secure_broker import RobotConnections

# One robot is read this often until its new position shows (a single-robot read takes ~1 ms).
POLL_INTERVAL_S = 0.01


def position_x(http: httpx.Client, serial: str) -> float | None:
    """The robot's x as GET /robots/{serial} shows it."""
    position = http.get(f"/api/v1/robots/{serial}").json()["position"]
    return float(position["x"]) if position else None


class LatencySampler:
    """Watches one robot at a time with single-robot reads until its next position shows, and
    records publish -> visible; each time the robot about to publish next, so that little time
    goes by waiting, and so in turn every robot of the fleet."""

    def __init__(
        self, http: httpx.Client, pubs: Publishers | RobotConnections, period: float
    ) -> None:
        self.http = http
        self.pubs = pubs
        robots = len(pubs.serials)
        # The robot this many after the last one sent publishes two polls from now: time for a
        # read of its position before.
        self.ahead = math.ceil(robots * 2 * POLL_INTERVAL_S / period) + 1
        # A robot whose position does not change within this long is given up (message lost).
        self.patience = 3 * period + 2.0
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        robots = len(self.pubs.serials)
        while not self._stop.is_set():
            self._watch((self.pubs.last_sent + self.ahead) % robots)

    def _watch(self, index: int) -> None:
        serial = self.pubs.serials[index]
        before = position_x(self.http, serial)
        given_up = time.monotonic() + self.patience
        while not self._stop.wait(POLL_INTERVAL_S) and time.monotonic() < given_up:
            x = position_x(self.http, serial)
            now = time.monotonic()
            if x is not None and x != before:
                sent = self.pubs.sent_at.get((index, int(x)))
                if sent is not None and x > 0:
                    self.latencies.append(now - sent)
                return
