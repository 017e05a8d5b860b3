"""/reports through the real server: who may read them, bad input named, the figures of known
history, and the robots' states now with a simulated robot."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from fleet_protocol.base import utc_now
from fleet_protocol.kinds import RobotKind
from fleet_server.accounts.models import Role
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import api_key
from tests.fleet_server.reports.history import fill_incidents, fill_missions, fill_robot_days
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until

REPORTS = ("missions", "incidents", "patrols", "cleaning", "utilisation")


def test_a_viewer_reads_every_report_and_a_subsidy_officer_none(client: TestClient) -> None:
    viewer = api_key(client, "wall", Role.VIEWER)
    officer = api_key(client, "officer", Role.SUBSIDY_OFFICER)
    for name in (*REPORTS, "robots-now"):
        assert client.get(f"/api/v1/reports/{name}", headers=viewer).status_code == 200, name
        assert client.get(f"/api/v1/reports/{name}", headers=officer).status_code == 403, name


def test_an_unknown_span_or_site_is_refused_naming_it(client: TestClient) -> None:
    response = client.get("/api/v1/reports/missions", params={"span": "1y"})
    assert response.status_code == 422
    assert "span" in response.text
    response = client.get("/api/v1/reports/cleaning", params={"site": "atlantis"})
    assert response.status_code == 404
    assert "atlantis" in response.text


def test_the_reports_of_known_history_over_7_days(client: TestClient) -> None:
    engine = client.app.state.fleet.engine  # type: ignore[attr-defined]
    today = utc_now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    fill_missions(engine, today)
    fill_incidents(engine, today)
    fill_robot_days(engine, today)
    week = {"span": "7d", "site": "longgang-demo"}

    missions = client.get("/api/v1/reports/missions", params=week).json()
    assert missions["period"]["timezone"] == "Asia/Shanghai"
    assert missions["period"]["last_day"] == today.isoformat()
    assert missions["total"] == {"completed": 4, "failed": 1, "cancelled": 1}
    incidents = client.get("/api/v1/reports/incidents", params=week).json()
    assert (incidents["response_p50_s"], incidents["response_p90_s"]) == (60.0, 108.0)
    patrols = client.get("/api/v1/reports/patrols", params=week).json()
    assert (patrols["checkpoints_visited"], patrols["checkpoints_planned"]) == (5, 6)
    cleaning = client.get("/api/v1/reports/cleaning", params=week).json()
    assert cleaning["area_m2"] == 300.5
    use = client.get("/api/v1/reports/utilisation", params=week).json()
    assert (use["utilisation"], use["battery_used_percent"]) == (0.5, 62.0)
    assert [r["serial_number"] for r in use["robots"]] == ["dog-01", "dog-02"]


def test_robots_now_counts_a_simulated_robot_idle_then_offline(
    client: TestClient, settings: FleetSettings
) -> None:
    def now() -> dict[str, int]:
        return dict(client.get("/api/v1/reports/robots-now").json())

    # Robots an earlier test left on the broker (retained connection messages) count offline.
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, 1):
        counts = wait_until(lambda: now() if now()["idle"] == 1 else None, what="an idle robot")
        assert counts["working"] == counts["charging"] == counts["error"] == 0
        assert counts["total"] == counts["idle"] + counts["offline"] >= 1
    after = wait_until(lambda: now() if now()["idle"] == 0 else None, what="the robot offline")
    assert after["offline"] == after["total"] == counts["total"]
