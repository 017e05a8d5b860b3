"""Schedules over the API: next runs in the site's timezone, missions created when due, errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient

from fleet_server.schedules.models.schedule import Schedule
from fleet_server.wiring import Fleet
from tests.clock import ManualClock

PATROL = {"kind": "patrol", "site": "square", "route": ["A", "B", "C", "D"], "rounds": 1}
WEEKLY = {"kind": "weekly", "days": ["mon", "wed"], "times": ["08:00"]}
# Monday 2026-11-23 07:59 in Shanghai (UTC+8).
MONDAY_0759 = datetime(2026, 11, 22, 23, 59, tzinfo=timezone.utc)


def _fleet(client: TestClient, now: datetime) -> tuple[Fleet, ManualClock]:
    fleet: Fleet = client.app.state.fleet  # type: ignore[attr-defined]
    clock = ManualClock(now)
    fleet.schedules.clock = clock
    return fleet, clock


def _tick(client: TestClient, fleet: Fleet) -> list[int]:
    # Run where the server's background tasks run, on its event loop thread.
    assert client.portal is not None
    return list(client.portal.call(fleet.schedules.tick))


def _create(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "morning patrol", "mission": PATROL, "recurrence": WEEKLY} | fields
    response = client.post("/api/v1/schedules", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_next_runs_are_shown_in_the_sites_timezone(client: TestClient) -> None:
    _fleet(client, MONDAY_0759)
    schedule = _create(client)
    assert schedule["recurrence"]["timezone"] == "Asia/Shanghai"
    runs = [datetime.fromisoformat(r) for r in schedule["next_runs"]]
    assert len(runs) == 10
    assert schedule["next_runs"][0] == "2026-11-23T08:00:00+08:00"
    assert schedule["next_runs"][1] == "2026-11-25T08:00:00+08:00"
    assert all(r.utcoffset() == timedelta(hours=8) for r in runs)
    assert all(r.weekday() in (0, 2) and r.hour == 8 for r in runs)
    assert (
        client.get(f"/api/v1/schedules/{schedule['id']}").json()["next_runs"]
        == schedule["next_runs"]
    )


def test_a_due_run_creates_one_ordinary_mission(client: TestClient) -> None:
    fleet, clock = _fleet(client, MONDAY_0759)
    schedule = _create(client)
    assert _tick(client, fleet) == []
    clock.now = MONDAY_0759 + timedelta(minutes=1, seconds=5)
    created = _tick(client, fleet)
    assert len(created) == 1
    assert _tick(client, fleet) == [], "the same run never creates a second mission"
    mission = client.get(f"/api/v1/missions/{created[0]}").json()
    assert mission["kind"] == "patrol" and mission["route"] == PATROL["route"]
    shown = client.get(f"/api/v1/schedules/{schedule['id']}").json()
    assert shown["last_mission_id"] == created[0]
    assert shown["last_run_at"].startswith("2026-11-23T00:00:00")


def test_runs_missed_while_the_server_was_down(client: TestClient) -> None:
    fleet, clock = _fleet(client, MONDAY_0759)
    _create(client, name="skip", recurrence=WEEKLY | {"missed_runs": "skip"})
    _create(client, name="once", recurrence=WEEKLY | {"missed_runs": "run_once"})
    # Down from Monday 07:59 until Thursday noon: Monday and Wednesday 08:00 were missed.
    clock.now = MONDAY_0759 + timedelta(days=3, hours=4)
    created = _tick(client, fleet)
    assert len(created) == 1, "skip drops missed runs; run_once runs one for all"
    missions = client.get("/api/v1/missions").json()
    assert len(missions) == 1


def test_disabled_and_deleted_schedules(client: TestClient) -> None:
    fleet, clock = _fleet(client, MONDAY_0759)
    schedule = _create(client)
    off = client.patch(f"/api/v1/schedules/{schedule['id']}", json={"enabled": False}).json()
    assert off["enabled"] is False and off["next_runs"] == []
    clock.now = MONDAY_0759 + timedelta(minutes=2)
    assert _tick(client, fleet) == []
    assert client.delete(f"/api/v1/schedules/{schedule['id']}").status_code == 204
    assert client.get(f"/api/v1/schedules/{schedule['id']}").status_code == 404


def test_bad_schedules_are_refused_with_the_field_named(client: TestClient) -> None:
    _fleet(client, MONDAY_0759)
    cases = [
        ({"recurrence": WEEKLY | {"end_date": "2025-01-01"}}, "schedule has no runs"),
        (
            {"recurrence": WEEKLY | {"times": ["25:00"]}},
            "recurrence.times[0]: '25:00' is not a local time",
        ),
        ({"recurrence": {"kind": "monthly"}}, "recurrence"),
        ({"recurrence": WEEKLY | {"timezone": "Mars/Olympus"}}, "Mars/Olympus"),
        ({"mission": PATROL | {"route": ["A", "Q"]}}, "route[1]: unknown node 'Q'"),
        ({"mission": PATROL | {"site": "atlantis"}}, "unknown site 'atlantis'"),
    ]
    for fields, message in cases:
        body = {"name": "bad", "mission": PATROL, "recurrence": WEEKLY} | fields
        response = client.post("/api/v1/schedules", json=body)
        assert response.status_code == 422, (fields, response.text)
        assert message in response.json()["detail"], (fields, response.text)
    assert client.get("/api/v1/schedules").json() == []


def test_a_schedule_that_never_runs_says_why_as_a_code_inside_its_refusal(
    client: TestClient,
) -> None:
    _fleet(client, MONDAY_0759)
    body = {"name": "late", "mission": PATROL, "recurrence": WEEKLY | {"end_date": "2025-01-01"}}
    refusal = client.post("/api/v1/schedules", json=body).json()
    assert refusal["code"] == "schedule.no_runs"
    assert refusal["params"]["field"] == "end_date"
    reason = refusal["params"]["reason"]
    assert reason["code"] == "schedule.end_date_past"
    assert reason["params"]["end_date"] == "2025-01-01"
    assert refusal["detail"] == f"recurrence.end_date: schedule has no runs: {reason['message']}"


def test_a_schedule_that_cannot_be_read_is_set_aside_and_the_others_run(
    client: TestClient,
) -> None:
    fleet, clock = _fleet(client, MONDAY_0759)
    broken = _create(client, name="broken")
    good = _create(client, name="good")
    # Its stored rule no longer parses (written by hand, or by an older version).
    row = fleet.schedules.store.get(Schedule, broken["id"])
    assert row is not None
    row.recurrence = {"kind": "fortnightly"}
    fleet.schedules.store.save(row)
    clock.now = MONDAY_0759 + timedelta(minutes=1, seconds=5)
    created = _tick(client, fleet)
    assert len(created) == 1
    assert fleet.missions.get(created[0]).kind == "patrol"
    assert client.get(f"/api/v1/schedules/{good['id']}").json()["last_mission_id"] == created[0]
    stored = fleet.schedules.store.get(Schedule, broken["id"])
    assert stored is not None and stored.last_error is not None
    assert "fortnightly" in stored.last_error
    assert dict(fleet.failures.by_loop) == {"schedules": 1}
    # It stays set aside without stopping the next ticks.
    clock.now += timedelta(days=2)
    assert len(_tick(client, fleet)) == 1
