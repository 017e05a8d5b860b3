"""Names in each language: the sites and templates the API sends carry them beside `name`."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from fleet_server.settings import FleetSettings
from tests.fleet_server.servers import running_server

PATROL = {"kind": "patrol", "site": "square", "route": ["A", "B", "C", "D"], "rounds": 1}
NAMES = {"zh": "广场环线", "en": "Square loop"}


def _template(**fields: Any) -> dict[str, Any]:
    return {"id": "square-loop", "name": "广场环线", "mission": PATROL} | fields


def test_the_demo_site_is_named_in_chinese_and_english(client: TestClient) -> None:
    sites = {s["id"]: s for s in client.get("/api/v1/sites").json()}
    demo = sites["longgang-demo"]
    assert demo["name"] == "龙岗区示范场景"
    assert demo["names"] == {"zh": "龙岗区示范场景", "en": "Longgang demo site"}
    site = client.get("/api/v1/sites/longgang-demo").json()
    nodes = {n["id"]: n for n in site["nodes"]}
    assert nodes["street-s1"]["name"] == "龙福路 公交站"
    assert nodes["street-s1"]["names"] == {"en": "Longfu Rd bus stop"}
    zones = {z["id"]: z for z in site["zones"]}
    assert zones["uc-forecourt"]["names"] == {"en": "Universiade Centre forecourt"}
    docks = {d["id"]: d for d in site["docks"]}
    assert docks["dock-hall"]["names"] == {"en": "Service centre chargers"}
    # A site file without names (the tests' square) still loads; its names are empty.
    assert sites["square"]["names"] == {}


def test_shipped_templates_have_names_and_descriptions_in_both_languages(
    client: TestClient,
) -> None:
    shipped = client.get("/api/v1/templates").json()
    assert len(shipped) == 6
    for template in shipped:
        assert set(template["names"]) == {"zh", "en"}, template["id"]
        assert set(template["descriptions"]) == {"zh", "en"}, template["id"]
        assert template["name"] == template["names"]["zh"]
    sweep = client.get("/api/v1/templates/clean-longcheng-square").json()
    assert sweep["names"]["en"] == "Longcheng Square sweep"
    assert sweep["descriptions"]["zh"] == "以 1 米行距清扫整个广场。"


def test_template_names_are_taken_checked_and_changed(client: TestClient) -> None:
    body = _template(names=NAMES, descriptions={"en": "Once around the square."})
    created = client.post("/api/v1/templates", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["names"] == NAMES
    assert created.json()["descriptions"] == {"en": "Once around the square."}
    cases = [
        (_template(id="fr", names={"fr": "Boucle"}), "names.fr"),
        (_template(id="empty", names={"en": ""}), "names.en"),
        (_template(id="no-text", descriptions={"zh": ""}), "descriptions.zh"),
        (_template(id="nul", names={"en": "a\x00b"}), "names.en"),
    ]
    for bad, field in cases:
        response = client.post("/api/v1/templates", json=bad)
        assert response.status_code == 422, response.text
        assert field in response.json()["detail"], response.text
        assert client.get(f"/api/v1/templates/{bad['id']}").status_code == 404
    refused = client.patch("/api/v1/templates/square-loop", json={"names": {"de": "Runde"}})
    assert refused.status_code == 422 and "names.de" in refused.json()["detail"], refused.text
    assert client.get("/api/v1/templates/square-loop").json()["names"] == NAMES
    changed = client.patch(
        "/api/v1/templates/square-loop", json={"names": {"zh": "环线", "en": "Loop"}}
    ).json()
    assert changed["names"] == {"zh": "环线", "en": "Loop"}
    assert changed["name"] == "广场环线"
    assert changed["descriptions"] == {"en": "Once around the square."}


def test_file_templates_stored_before_names_get_them_at_the_next_start(
    settings: FleetSettings, engine: Engine
) -> None:
    with running_server(settings) as client:
        created = client.post("/api/v1/templates", json=_template())
        assert created.status_code == 201, created.text
    # As a database upgraded from before names per language leaves them: `{}`, and the old name.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE template SET names = '{}', descriptions = '{}', name = 'old name'")
        )
    with running_server(settings) as client:
        sweep = client.get("/api/v1/templates/clean-longcheng-square").json()
        mine = client.get("/api/v1/templates/square-loop").json()
    assert sweep["names"] == {"zh": "龙城广场清扫", "en": "Longcheng Square sweep"}
    assert sweep["descriptions"]["en"] == "Sweep the whole square in 1 m lanes."
    # What an operator may have renamed stays; a template made through the API is left alone.
    assert sweep["name"] == "old name"
    assert mine["names"] == {} and mine["name"] == "old name"
