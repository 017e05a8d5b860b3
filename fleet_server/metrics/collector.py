"""What is read from the server's memory at each scrape: counts of messages, robots, missions,
live-feed listeners and the broker connection, so that ingest pays nothing for them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from fleet_protocol.kinds import RobotKind
from fleet_server.feed.hub import LiveFeed
from fleet_server.fleet.gateway import Gateway
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import RobotStatus, robot_status
from fleet_server.fleet.rejections import REASONS
from fleet_server.isolation import LoopFailures
from fleet_server.missions.models.mission import FINISHED_STATUSES, MissionStatus
from fleet_server.missions.service import MissionService
from fleet_server.settings import MISSION_KINDS

UNFINISHED = [status.value for status in MissionStatus if status not in FINISHED_STATUSES]


class FleetCollector(Collector):
    """Gauges and counters taken from the fleet's in-memory state when Prometheus scrapes
    (in the event loop, where that state changes, so that it is read whole)."""

    def __init__(
        self,
        registry: FleetRegistry,
        gateway: Gateway,
        missions: MissionService,
        feed: LiveFeed,
        failures: LoopFailures,
    ) -> None:
        self.registry = registry
        self.gateway = gateway
        self.missions = missions
        self.feed = feed
        self.failures = failures

    def collect(self) -> Iterator[Metric]:
        """Every metric, read now."""
        yield from self._ingest()
        yield self._robots()
        yield self._missions()
        yield from self._connections()

    def _ingest(self) -> Iterator[Metric]:
        stats = self.registry.stats
        ingested = CounterMetricFamily(
            "fleet_ingested_messages",
            "MQTT messages taken in from vehicles, by topic (a message from a robot the fleet "
            "does not know is counted here and as rejected, reason unregistered)",
            labels=["topic"],
        )
        ingested.add_metric(["state"], stats.state_messages)
        ingested.add_metric(["visualization"], stats.visualization_messages)
        ingested.add_metric(["connection"], stats.connection_messages)
        ingested.add_metric(["factsheet"], stats.factsheet_messages)
        yield ingested
        rejected = CounterMetricFamily(
            "fleet_rejected_messages",
            "MQTT messages refused, by reason",
            labels=["reason"],
        )
        by_reason = self.registry.rejections.by_reason
        for reason in REASONS:
            rejected.add_metric([reason], by_reason[reason])
        yield rejected
        yield CounterMetricFamily(
            "fleet_batch_rows_written",
            "Robot rows written by the batch writer",
            value=stats.rows_written,
        )
        yield CounterMetricFamily(
            "fleet_batch_rows_set_aside",
            "Robot rows, telemetry samples and robot days the batch writer could not write",
            value=stats.rows_set_aside,
        )
        failures = CounterMetricFamily(
            "fleet_loop_failures",
            "Items the server's loops set aside after a failure, by loop",
            labels=["loop"],
        )
        for loop, count in sorted(self.failures.by_loop.items()):
            failures.add_metric([loop], count)
        yield failures

    def _robots(self) -> Metric:
        counts: Counter[tuple[str, str]] = Counter()
        for robot in self.registry.all():
            status = robot_status(robot, self.registry.alert_of(robot.serial_number))
            counts[(robot.kind.value, status.value)] += 1
        robots = GaugeMetricFamily(
            "fleet_robots",
            "Robots by kind and status (offline, error, paused, charging, working, idle)",
            labels=["kind", "status"],
        )
        # Every kind and status, 0 too, so that a panel's series do not come and go.
        for kind in sorted({k.value for k in RobotKind} | {kind for kind, _ in counts}):
            for status in RobotStatus:
                robots.add_metric([kind, status.value], counts[(kind, status.value)])
        return robots

    def _missions(self) -> Metric:
        counts = Counter((m.kind, m.status.value) for m in self.missions.unfinished())
        missions = GaugeMetricFamily(
            "fleet_missions",
            "Unfinished missions by kind and status (status queued: the queue's length)",
            labels=["kind", "status"],
        )
        for kind in sorted(set(MISSION_KINDS) | {kind for kind, _ in counts}):
            for status in UNFINISHED:
                missions.add_metric([kind, status], counts[(kind, status)])
        return missions

    def _connections(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "fleet_mqtt_connected",
            "1 while the server's MQTT session with the broker is up",
            value=int(self.gateway.connected.is_set()),
        )
        yield CounterMetricFamily(
            "fleet_mqtt_reconnects",
            "Sessions with the broker after the first one since start",
            value=max(self.gateway.sessions - 1, 0),
        )
        yield GaugeMetricFamily(
            "fleet_live_clients",
            "Listeners on the live feed (GET /api/v1/live)",
            value=self.feed.listeners,
        )
        yield CounterMetricFamily(
            "fleet_live_resets",
            "Live-feed listeners that fell behind and were sent a snapshot instead",
            value=self.feed.resets,
        )
        yield CounterMetricFamily(
            "fleet_live_dropped_messages",
            "Live-feed messages dropped for listeners that fell behind",
            value=self.feed.dropped_messages,
        )
