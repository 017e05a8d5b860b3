"""The app's metrics: one CollectorRegistry per built fleet (several apps share a test process,
so nothing is registered in prometheus_client's global registry), and its text exposition."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from fleet_server.fleet.ingest_metrics import IngestMetrics
from fleet_server.metrics.http import HttpMetrics
from fleet_server.metrics.watchers import IncidentTimes, MissionTimes

CONTENT_TYPE = CONTENT_TYPE_LATEST


class ServerMetrics:
    """Every instrument of one server, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.ingest = IngestMetrics(self.registry)
        self.http = HttpMetrics(self.registry)
        self.missions = MissionTimes(self.registry)
        self.incidents = IncidentTimes(self.registry)

    def add(self, collector: Collector) -> None:
        """Read this collector at every scrape too."""
        self.registry.register(collector)

    def exposition(self) -> bytes:
        """Every metric now, in Prometheus' text format."""
        return generate_latest(self.registry)
