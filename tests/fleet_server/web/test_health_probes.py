"""Liveness and readiness for a load balancer: /health/live answers while the process runs;
/health/ready is 200 only while the database answers and the broker is connected, and 503 with
what is not ready otherwise. Both need no credentials."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from fleet_server.settings import FleetSettings
from fleet_server.web.health import _database_check
from tests.broker import MosquittoBroker, free_port
from tests.fleet_server.callers import without_credentials
from tests.fleet_server.servers import running_server
from tests.waiting import wait_until


@pytest.fixture
def own_broker() -> Iterator[MosquittoBroker]:
    """A broker of this test's own, to stop and start again."""
    instance = MosquittoBroker()
    instance.start()
    yield instance
    instance.cleanup()


def test_ready_follows_the_broker_while_live_stays_up(
    settings: FleetSettings, own_broker: MosquittoBroker
) -> None:
    own = settings.model_copy(update={"mqtt_url": own_broker.url})
    with running_server(own) as client, without_credentials(client):
        ready = client.get("/api/v1/health/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "database": "ok", "broker": "connected"}
        assert client.get("/api/v1/health/live").json() == {"status": "alive"}

        own_broker.stop()
        down = wait_until(
            lambda: (r := client.get("/api/v1/health/ready")).status_code == 503 and r,
            what="readiness to say the broker is gone",
        )
        assert down.json() == {
            "status": "not ready",
            "database": "ok",
            "broker": "disconnected",
        }
        live = client.get("/api/v1/health/live")
        assert live.status_code == 200 and live.json() == {"status": "alive"}

        own_broker.start()
        back = wait_until(
            lambda: (r := client.get("/api/v1/health/ready")).status_code == 200 and r,
            timeout=30,
            what="readiness once the broker is back",
        )
        assert back.json()["status"] == "ready"


def test_a_database_that_does_not_answer_is_named() -> None:
    # A real driver against a port where no PostgreSQL listens.
    engine = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test",
        connect_args={"connect_timeout": 1},
    )
    try:
        found = asyncio.run(_database_check(engine))
    finally:
        engine.dispose()
    assert found.startswith("OperationalError: "), found
    assert "127.0.0.1" in found or "connect" in found.lower(), found
