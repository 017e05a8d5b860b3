"""The alert inbox over the API: incidents raise alerts, listed by filters and pages, acknowledged
by operators (one or many) and read by viewers, each change on the live feed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from tests.fleet_server.alerts.inbox import alerts, wait_for_alert
from tests.fleet_server.callers import api_key, without_credentials
from tests.fleet_server.feed_reader import FeedReader

SITE = "longgang-demo"
# Beside the metro exit on Longfu Road, inside the demo site's geofence.
METRO_EXIT = {"x": 304.0, "y": 3.0}


def _report(client: TestClient, **body: Any) -> dict[str, Any]:
    request = {"type": "street_vending", "site": SITE, "source": "camera-0417"} | body
    response = client.post("/api/v1/incidents", json={"location": METRO_EXIT} | request)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_incident_no_robot_can_answer_raises_two_alerts_with_words_and_subject(
    client: TestClient,
) -> None:
    incident = _report(client, severity="high")
    assert incident["status"] == "escalated"

    reported = wait_for_alert(client, "incident_reported")
    assert reported["incident_id"] == incident["id"] and reported["site"] == SITE
    assert reported["severity"] == "high" and reported["count"] == 1
    assert reported["code"] == "alert.incident_reported"
    assert reported["params"] == {
        "incident": incident["id"],
        "type": "street_vending",
        "severity": "high",
        "site": SITE,
    }
    words = f"incident {incident['id']} reported: street_vending, severity high"
    assert reported["message"] == words
    assert not reported["acknowledged"] and reported["acknowledged_by"] is None

    escalated = wait_for_alert(client, "incident_escalated")
    assert escalated["incident_id"] == incident["id"] and escalated["severity"] == "high"
    # The reason is the incident's own sentence, nested: its code and parameters for the console.
    assert escalated["params"]["reason"] == {
        "code": incident["reason_code"],
        "params": incident["reason_params"],
        "message": incident["reason"],
    }
    assert incident["reason_code"] == "incidentText.no_robot_able"
    assert incident["reason_params"]["actions"] == ["announce", "capturePhoto"]
    assert "no online patrol_dog robot" in escalated["message"]
    page = client.get("/api/v1/alerts").json()
    assert [a["kind"] for a in page["alerts"]] == ["incident_escalated", "incident_reported"]
    assert page["total"] == 2 and page["unacknowledged"] == 2


def test_alerts_are_filtered_paged_and_acknowledged_by_operators_only(client: TestClient) -> None:
    incidents = [_report(client) for _ in range(3)]
    viewer = api_key(client, "watch", Role.VIEWER)
    operator = api_key(client, "duty-officer", Role.OPERATOR)
    # Each report no robot can answer: reported and escalated, six alerts.
    every = client.get("/api/v1/alerts", headers=viewer).json()
    assert every["total"] == 6 and every["unacknowledged"] == 6

    first = client.get("/api/v1/alerts", params={"limit": 4}, headers=viewer).json()
    second = client.get("/api/v1/alerts", params={"limit": 4, "offset": 4}, headers=viewer).json()
    assert len(first["alerts"]) == 4 and len(second["alerts"]) == 2
    assert first["total"] == second["total"] == 6
    ids = [a["id"] for a in first["alerts"] + second["alerts"]]
    assert ids == sorted(ids, reverse=True)
    held = alerts(client, kind="incident_reported", incident=incidents[1]["id"])
    assert [a["incident_id"] for a in held] == [incidents[1]["id"]]
    assert alerts(client, since="2099-01-01T00:00:00Z") == []
    assert len(alerts(client, since="2000-01-01T00:00:00Z")) == 6

    target = held[0]["id"]
    refused = client.post(f"/api/v1/alerts/{target}/acknowledge", headers=viewer)
    assert refused.status_code == 403
    with without_credentials(client):
        assert client.get("/api/v1/alerts").status_code == 401
    done = client.post(f"/api/v1/alerts/{target}/acknowledge", headers=operator)
    assert done.status_code == 200, done.text
    acknowledged = done.json()
    assert acknowledged["acknowledged"] and acknowledged["acknowledged_by"] == "duty-officer"
    assert acknowledged["acknowledged_at"] >= acknowledged["created_at"]
    # A second acknowledgement keeps who did it first.
    again = client.post(f"/api/v1/alerts/{target}/acknowledge").json()
    assert again["acknowledged_by"] == "duty-officer"
    assert again["acknowledged_at"] == acknowledged["acknowledged_at"]
    assert [a["id"] for a in alerts(client, acknowledged=True)] == [target]
    assert len(alerts(client, acknowledged=False)) == 5

    escalated = [a["id"] for a in alerts(client, kind="incident_escalated")]
    many = client.post(
        "/api/v1/alerts/acknowledge", json={"ids": [*escalated, target]}, headers=operator
    ).json()
    assert sorted(a["id"] for a in many["acknowledged"]) == sorted(escalated)
    assert many["unacknowledged"] == 2
    rest = client.post("/api/v1/alerts/acknowledge", json={"all": True}, headers=operator).json()
    assert len(rest["acknowledged"]) == 2 and rest["unacknowledged"] == 0
    assert client.get("/api/v1/alerts").json()["unacknowledged"] == 0
    assert {a["acknowledged_by"] for a in alerts(client)} == {"duty-officer"}


def test_bad_requests_name_the_field(client: TestClient) -> None:
    unknown = client.post("/api/v1/alerts/999/acknowledge")
    assert unknown.status_code == 404 and "alert 999" in unknown.json()["detail"]
    assert client.get("/api/v1/alerts/999").status_code == 404
    both = client.post("/api/v1/alerts/acknowledge", json={"ids": [1], "all": True})
    assert both.status_code == 422 and "either ids" in both.text
    neither = client.post("/api/v1/alerts/acknowledge", json={})
    assert neither.status_code == 422
    too_many = client.post("/api/v1/alerts/acknowledge", json={"ids": list(range(1, 502))})
    assert too_many.status_code == 422 and "ids" in too_many.text
    for params in ({"kind": "fire"}, {"limit": 0}, {"since": "yesterday"}, {"offset": -1}):
        refused = client.get("/api/v1/alerts", params=params)
        assert refused.status_code == 422, params
        assert next(iter(params)) in refused.text


def test_every_console_hears_of_new_and_acknowledged_alerts(client: TestClient) -> None:
    key = api_key(client, "wall", Role.VIEWER)["X-API-Key"]
    with client.websocket_connect(f"/api/v1/live?key={key}") as session:
        feed = FeedReader(session)
        feed.wait_for(lambda m: m["type"] == "snapshot", "the snapshot")
        incident = _report(client)
        raised = feed.wait_for(
            lambda m: m["type"] == "alerts"
            and any(c["alert"]["kind"] == "incident_reported" for c in m["changes"]),
            "the new alert",
        )
        (change,) = [c for c in raised["changes"] if c["alert"]["kind"] == "incident_reported"]
        assert change["event"] == "raised"
        assert change["alert"]["incident_id"] == incident["id"]
        alert_id = change["alert"]["id"]
        operator = api_key(client, "duty-officer", Role.OPERATOR)
        client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=operator)
        told = feed.wait_for(
            lambda m: m["type"] == "alerts"
            and any(c["event"] == "acknowledged" for c in m["changes"]),
            "the acknowledgement",
        )
    (seen,) = told["changes"]
    assert seen["alert"]["id"] == alert_id
    assert seen["alert"]["acknowledged_by"] == "duty-officer"
    # The incident was escalated too (no robot): one alert still awaits acknowledging.
    assert told["unacknowledged"] == 1
