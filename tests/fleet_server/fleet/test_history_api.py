"""GET /robots/{id}/history through the real server: battery and activity from the stored
telemetry, thinned evenly, and bad ranges refused naming the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.base import utc_now

SERIAL = "dog-hist"


def _register(client: TestClient) -> None:
    body = {"serial_number": SERIAL, "manufacturer": "sim", "kind": "patrol_dog"}
    response = client.post("/api/v1/robots", json=body)
    assert response.status_code == 201, response.text


def _sample(at: datetime, minute: int) -> dict[str, Any]:
    """Minute 0-29 on the charger (battery 40 % up to 69 %), 30-69 on mission 7 (down from 90 %
    a percent a minute), 70-99 idle at 50 %."""
    charging, mission = minute < 30, 7 if 30 <= minute < 70 else None
    battery = 40.0 + minute if charging else (120.0 - minute if mission else 50.0)
    return {
        "serial_number": SERIAL,
        "time": at + timedelta(minutes=minute),
        "x": 0.0,
        "y": 0.0,
        "theta": 0.0,
        "map_id": "longgang",
        "battery": battery,
        "driving": mission is not None,
        "charging": charging,
        "mission_id": mission,
    }


def test_history_is_the_stored_samples_thinned_evenly(client: TestClient) -> None:
    _register(client)
    start = utc_now().replace(microsecond=0) - timedelta(hours=3)
    store = client.app.state.fleet.robot_store  # type: ignore[attr-defined]
    store.add_samples([_sample(start, minute) for minute in range(100)])
    window = {"since": start.isoformat(), "until": (start + timedelta(minutes=100)).isoformat()}

    everything = client.get(f"/api/v1/robots/{SERIAL}/history", params=window).json()
    assert len(everything) == 100
    assert everything[0]["battery"] == 40.0 and everything[0]["activity"] == "charging"
    assert everything[30]["activity"] == "working" and everything[30]["mission_id"] == 7
    assert everything[99]["activity"] == "idle" and everything[99]["battery"] == 50.0

    thinned = client.get(f"/api/v1/robots/{SERIAL}/history", params={**window, "points": 20}).json()
    # Every fifth sample, from the first.
    assert [p["battery"] for p in thinned[:6]] == [40.0, 45.0, 50.0, 55.0, 60.0, 65.0]
    assert len(thinned) == 20
    minutes = [(datetime.fromisoformat(p["time"]) - start).total_seconds() / 60 for p in thinned]
    assert minutes == [5.0 * i for i in range(20)]
    assert [p["activity"] for p in thinned].count("working") == 8


def test_bad_ranges_and_unknown_robots_are_refused(client: TestClient) -> None:
    _register(client)
    now = utc_now()
    backwards = {"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat()}
    response = client.get(f"/api/v1/robots/{SERIAL}/history", params=backwards)
    assert response.status_code == 422 and "since" in response.text
    too_long = {"since": (now - timedelta(days=8)).isoformat()}
    response = client.get(f"/api/v1/robots/{SERIAL}/history", params=too_long)
    assert response.status_code == 422 and "7 days" in response.text
    naive = {"since": "2026-01-01T00:00:00"}
    assert client.get(f"/api/v1/robots/{SERIAL}/history", params=naive).status_code == 422
    assert client.get("/api/v1/robots/nobody/history").status_code == 404
