"""Hostile and careless input: out-of-range ids and numbers, NaN, control characters and lone
surrogates are a 422 naming the field, on SQLite and PostgreSQL alike, and nothing is stored.
The OpenAPI document bounds every string, number, list and map a request may carry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.app import create_app
from fleet_server.fields import MAX_ID
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import api_key, credit_code, without_credentials

# Strings whose format bounds them (pydantic parses them before anything else reads them).
BOUNDED_FORMATS = {"date", "date-time", "time", "duration"}


def _input_schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every parameter and request body schema of the document, named by its operation."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield f"{method.upper()} {path} {parameter['name']}", parameter["schema"]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield f"{method.upper()} {path} body", media["schema"]


def _unbounded(schema: dict[str, Any], where: str, document: dict[str, Any]) -> Iterator[str]:
    """Where `schema` lets a request carry an unbounded string, number, list or map."""
    seen: set[str] = set()

    def walk(node: dict[str, Any], where: str) -> Iterator[str]:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                yield from walk(document["components"]["schemas"][name], name)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                yield from walk(option, where)
        kind = node.get("type")
        if (
            kind == "string"
            and not ("maxLength" in node or "enum" in node or "const" in node)
            and node.get("format") not in BOUNDED_FORMATS
        ):
            yield f"{where}: string without maxLength"
        if kind in ("integer", "number") and not (
            ("minimum" in node or "exclusiveMinimum" in node)
            and ("maximum" in node or "exclusiveMaximum" in node)
        ):
            yield f"{where}: {kind} without both bounds"
        if kind == "array":
            if "maxItems" not in node:
                yield f"{where}: list without maxItems"
            yield from walk(node.get("items", {}), f"{where}[]")
        for name, field in node.get("properties", {}).items():
            yield from walk(field, f"{where}.{name}")
        extra = node.get("additionalProperties")
        if kind == "object" and extra not in (None, False):
            if "maxProperties" not in node:
                yield f"{where}: map without maxProperties"
            if isinstance(extra, dict):
                yield from walk(extra, f"{where}.*")
        for value in node.get("patternProperties", {}).values():
            yield from walk(value, f"{where}.*")

    yield from walk(schema, where)


def test_every_input_in_the_api_document_is_bounded(tmp_path: Any) -> None:
    app = create_app(FleetSettings(database_url=f"sqlite:///{tmp_path / 'fleet.db'}"))
    document = app.openapi()
    found = [
        problem
        for where, schema in _input_schemas(document)
        for problem in _unbounded(schema, where, document)
    ]
    assert found == []
    # The walk sees what it must: ids, text and numbers of every kind of input.
    schemas = dict(_input_schemas(document))
    assert schemas["GET /api/v1/missions/{mission_id} mission_id"]["maximum"] == MAX_ID
    assert schemas["DELETE /api/v1/users/{name} name"]["maxLength"] == 64


def _detail(response: Any) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["detail"])


def test_ids_beyond_the_databases_range_are_refused(client: TestClient) -> None:
    officer = api_key(client, "officer", Role.SUBSIDY_OFFICER)
    for too_big in (2**31, 2**63, 10**30):
        assert "mission_id" in _detail(client.get(f"/api/v1/missions/{too_big}"))
        assert "schedule_id" in _detail(client.delete(f"/api/v1/schedules/{too_big}"))
        assert "programme_id" in _detail(
            client.get("/api/v1/vouchers/issued", params={"programme_id": too_big}, headers=officer)
        )
        assert "contract_id" in _detail(
            client.post("/api/v1/vouchers/claims", json={"contract_id": too_big}, headers=officer)
        )
    assert "mission_id" in _detail(client.get("/api/v1/missions/0"))
    # The largest id is a question the database can answer: there is no such mission.
    assert client.get(f"/api/v1/missions/{MAX_ID}").status_code == 404


def test_amounts_and_settings_beyond_their_columns_are_refused(client: TestClient) -> None:
    officer = api_key(client, "officer", Role.SUBSIDY_OFFICER)
    programme = {
        "name": "龙岗机器人券",
        "geofence_site": "longgang-demo",
        "geofence_zone": "longgang-geofence",
    }
    for field, value in [
        ("total_pool_fen", 10**19),
        ("voucher_validity_days", 10**9),
        ("lock_in_months", 100_000),
        ("active_day_min_minutes", 24 * 60 + 1),
    ]:
        response = client.post(
            "/api/v1/vouchers/programmes", json=programme | {field: value}, headers=officer
        )
        assert field in _detail(response), field
    batch = {"programme_id": 1, "holders": [1], "face_value_fen": 10**16}
    response = client.post("/api/v1/vouchers/batches", json=batch, headers=officer)
    assert "face_value_fen" in _detail(response)
    assert client.get("/api/v1/vouchers/programmes", headers=officer).json() == []


def test_dates_outside_the_records_era_are_refused_before_any_arithmetic(
    client: TestClient,
) -> None:
    # Year 9999 and year 1 overflowed in the next-run search and in timezone conversions.
    weekly = {"kind": "weekly", "days": ["mon"], "times": ["08:00"]}
    patrol = {"kind": "patrol", "site": "square", "route": ["A", "B"]}
    schedules = [
        weekly | {"start_date": "9999-12-30"},
        weekly | {"end_date": "1999-12-31"},
        weekly
        | {
            "blackouts": [
                {"kind": "period", "start": "2025-01-01T00:00", "end": "9999-12-31T00:00"}
            ]
        },
    ]
    for rule, field in zip(schedules, ("start_date", "end_date", "period.end"), strict=True):
        body = {"name": "round", "mission": patrol, "recurrence": rule}
        detail = _detail(client.post("/api/v1/schedules", json=body))
        assert f".{field}: must be between 2000-01-01 and 2099-12-31" in detail, detail
    late = patrol | {"until": "9999-12-31T23:00-05:00"}
    assert "until: must be between" in _detail(client.post("/api/v1/missions", json=late))
    since = {"since": "0001-01-01T00:00:00+08:00"}
    assert "since" in _detail(client.get("/api/v1/incidents", params=since))
    assert "until" in _detail(
        client.get("/api/v1/robots/dog-01/activity", params={"until": "0001-01-01"})
    )
    assert client.get("/api/v1/schedules").json() == []
    assert client.get("/api/v1/missions").json() == []


def _post_raw(client: TestClient, url: str, text: str, **kwargs: Any) -> Any:
    """POST a JSON text as written (Python's json reads NaN and Infinity, which clients send)."""
    headers = {"content-type": "application/json"} | kwargs.pop("headers", {})
    return client.post(url, content=text.encode("utf-8"), headers=headers, **kwargs)


def test_nan_and_infinity_are_refused_where_a_number_is_expected(client: TestClient) -> None:
    incident = (
        '{"type": "litter", "site": "square", "source": "camera-7", '
        '"location": {"x": %s, "y": 1.0}}'
    )
    for value in ("NaN", "Infinity", "-Infinity", "1e400"):
        detail = _detail(_post_raw(client, "/api/v1/incidents", incident % value))
        assert "location.x" in detail and "finite" in detail, detail
    patrol = '{"kind": "patrol", "site": "square", "route": ["A", "B"], "battery_floor": NaN}'
    assert "battery_floor" in _detail(_post_raw(client, "/api/v1/missions", patrol))
    clean = '{"kind": "clean", "site": "square", "zone": "fence", "width": Infinity}'
    assert "width" in _detail(_post_raw(client, "/api/v1/missions", clean))
    dwell = (
        '{"kind": "patrol", "site": "square", "route": ["A", "B"], "checkpoints": '
        '[{"node": "B", "actions": [{"type": "dwell", "params": {"seconds": NaN}}]}]}'
    )
    detail = _detail(_post_raw(client, "/api/v1/missions", dwell))
    assert "checkpoints[0].actions[0].params.seconds: must be a finite number" in detail
    place = {"x": "nan", "y": "1", "radius": "5"}
    assert "x" in _detail(client.get("/api/v1/logbook", params=place))
    assert client.get("/api/v1/incidents").json() == []
    assert client.get("/api/v1/missions").json() == []


def test_control_characters_are_refused_in_every_part_of_a_request(client: TestClient) -> None:
    nul = "dog\x00-01"
    patrol = {"kind": "patrol", "site": "square", "route": ["A", "B"]}
    detail = _detail(client.post("/api/v1/missions", json=patrol | {"robot": nul}))
    assert detail.startswith("robot: ")
    report = {"type": "crowd", "site": "square", "node": "A", "source": "camera\x00"}
    detail = _detail(client.post("/api/v1/incidents", json=report))
    assert detail == "source: must not contain control characters (found U+0000 at position 6)"
    # Multi-line text keeps its line breaks; a bell or an escape sequence is not text.
    described = report | {"source": "camera-7", "description": "stall\nby the exit\tgate"}
    assert client.post("/api/v1/incidents", json=described).status_code == 201
    assert "U+001B" in _detail(
        client.post("/api/v1/incidents", json=described | {"description": "\x1b[31mred"})
    )
    assert "U+202E" in _detail(
        client.post("/api/v1/incidents", json=report | {"source": "a\u202eb"})
    )
    assert "robot" in _detail(client.get("/api/v1/missions", params={"robot": nul}))
    assert "robot_id" in _detail(client.get("/api/v1/robots/dog%00-01"))
    assert "template_id" in _detail(client.get("/api/v1/templates/patrol%00"))
    assert "name" in _detail(client.delete("/api/v1/users/li%00wei"))
    with without_credentials(client):
        for form in (
            {"username": "li\x00wei", "password": "x"},
            {"username": "li", "password": "\x00"},
        ):
            field = next(name for name, value in form.items() if "\x00" in value)
            assert _detail(client.post("/api/v1/auth/token", data=form)).startswith(f"{field}: ")
    assert len(client.get("/api/v1/incidents").json()) == 1


def test_a_lone_surrogate_is_refused_and_the_answer_is_still_json(client: TestClient) -> None:
    # Python's json reads "\ud800" into a string no database (nor UTF-8) can hold.
    body = json.dumps({"type": "crowd", "site": "square", "node": "A", "source": "cam\ud800"})
    detail = _detail(_post_raw(client, "/api/v1/incidents", body))
    assert detail.startswith("source: ") and "unicode string" in detail
    officer = api_key(client, "officer", Role.SUBSIDY_OFFICER)
    enterprise = json.dumps(
        {"name": "\udfff", "uscc": credit_code(1), "registered_in_district": True}
    )
    response = _post_raw(client, "/api/v1/vouchers/enterprises", enterprise, headers=officer)
    assert "name" in _detail(response)
    # A message that repeats what was sent still makes a JSON answer.
    kind = json.dumps({"kind": "\ud800", "site": "square"})
    assert _detail(_post_raw(client, "/api/v1/missions", kind)).startswith("kind: Input tag")
    assert client.get("/api/v1/incidents").json() == []


def test_each_refused_field_comes_with_a_code_and_its_limits_for_the_console(
    client: TestClient,
) -> None:
    clean = {"kind": "clean", "site": "square", "zone": "fence", "width": 9, "mode": "polish"}
    answer = client.post("/api/v1/missions", json=clean)
    assert answer.status_code == 422
    body = answer.json()
    problems = {p["field"]: p for p in body["problems"]}
    assert problems["width"] == {
        "field": "width",
        "code": "validation.less_than_equal",
        "params": {"le": 5.0},
        "message": "Input should be less than or equal to 5",
    }
    assert problems["mode"]["code"] == "validation.literal_error"
    assert problems["mode"]["params"] == {"expected": "'sweep', 'scrub' or 'vacuum'"}
    # The English words stay as they were, for integrators.
    assert "width: Input should be less than or equal to 5" in body["errors"]
    assert body["detail"] == "; ".join(body["errors"])
    assert client.get("/api/v1/missions").json() == []
