"""Mission templates: shipped files, the API, and missions made from a template with overrides."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

PATROL = {"kind": "patrol", "site": "square", "route": ["A", "B", "C", "D"], "rounds": 1}


def _template(**fields: Any) -> dict[str, Any]:
    return {"id": "square-loop", "name": "Square loop", "mission": PATROL} | fields


def test_shipped_templates_cover_every_kind_of_the_demo(client: TestClient) -> None:
    shipped = {t["id"]: t for t in client.get("/api/v1/templates").json()}
    assert len(shipped) == 6
    assert all(t["source"] == "file" and t["site"] == "longgang-demo" for t in shipped.values())
    kinds = sorted(t["kind"] for t in shipped.values())
    assert kinds == ["clean", "clean", "patrol", "patrol", "service", "service"]
    languages = {
        a["params"].get("language")
        for t in shipped.values()
        if t["kind"] == "patrol"
        for c in t["mission"]["checkpoints"]
        for a in c["actions"]
        if a["type"] == "announce"
    }
    assert languages == {"zh", "en"}


def test_templates_are_checked_on_save_and_can_be_changed(client: TestClient) -> None:
    created = client.post("/api/v1/templates", json=_template())
    assert created.status_code == 201 and created.json()["source"] == "api"
    again = client.post("/api/v1/templates", json=_template())
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    cases = [
        (
            _template(id="bad-node", mission=PATROL | {"route": ["A", "Z"]}),
            "route[1]: unknown node 'Z'",
        ),
        (
            _template(
                id="bad-param",
                mission=PATROL
                | {
                    "checkpoints": [
                        {"node": "B", "actions": [{"type": "announce", "params": {"text": 5}}]}
                    ]
                },
            ),
            "parameter 'text' must be string",
        ),
        (_template(id="Bad Id"), "id"),
        (
            _template(id="bad-zone", mission={"kind": "clean", "site": "square", "zone": "nope"}),
            "unknown zone 'nope'",
        ),
    ]
    for body, message in cases:
        response = client.post("/api/v1/templates", json=body)
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"], response.text
    changed = client.patch(
        "/api/v1/templates/square-loop", json={"name": "Renamed", "mission": PATROL | {"rounds": 4}}
    ).json()
    assert changed["name"] == "Renamed" and changed["mission"]["rounds"] == 4
    assert client.delete("/api/v1/templates/square-loop").status_code == 204
    assert client.get("/api/v1/templates/square-loop").status_code == 404


def test_missions_from_a_template_take_overrides(client: TestClient) -> None:
    client.post("/api/v1/templates", json=_template())
    body = {"template": "square-loop", "overrides": {"rounds": 3, "priority": 70}}
    mission = client.post("/api/v1/missions", json=body)
    assert mission.status_code == 201, mission.text
    assert mission.json()["rounds"] == 3 and mission.json()["priority"] == 70
    assert mission.json()["route"] == PATROL["route"]
    cases = [
        ({"template": "square-loop", "overrides": {"rounds": 0}}, "overrides.rounds"),
        ({"template": "square-loop", "overrides": {"kind": "dock"}}, "kind cannot change"),
        ({"template": "missing"}, "unknown template 'missing'"),
        ({"template": "square-loop", "overrides": {"route": ["A", "Q"]}}, "unknown node 'Q'"),
    ]
    for request, message in cases:
        response = client.post("/api/v1/missions", json=request)
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"], response.text
