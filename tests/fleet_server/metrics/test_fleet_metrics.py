"""GET /metrics while a simulated fleet runs: the numbers move as the fleet does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.broker import MosquittoBroker
from tests.fleet_server.metrics.scrape import Scrape, scrape
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ready, sim_fleet
from tests.waiting import wait_until

SPEED = 100
ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
PATROL = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 1}
# Beside the metro exit on Longfu Road (node street-s2), where vendors stand.
VENDING = {
    "type": "street_vending",
    "site": "longgang-demo",
    "source": "camera-0417",
    "location": {"x": 304.0, "y": 3.0},
}


@pytest.fixture
def own_broker() -> Iterator[MosquittoBroker]:
    """A broker of this test's own, to stop and start again."""
    instance = MosquittoBroker()
    instance.start()
    yield instance
    instance.cleanup()


@pytest.fixture
def client(settings: FleetSettings) -> Iterator[TestClient]:
    """A server with metrics on (the admin's key the tests' client sends may read them)."""
    with running_server(settings.model_copy(update={"metrics_enabled": True})) as test_client:
        yield test_client


def _robots(metrics: Scrape, status: str) -> float:
    return metrics.total("fleet_robots", kind="patrol_dog", status=status)


def _ended(client: TestClient, url: str, statuses: tuple[str, ...]) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (body := client.get(url).json())["status"] in statuses and body,
            timeout=90,
            what=f"{url} to end",
        )
    )


def test_metrics_follow_the_fleet(client: TestClient, settings: FleetSettings) -> None:
    with sim_fleet(settings.mqtt_url, 2, RobotKind.PATROL_DOG, SPEED) as fleet:
        ready(client, fleet)
        first = scrape(client)
        assert first.total("fleet_mqtt_connected") == 1
        assert _robots(first, "idle") == 2 and first.total("fleet_robots") == 2
        assert first.total("fleet_ingested_messages_total", topic="factsheet") >= 2
        assert first.total("fleet_rejected_messages_total") == 0
        states = first.total("fleet_ingested_messages_total", topic="state")
        wait_until(
            lambda: scrape(client).total("fleet_ingested_messages_total", topic="state") > states,
            what="more state messages counted",
        )
        wait_until(
            lambda: scrape(client).total("fleet_ingest_lag_seconds_count") > 0,
            what="a batch write to store a robot's message",
        )

        mission = client.post("/api/v1/missions", json=PATROL).json()
        assert mission["status"] == "assigned"
        busy = scrape(client)
        assert busy.total("fleet_mission_queue_wait_seconds_count", kind="patrol") == 1
        assert busy.total("fleet_missions", kind="patrol", status="queued") == 0
        under_way = ("assigned", "running")
        assert sum(busy.total("fleet_missions", kind="patrol", status=s) for s in under_way) == 1
        assert _robots(busy, "working") == 1 and _robots(busy, "idle") == 1
        done = _ended(client, f"/api/v1/missions/{mission['id']}", ("completed", "failed"))
        assert done["status"] == "completed", done["reason"]

        incident = client.post("/api/v1/incidents", json=VENDING).json()
        assert incident["status"] == "dispatched"
        # A street vendor the dog answered waits for a person to confirm it.
        handled = _ended(
            client,
            f"/api/v1/incidents/{incident['id']}",
            ("awaiting_confirmation", "resolved", "escalated"),
        )
        assert handled["status"] == "awaiting_confirmation", handled["reason"]

        after = scrape(client)
        finished = after.total("fleet_missions_finished_total", status="completed")
        assert finished == 2  # the patrol and the response
        assert after.total("fleet_missions_finished_total", kind="patrol") == 1
        response = after.total("fleet_incident_response_seconds_count", type="street_vending")
        assert response == 1
        assert after.total("fleet_missions") == 0
        assert after.total("fleet_batch_rows_count") > 0
        assert after.total("fleet_batch_rows_written_total") > 0
        http = "fleet_http_requests_total"
        assert after.total(http, method="POST", route="/api/v1/missions", status="201") == 1
        assert after.total(http, method="GET", route="/api/v1/missions/{mission_id}") >= 1
        assert after.total(http, method="GET", route="/metrics", status="200") >= 4
        routes = {s.labels["route"] for s in after.samples if s.name == http}
        assert f"/api/v1/missions/{mission['id']}" not in routes
        assert all(route.startswith("/") or route == "unmatched" for route in routes)

    # The simulated robots said OFFLINE as they stopped.
    wait_until(lambda: _robots(scrape(client), "offline") == 2, what="both robots offline")


def test_unknown_paths_share_one_label_and_files_their_folders(client: TestClient) -> None:
    for serial in ("a1", "b2", "c3"):
        assert client.get(f"/no/such/{serial}").status_code == 404
    assert client.request("BREW", "/api/v1/robots").status_code == 405
    assert client.get("/console/console.css").status_code == 200
    metrics = scrape(client)
    http = "fleet_http_requests_total"
    assert metrics.total(http, method="GET", route="unmatched", status="404") == 3
    assert metrics.total(http, method="other", route="/api/v1/robots", status="405") == 1
    assert metrics.total(http, method="GET", route="/console", status="200") == 1
    routes = {s.labels.get("route", "") for s in metrics.samples}
    assert not [route for route in routes if "/no/such" in route or "console.css" in route]


def test_live_feed_listeners_are_counted(client: TestClient) -> None:
    key = client.post("/api/v1/apikeys", json={"name": "wall", "role": "viewer"}).json()["key"]
    with client.websocket_connect(f"/api/v1/live?key={key}") as feed:
        assert feed.receive_json()["type"] == "snapshot"
        assert scrape(client).total("fleet_live_clients") == 1
    wait_until(lambda: scrape(client).total("fleet_live_clients") == 0, what="the listener gone")


def test_the_broker_connection_and_reconnects(
    settings: FleetSettings, own_broker: MosquittoBroker
) -> None:
    own = settings.model_copy(update={"mqtt_url": own_broker.url, "metrics_enabled": True})
    with running_server(own) as client:
        assert scrape(client).total("fleet_mqtt_connected") == 1
        assert scrape(client).total("fleet_mqtt_reconnects_total") == 0
        own_broker.stop()
        wait_until(lambda: scrape(client).total("fleet_mqtt_connected") == 0, what="disconnected")
        own_broker.start()
        wait_until(lambda: scrape(client).total("fleet_mqtt_connected") == 1, what="reconnected")
        assert scrape(client).total("fleet_mqtt_reconnects_total") == 1
