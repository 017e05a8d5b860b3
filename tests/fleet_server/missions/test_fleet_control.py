"""The whole fleet at once, with simulated robots through the API: pause, resume, recall, each in
the logbook with who did it; only admins and operators may."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.accounts.models import Role
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import api_key
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import ready as _ready
from tests.fleet_server.sim_fleet import robot_view as _robot
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
PATROL = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 30}


def _all(client: TestClient, ids: list[int], *statuses: str) -> list[dict[str, Any]]:
    """Wait until every mission is in one of the statuses."""
    return list(
        wait_until(
            lambda: (
                (ms := [_mission(client, i) for i in ids])
                and all(m["status"] in statuses for m in ms)
                and ms
            ),
            timeout=60,
            what=f"missions {ids} to be {' or '.join(statuses)}",
        )
    )


def test_only_admins_and_operators_control_the_fleet(client: TestClient) -> None:
    viewer = api_key(client, "watcher", Role.VIEWER)
    for verb in ("pause", "resume", "recall"):
        refused = client.post(f"/api/v1/fleet/{verb}", headers=viewer)
        assert refused.status_code == 403, refused.text
    state = client.get("/api/v1/fleet/control", headers=viewer)
    assert state.status_code == 200
    assert state.json() | {"since": None} == {
        "mode": "running",
        "since": None,
        "by": None,
        "last": None,
    }
    operator = api_key(client, "op-li", Role.OPERATOR)
    not_paused = client.post("/api/v1/fleet/resume", headers=operator)
    assert not_paused.status_code == 409
    assert "the fleet is running: there is nothing to resume" in not_paused.json()["detail"]
    logged = client.get("/api/v1/logbook", params={"kind": "fleet_control"}).json()
    assert logged == [], "refused actions are not logged"


def test_the_fleet_pauses_resumes_and_is_recalled(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    operator = api_key(client, "op-li", Role.OPERATOR)
    with sim_fleet(settings.mqtt_url, 2, RobotKind.PATROL_DOG, speed_factor=5) as fleet:
        dogs = _ready(client, fleet)
        ids = [client.post("/api/v1/missions", json=PATROL).json()["id"] for _ in dogs]
        _all(client, ids, "running")

        paused = client.post("/api/v1/fleet/pause", headers=operator)
        assert paused.status_code == 200, paused.text
        assert sorted(paused.json()["robots"]) == sorted(dogs)
        assert sorted(paused.json()["missions"]) == sorted(ids)
        _all(client, ids, "paused")
        wait_until(lambda: all(_robot(client, d)["paused"] for d in dogs), what="paused dogs")
        again = client.post("/api/v1/fleet/pause", headers=operator)
        assert again.status_code == 409
        assert "cannot pause: the fleet is already paused (by op-li since" in again.json()["detail"]
        state = client.get("/api/v1/fleet/control").json()
        assert (state["mode"], state["by"]) == ("paused", "op-li")
        # New work waits while the fleet is paused, and says why.
        waiting = client.post("/api/v1/missions", json=PATROL | {"rounds": 1}).json()
        assert waiting["status"] == "queued"
        assert waiting["reason"] == "waiting for the fleet to be resumed: paused by op-li"

        resumed = client.post("/api/v1/fleet/resume", headers=operator)
        assert resumed.status_code == 200, resumed.text
        _all(client, ids, "running", "completed")
        wait_until(lambda: not any(_robot(client, d)["paused"] for d in dogs), what="dogs going")
        client.post(f"/api/v1/missions/{waiting['id']}/cancel")

        recalled = client.post("/api/v1/fleet/recall", headers=operator)
        assert recalled.status_code == 200, recalled.text
        notes = recalled.json()["notes"]
        assert sorted(notes) == sorted(dogs)
        requeued = _all(client, ids, "queued")
        for mission in requeued:
            assert mission["reason"] == (
                "fleet recalled by op-li; resumes where it stopped "
                "(waiting for the fleet to be resumed: recalled by op-li)"
            )
            assert mission["definition"]["resume_at"] >= 0
        docks = [m for m in client.get("/api/v1/missions").json() if m["kind"] == "dock"]
        assert sorted(m["robot"] for m in docks) == sorted(dogs)
        assert all(m["definition"]["recall"] == "op-li" for m in docks)
        _all(client, [m["id"] for m in docks], "assigned", "running", "completed")
        held = {
            m["definition"]["charger_dock"]
            for m in _all(client, [m["id"] for m in docks], "running", "completed")
        }
        assert len(held) == 2, "each dog has a charger of its own"
        assert client.post("/api/v1/fleet/recall", headers=operator).status_code == 409

        # Resumed, the dogs leave their chargers (they have charge enough) and the patrols go
        # on where they stopped.
        assert client.post("/api/v1/fleet/resume", headers=operator).status_code == 200
        going = _all(client, ids, "assigned", "running", "completed")
        assert all(m["definition"]["resumes"] for m in going)
        for mission in going:
            client.post(f"/api/v1/missions/{mission['id']}/cancel")

    entries = client.get(
        "/api/v1/logbook", params={"kind": "fleet_control", "site": "longgang-demo"}
    ).json()
    assert [(e["summary"].split(" by ")[0], e["actor"]) for e in entries] == [
        ("fleet pause", "op-li"),
        ("fleet resume", "op-li"),
        ("fleet recall", "op-li"),
        ("fleet resume", "op-li"),
    ]
    assert sorted(entries[0]["details"]["missions"]) == sorted(ids)
    assert client.get("/api/v1/logbook/verify").json()["ok"] is True


def test_a_paused_fleet_stays_paused_after_a_restart(settings: FleetSettings) -> None:
    with running_server(settings) as before:
        operator = api_key(before, "op-li", Role.OPERATOR)
        assert before.post("/api/v1/fleet/pause", headers=operator).status_code == 200
    with running_server(settings) as after:
        state = after.get("/api/v1/fleet/control").json()
        assert (state["mode"], state["by"]) == ("paused", "op-li")
        held = after.post("/api/v1/missions", json=PATROL).json()
        assert held["reason"] == "waiting for the fleet to be resumed: paused by op-li"
        assert after.post("/api/v1/fleet/pause").status_code == 409
        assert after.post("/api/v1/fleet/resume").json()["by"] == "tests-admin"
        assert after.get("/api/v1/fleet/control").json()["mode"] == "running"
