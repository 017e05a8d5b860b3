"""GET /api/v1/live against the running server: a snapshot, then a simulated robot's patrol as
robot batches and mission updates; incidents; who may connect and the close codes of refusals."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from fleet_protocol.kinds import RobotKind
from fleet_server.accounts.models import Role
from fleet_server.feed.routes import SERVER_LOGGER, credentials_hidden_from_logs
from fleet_server.settings import FleetSettings
from tests import vehicles
from tests.fleet_server.callers import api_key
from tests.fleet_server.feed_reader import FeedReader
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

SPEED = 100
ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2"]

def _key_of(client: TestClient, role: Role) -> str:
    return api_key(client, f"live-{role.value}", role)["X-API-Key"]


def _refusal(client: TestClient, url: str) -> WebSocketDisconnect:
    """The close a connection to `url` gets instead of a snapshot."""
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(url) as session,
    ):
        session.receive_json()
    return refused.value


def test_the_feed_follows_a_patrol_from_the_snapshot_to_its_completion(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    operator = api_key(client, "console", Role.OPERATOR)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        serial = fleet.fleet.robots[0].serial_number
        url = f"/api/v1/robots/{serial}"
        wait_until(
            # A 404 until the robot's first message is in.
            lambda: (r := client.get(url, headers=operator).json()).get("actions")
            and r["position"],
            what="the robot's factsheet and position",
        )
        with client.websocket_connect(f"/api/v1/live?key={operator['X-API-Key']}") as session:
            feed = FeedReader(session)
            snapshot = feed.wait_for(lambda m: m["type"] == "snapshot", "the snapshot")
            assert feed.messages[0] is snapshot
            (robot,) = [r for r in snapshot["robots"] if r["id"] == serial]
            assert robot["kind"] == "patrol_dog" and robot["status"] == "idle"
            assert set(robot["position"]) == {"x", "y", "theta", "map_id"}
            assert snapshot["missions"] == [] and snapshot["incidents"] == []

            body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 1}
            created = client.post("/api/v1/missions", json=body, headers=operator)
            assert created.status_code == 201, created.text
            mission_id = created.json()["id"]
            done = feed.wait_for(
                lambda m: (
                    m["type"] == "mission"
                    and m["mission"]["id"] == mission_id
                    and m["mission"]["status"] == "completed"
                ),
                "the mission's completion",
            )
            assert done["mission"]["robot"] == serial
            final = client.get(f"/api/v1/robots/{serial}", headers=operator).json()
            # The robot's last state reaches the feed too: idle again, where REST shows it.
            wait_until(
                lambda: (
                    (u := feed.robot_updates(serial))
                    and u[-1]["status"] == "idle"
                    and u[-1]["position"] == final["position"]
                ),
                what="the robot idle at its final position in a batch",
            )
        updates = feed.robot_updates(serial)
    positions = {(u["position"]["x"], u["position"]["y"]) for u in updates}
    assert len(positions) >= 3, positions
    assert "working" in [u["status"] for u in updates]
    assert updates[-1]["mission_id"] is None
    statuses = [m["mission"]["status"] for m in feed.of_type("mission")]
    assert statuses[-1] == "completed" and "running" in statuses
    # Every batch is a coalesced one: a robot appears at most once in it.
    assert all(
        len({r["id"] for r in m["robots"]}) == len(m["robots"])
        for m in feed.messages[1:]
        if m["type"] == "robots"
    )


def test_incidents_show_as_they_change_and_the_snapshot_holds_the_open_ones(
    client: TestClient, wire: WireRecorder
) -> None:
    operator = api_key(client, "integration", Role.OPERATOR)
    report = {"type": "street_vending", "site": "longgang-demo", "source": "camera-7"}
    with client.websocket_connect(f"/api/v1/live?key={_key_of(client, Role.VIEWER)}") as session:
        feed = FeedReader(session)
        feed.wait_for(lambda m: m["type"] == "snapshot", "the snapshot")
        created = client.post(
            "/api/v1/incidents", json=report | {"node": "street-sw"}, headers=operator
        )
        assert created.status_code == 201, created.text
        # No robot is online, so the fleet hands it to people at once.
        update = feed.wait_for(
            lambda m: m["type"] == "incident" and m["incident"]["status"] == "escalated",
            "the escalated incident",
        )
    assert update["incident"]["id"] == created.json()["id"]
    assert update["incident"]["reason"].startswith("no online patrol_dog robot")

    # A robot that never drives takes the next one: it stays dispatched, so it is open.
    vehicles.announce(wire, "dog-live", map_id="longgang-demo", x=5.0, y=0.0)
    wait_until(
        lambda: client.get("/api/v1/robots/dog-live", headers=operator).json().get("position"),
        what="the robot to report a position",
    )
    sent = client.post("/api/v1/incidents", json=report | {"node": "street-s1"}, headers=operator)
    assert sent.json()["status"] == "dispatched", sent.text
    with client.websocket_connect(f"/api/v1/live?key={_key_of(client, Role.AUDITOR)}") as session:
        snapshot = session.receive_json()
    assert snapshot["type"] == "snapshot"
    assert [(i["id"], i["status"]) for i in snapshot["incidents"]] == [
        (sent.json()["id"], "dispatched")
    ]
    (mission,) = snapshot["missions"]
    assert (mission["kind"], mission["robot"]) == ("respond", "dog-live")
    # Robots earlier tests left retained on the module's broker are in it too, offline.
    (robot,) = [r for r in snapshot["robots"] if r["id"] == "dog-live"]
    assert (robot["status"], robot["mission_id"]) == ("working", mission["id"])


def test_a_login_token_in_the_query_opens_the_feed(client: TestClient) -> None:
    fleet = client.app.state.fleet  # type: ignore[attr-defined]
    fleet.accounts.add_user("wang", Role.VIEWER, "a long enough password")
    login = client.post(
        "/api/v1/auth/token", data={"username": "wang", "password": "a long enough password"}
    )
    token = login.json()["access_token"]
    with client.websocket_connect(f"/api/v1/live?token={token}") as session:
        snapshot = session.receive_json()
    assert snapshot["type"] == "snapshot"
    assert json.dumps(snapshot)  # plain JSON all through


def test_without_good_credentials_the_feed_closes_with_4401_and_says_why(
    client: TestClient,
) -> None:
    missing = _refusal(client, "/api/v1/live")
    assert missing.code == 4401 and "?token=" in missing.reason
    unknown = _refusal(client, "/api/v1/live?key=fk_not-a-key")
    assert (unknown.code, unknown.reason) == (4401, "API key unknown")
    forged = _refusal(client, "/api/v1/live?token=not.a.jwt")
    assert forged.code == 4401 and forged.reason.startswith("token invalid")
    fleet = client.app.state.fleet  # type: ignore[attr-defined]
    row, key = fleet.accounts.create_api_key("old-console", Role.OPERATOR)
    fleet.accounts.revoke_api_key(row.id)
    revoked = _refusal(client, f"/api/v1/live?key={key}")
    assert revoked.code == 4401 and "revoked" in revoked.reason
    assert fleet.feed.listeners == 0


def test_a_subsidy_officer_may_not_watch_the_fleet(client: TestClient) -> None:
    refused = _refusal(client, f"/api/v1/live?key={_key_of(client, Role.SUBSIDY_OFFICER)}")
    assert refused.code == 4403
    assert refused.reason == (
        "role subsidy_officer may not watch the fleet; allowed: admin, operator, viewer, auditor"
    )
    fleet = client.app.state.fleet  # type: ignore[attr-defined]
    assert fleet.feed.listeners == 0


def test_the_credential_in_a_feed_url_is_blanked_in_the_server_log() -> None:
    logger = logging.getLogger(SERVER_LOGGER)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    logger.addHandler(keep)
    try:
        with credentials_hidden_from_logs():
            # As uvicorn logs an accepted WebSocket.
            path = "/api/v1/live?key=fk_secret123&x=1"
            logger.warning('%s - "WebSocket %s" [accepted]', "127.0.0.1:50000", path)
            logger.warning("GET /api/v1/live?token=eyJ.secret")
        logger.warning('%s - "WebSocket %s" [accepted]', "127.0.0.1:50001", "/live?key=fk_after")
    finally:
        logger.removeHandler(keep)
    lines = [r.getMessage() for r in records]
    assert lines == [
        '127.0.0.1:50000 - "WebSocket /api/v1/live?key=***&x=1" [accepted]',
        "GET /api/v1/live?token=***",
        # Outside the app's lifetime the filter is gone again.
        '127.0.0.1:50001 - "WebSocket /live?key=fk_after" [accepted]',
    ]
