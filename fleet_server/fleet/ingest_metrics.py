"""What each batch write took: its time, its rows, and how old the robots' messages were by then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, Histogram

# Ingest lag: with the default 1 s flush most fall below 1.5 s; backlog shows in the upper ones.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0)
WRITE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROW_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000)


class IngestMetrics:
    """The batch writer's histograms, registered in the app's own registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lag = Histogram(
            "fleet_ingest_lag_seconds",
            "From the timestamp of a robot's latest message (the robot's clock) to the end of "
            "the batch write that stored it",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.write_seconds = Histogram(
            "fleet_batch_write_seconds",
            "Time to write one batch (robot rows, telemetry samples, robot days)",
            buckets=WRITE_BUCKETS,
            registry=registry,
        )
        self.rows = Histogram(
            "fleet_batch_rows",
            "Robot rows in one batch write",
            buckets=ROW_BUCKETS,
            registry=registry,
        )

    def batch_written(
        self, seconds: float, rows: int, stamps: Iterable[datetime], done: datetime
    ) -> None:
        """One batch took `seconds` to write `rows` rows; `stamps`: the message times of the
        rows it stored, each a lag up to `done` (a robot clock ahead of the server's: 0)."""
        self.write_seconds.observe(seconds)
        self.rows.observe(rows)
        for stamp in stamps:
            self.lag.observe(max((done - stamp).total_seconds(), 0.0))
