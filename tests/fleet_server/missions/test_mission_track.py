"""GET /missions/{id}/track through the real server: the samples taken while robots ran the
mission, between its start and end, for playback (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.base import utc_now
from fleet_server.db import session_scope
from fleet_server.missions.models.mission import Mission, MissionStatus


def _sample(serial: str, at: datetime, x: float, mission_id: int | None) -> dict[str, Any]:
    return {
        "serial_number": serial,
        "time": at,
        "x": x,
        "y": 2.0,
        "theta": 0.0,
        "map_id": "longgang",
        "battery": 80.0 - x / 10,
        "driving": mission_id is not None,
        "charging": False,
        "mission_id": mission_id,
    }


def _mission(client: TestClient, **fields: Any) -> int:
    engine = client.app.state.fleet.engine  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        mission = Mission(kind="patrol", site_id="longgang-demo", **fields)
        session.add(mission)
        session.flush()
        assert mission.id is not None
        return mission.id


def test_a_missions_track_is_its_robots_samples_from_start_to_end(client: TestClient) -> None:
    start = utc_now().replace(microsecond=0) - timedelta(hours=2)
    end = start + timedelta(minutes=10)
    ended = _mission(
        client, status=MissionStatus.COMPLETED, robot="dog-01", started_at=start, finished_at=end
    )
    other = ended + 1000
    store = client.app.state.fleet.robot_store  # type: ignore[attr-defined]
    store.add_samples(
        # dog-01 before the mission, 11 samples a minute apart on it, and after it idle;
        # dog-02 on another mission meanwhile.
        [_sample("dog-01", start - timedelta(minutes=1), -1.0, None)]
        + [_sample("dog-01", start + timedelta(minutes=m), float(m), ended) for m in range(11)]
        + [_sample("dog-01", end + timedelta(minutes=1), 99.0, None)]
        + [_sample("dog-02", start + timedelta(minutes=m), 50.0, other) for m in range(11)]
    )
    track = client.get(f"/api/v1/missions/{ended}/track").json()
    assert [p["x"] for p in track] == [float(m) for m in range(11)]
    assert {p["serial_number"] for p in track} == {"dog-01"}
    assert track[0]["battery"] == 80.0
    assert datetime.fromisoformat(track[-1]["time"]) == end

    thinned = client.get(f"/api/v1/missions/{ended}/track", params={"points": 4}).json()
    assert [p["x"] for p in thinned] == [0.0, 3.0, 6.0, 9.0]


def test_a_mission_not_started_has_no_track_and_an_unknown_one_is_404(
    client: TestClient,
) -> None:
    queued = _mission(client, status=MissionStatus.QUEUED)
    assert client.get(f"/api/v1/missions/{queued}/track").json() == []
    assert client.get("/api/v1/missions/999999/track").status_code == 404
    assert client.get(f"/api/v1/missions/{queued}/track", params={"points": 1}).status_code == 422
