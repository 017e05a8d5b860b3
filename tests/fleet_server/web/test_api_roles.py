"""Every API route names the roles it admits; each group of roles admits its own and no others."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.app import create_app
from fleet_server.settings import FleetSettings
from fleet_server.web.deps import current_robot, require
from fleet_server.web.roles import (
    ACTIVITY_READERS,
    ADMINS,
    FLEET_READERS,
    FLEET_WRITERS,
    LOGBOOK_READERS,
    OFFICERS,
    RECORD_READERS,
    SIGNED_IN,
)
from tests.fleet_server.callers import api_key, without_credentials

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # a FastAPI that includes routers eagerly lists every route in app.routes
    iter_route_contexts = None

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/health/live"),
    ("GET", "/api/v1/health/ready"),
    ("POST", "/api/v1/auth/token"),
}
# A browser cannot set headers on a WebSocket: the live feed takes its credential from the query
# and checks it in its handler (tests/fleet_server/feed/test_live.py tests the refusals).
CHECKED_IN_HANDLER = {"/api/v1/live"}
# Routes robots call with their own MQTT login (tests/fleet_server/incidents/test_photos.py tests
# who may upload what).
ROBOT_ROUTES = {("POST", "/api/v1/photos/{photo_id}")}
GROUPS = (
    SIGNED_IN,
    FLEET_READERS,
    FLEET_WRITERS,
    ACTIVITY_READERS,
    ADMINS,
    LOGBOOK_READERS,
    OFFICERS,
    RECORD_READERS,
)
ROBOT = {"serial_number": "dog-07", "manufacturer": "deeprobotics"}
PATROL = {"kind": "patrol", "site": "square", "route": ["A", "B", "C"], "rounds": 1}
# Per group: a request it guards, a role it admits, and one it refuses (None: it admits
# every role). In this order, so that the robot exists before it is read.
CASES: list[tuple[tuple[Role, ...], str, str, Any, Role, Role | None]] = [
    (ADMINS, "POST", "/api/v1/robots", ROBOT, Role.ADMIN, Role.OPERATOR),
    (SIGNED_IN, "GET", "/api/v1/sites", None, Role.SUBSIDY_OFFICER, None),
    (FLEET_READERS, "GET", "/api/v1/robots/dog-07", None, Role.VIEWER, Role.SUBSIDY_OFFICER),
    (ACTIVITY_READERS, "GET", "/api/v1/robots/dog-07/activity", None, Role.SUBSIDY_OFFICER, None),
    (FLEET_WRITERS, "POST", "/api/v1/missions", PATROL, Role.OPERATOR, Role.VIEWER),
    (LOGBOOK_READERS, "GET", "/api/v1/logbook", None, Role.AUDITOR, Role.VIEWER),
    (
        OFFICERS,
        "POST",
        "/api/v1/vouchers/clawbacks/watch",
        None,
        Role.SUBSIDY_OFFICER,
        Role.AUDITOR,
    ),
    (RECORD_READERS, "GET", "/api/v1/audit", None, Role.AUDITOR, Role.OPERATOR),
]


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)


def _group(dependant: Dependant) -> tuple[Role, ...] | None:
    """The group of roles whose check the route depends on (require() gives one per group)."""
    checks = {require(*group): group for group in GROUPS}
    found = {checks[d.call] for d in _dependants(dependant) if d.call in checks}
    assert len(found) <= 1, found
    return found.pop() if found else None


def _roles_words(group: tuple[Role, ...]) -> str:
    return f"({'role' if len(group) == 1 else 'roles'}: {', '.join(r.value for r in group)})"


def _api_routes() -> Iterator[tuple[str, str, Any]]:
    """(method, full path, route) of every /api/v1 route of the app; method WS for a WebSocket."""
    app = create_app(FleetSettings(database_url="sqlite://"))
    if iter_route_contexts is None:
        routes = [(getattr(route, "path", ""), route) for route in app.routes]
    else:
        routes = [(c.path or "", c.original_route) for c in iter_route_contexts(app.routes)]
    for path, route in routes:
        if not path.startswith("/api/"):
            continue
        assert isinstance(route, (APIRoute, APIWebSocketRoute)), (path, route)
        for method in sorted(getattr(route, "methods", None) or ["WS"]):
            yield method, path, route


def test_every_api_route_admits_a_named_group_of_roles_unless_it_is_public() -> None:
    problems, public, robots = [], set(), set()
    for method, path, route in _api_routes():
        group = _group(route.dependant)
        doc = " ".join((route.endpoint.__doc__ or "").split())
        if (method, path) in ROBOT_ROUTES:
            robots.add((method, path))
            takes_login = any(d.call is current_robot for d in _dependants(route.dependant))
            if (
                group is not None
                or not takes_login
                or not doc.endswith("(robots: their own photos).")
            ):
                problems.append(f"{method} {path}: RobotLogin alone, docstring (robots: ...)")
        elif (method, path) in PUBLIC:
            public.add((method, path))
            if group is not None or not re.search(r"\(public, [^)]+\)\.$", doc):
                problems.append(f"{method} {path}: public, its docstring ending (public, ...)")
        elif method == "WS" and path in CHECKED_IN_HANDLER:
            continue
        elif group is None:
            problems.append(f"{method} {path} admits anyone: give it a type of api/roles.py")
        elif not doc.endswith(f"{_roles_words(group)}."):
            problems.append(f"{method} {path}: its docstring should end with {_roles_words(group)}")
    assert problems == []
    assert public == PUBLIC
    assert robots == ROBOT_ROUTES


def test_each_group_admits_its_roles_and_refuses_others_and_callers_without_credentials(
    client: TestClient,
) -> None:
    assert {case[0] for case in CASES} == set(GROUPS)
    for group, method, path, body, admitted, refused in CASES:
        assert admitted in group and (refused is None) == (set(group) == set(Role))
        if refused is not None:
            headers = api_key(client, f"refused-{refused.value}", refused)
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (path, refused, response.text)
            assert response.json()["detail"] == (
                f"role {refused.value} may not do this; "
                f"allowed: {', '.join(r.value for r in group)}"
            )
            # The console names the roles in the user's language, so they come as a list.
            assert response.json()["code"] == "web.role_refused"
            assert response.json()["params"] == {
                "role": refused.value,
                "roles": [r.value for r in group],
            }
        with without_credentials(client):
            anonymous = client.request(method, path, json=body)
            assert anonymous.status_code == 401, path
            assert anonymous.json()["code"] == "web.not_authenticated", path
        headers = api_key(client, f"admitted-{admitted.value}-{len(group)}", admitted)
        response = client.request(method, path, json=body, headers=headers)
        assert response.is_success, (path, admitted, response.text)


def test_every_route_but_the_public_ones_refuses_a_caller_without_credentials(
    client: TestClient,
) -> None:
    with without_credentials(client):
        for method, path, _ in _api_routes():
            if method == "WS" or (method, path) in PUBLIC:
                continue
            response = client.request(method, re.sub(r"\{[^}]+\}", "1", path))
            assert response.status_code == 401, (method, path, response.text)


def test_the_admin_reads_voucher_records_but_may_change_none(client: TestClient) -> None:
    """Separation of duties: who manages accounts sees the subsidy records, decides nothing."""
    admin = api_key(client, "records-admin", Role.ADMIN)
    writes = 0
    for method, path, _ in _api_routes():
        if not path.startswith(("/api/v1/vouchers", "/api/v1/audit")):
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url, json={}, headers=admin)
        if method == "GET":
            assert response.status_code in (200, 404), (method, path, response.text)
            continue
        writes += 1
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["detail"].startswith("role admin may not do this")
    assert writes >= 15
    assert client.get("/api/v1/vouchers/programmes", headers=admin).json() == []
    assert client.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True
