"""What each batch write records: its time and rows, and each stored message's lag from its own
timestamp; retained messages (connection, factsheet), which may be old, are not lag."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry

from fleet_protocol.connection import ConnectionState
from fleet_protocol.state import State
from fleet_protocol.topics import Subtopic
from fleet_server.fleet.gateway import Gateway
from fleet_server.fleet.ingest_metrics import IngestMetrics
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.store import RobotStore
from tests import vehicles
from tests.clock import ManualClock
from tests.databases import engine_at_head


def _value(registry: CollectorRegistry, name: str) -> float:
    value = registry.get_sample_value(name)
    assert value is not None, name
    return value


def test_a_batch_records_its_rows_and_the_lag_of_each_stored_message(tmp_path: Path) -> None:
    metrics_registry = CollectorRegistry()
    payload = vehicles.state("dog-1", x=1.0)
    stamp = State.model_validate_json(payload).timestamp
    clock = ManualClock(stamp)
    registry = FleetRegistry(
        RobotStore(engine_at_head(f"sqlite:///{tmp_path / 'fleet.db'}")),
        offline_timeout_s=60,
        telemetry_interval_s=1,
        auto_register=True,
        clock=clock,
        metrics=IngestMetrics(metrics_registry),
    )
    gateway = Gateway(registry, mqtt_url="mqtt://127.0.0.1:1", interface="uagv")
    gateway.handle(vehicles.topic_of("dog-1", Subtopic.STATE), payload)
    online = vehicles.connection("dog-2", ConnectionState.ONLINE)
    gateway.handle(vehicles.topic_of("dog-2", Subtopic.CONNECTION), online)
    clock.advance(3.0)
    assert asyncio.run(registry.flush()) == 2

    assert _value(metrics_registry, "fleet_batch_rows_sum") == 2
    assert _value(metrics_registry, "fleet_batch_write_seconds_count") == 1
    # dog-1's state, 3 s old when its batch was written; dog-2's connection is no lag.
    assert _value(metrics_registry, "fleet_ingest_lag_seconds_count") == 1
    assert _value(metrics_registry, "fleet_ingest_lag_seconds_sum") == 3.0

    # A robot whose clock runs ahead of the server's counts as no lag, not a negative one.
    clock.now = stamp - timedelta(seconds=5)
    gateway.handle(vehicles.topic_of("dog-1", Subtopic.STATE), vehicles.state("dog-1", x=2.0))
    asyncio.run(registry.flush())
    assert _value(metrics_registry, "fleet_ingest_lag_seconds_count") == 2
    assert _value(metrics_registry, "fleet_ingest_lag_seconds_sum") == 3.0
    # Nothing changed: nothing written, nothing recorded.
    assert asyncio.run(registry.flush()) == 0
    assert _value(metrics_registry, "fleet_batch_write_seconds_count") == 2
