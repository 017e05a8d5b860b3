"""Schemathesis against the app's own OpenAPI document, on SQLite and on PostgreSQL: whatever a
client sends, valid by the document or not, the server never answers with a server error.

A bounded, repeatable run: every operation gets a few generated requests that fit its schema
and a few that break it, the same ones on every run (derandomized), sent in-process to a server
with a real broker and database and some records to find.
"""

from __future__ import annotations

import collections
import contextlib
import os
import time
from collections.abc import Callable
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from fleet_server.accounts.models import Role
from tests.fleet_server.callers import api_key, create_record, credit_code

# Requests generated per operation and mode; FLEET_FUZZ_EXAMPLES=200 runs deeper than CI does.
EXAMPLES = int(os.environ.get("FLEET_FUZZ_EXAMPLES", "15"))
# Where an admin may not go: the voucher records are the subsidy officers' (and auditors').
OFFICER_PATHS = ("/api/v1/vouchers", "/api/v1/audit")


def _seed(client: TestClient, officer: dict[str, str]) -> None:
    """A few records of each kind, so that generated ids (small numbers) find some."""
    client.post("/api/v1/missions", json={"kind": "patrol", "site": "square", "route": ["A", "C"]})
    client.post("/api/v1/missions", json={"template": "street-patrol-zh"})
    client.post(
        "/api/v1/incidents",
        json={"type": "crowd", "site": "square", "node": "B", "source": "camera-7"},
    )
    client.post(
        "/api/v1/schedules",
        json={
            "name": "morning round",
            "mission": {"kind": "patrol", "site": "square", "route": ["A", "B", "C"]},
            "recurrence": {"kind": "weekly", "days": ["mon"], "times": ["08:00"]},
        },
    )
    programme = create_record(
        client,
        "/api/v1/vouchers/programmes",
        {
            "name": "龙岗机器人券",
            "geofence_site": "longgang-demo",
            "geofence_zone": "longgang-geofence",
        },
        officer,
    )
    holder = create_record(
        client,
        "/api/v1/vouchers/enterprises",
        {"name": "龙岗制造", "uscc": credit_code(1), "registered_in_district": True},
        officer,
    )
    create_record(
        client,
        "/api/v1/vouchers/institutions",
        {
            "name": "深圳机器人服务",
            "uscc": credit_code(2),
            "registered_in_district": True,
            "catalogue": [{"model": "X30", "manufacturer": "DEEP", "kind": "patrol_dog"}],
        },
        officer,
    )
    create_record(
        client,
        "/api/v1/vouchers/batches",
        {"programme_id": programme["id"], "holders": [holder["id"]], "face_value_fen": 10_000},
        officer,
    )


def _request(case: schemathesis.Case, credentials: dict[str, str]) -> dict[str, Any]:
    """The case as keyword arguments of the test client (httpx), with the credentials."""
    sent = case.as_transport_kwargs(base_url="http://testserver")
    request: dict[str, Any] = {
        "method": sent["method"],
        "url": sent["url"],
        "params": sent.get("params"),
        "headers": {**(sent.get("headers") or {}), **credentials},
    }
    data = sent.get("data")
    if "json" in sent:
        request["json"] = sent["json"]
    elif isinstance(data, bytes | str):
        request["content"] = data
    elif data is not None:
        request["data"] = data
    return request


def _generate(
    operation: Any, mode: GenerationMode, send: Callable[[str, schemathesis.Case], None]
) -> None:
    """Send EXAMPLES requests generated for the operation in the mode, the same on every run."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        send(operation.label, case)

    run()


def test_no_input_makes_a_server_error(client: TestClient) -> None:
    admin = dict(client.headers)
    officer = api_key(client, "fuzz-officer", Role.SUBSIDY_OFFICER)
    own_keys = {key.id for key in client.app.state.fleet.accounts.list_api_keys()}  # type: ignore[attr-defined]
    _seed(client, officer)
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    errors: dict[str, list[str]] = collections.defaultdict(list)
    calls = collections.Counter[str]()
    started = time.monotonic()

    def send(label: str, case: schemathesis.Case) -> None:
        if (
            case.path.startswith("/api/v1/apikeys/")
            and (case.path_parameters or {}).get("key_id") in own_keys
        ):
            return  # revoking the run's own keys would leave the rest of it unauthorised
        who = officer if case.path.startswith(OFFICER_PATHS) else admin
        request = _request(case, who)
        calls[label] += 1
        try:
            response = client.request(**request)
        except Exception as exc:  # the test client re-raises what the app did not handle
            errors[label].append(f"{type(exc).__name__}: {exc} <- {request}")
            return
        if response.status_code >= 500:
            errors[label].append(f"{response.status_code} {response.text[:300]} <- {request}")

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # An operation without parameters has no invalid request to generate.
            with contextlib.suppress(Unsatisfiable):
                _generate(operation, mode, send)

    elapsed = time.monotonic() - started
    found = sum(len(problems) for problems in errors.values())
    print(
        f"\nschemathesis: {sum(calls.values())} requests to {len(calls)} operations in "
        f"{elapsed:.0f} s; {found} server errors on {len(errors)} operations"
    )
    assert len(calls) >= 80, "every operation was called"
    assert not errors, "\n".join(f"{label}: {found[0]}" for label, found in errors.items())
