"""Who may read GET /metrics: nobody while it is off, then a fleet reader's login token or API
key (as a bearer token too, as Prometheus sends it), and anyone only when made public."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import API_KEY_HEADER, api_key, without_credentials
from tests.fleet_server.servers import running_server


def _bearer(client: TestClient, name: str, role: Role) -> dict[str, str]:
    """An Authorization header carrying a new API key of this role."""
    return {"Authorization": f"Bearer {api_key(client, name, role)[API_KEY_HEADER]}"}


def test_metrics_are_off_unless_enabled_even_for_an_admin(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 404
    assert "FLEET_METRICS_ENABLED" in response.json()["detail"]
    assert "fleet_" not in response.text


def test_enabled_metrics_need_a_fleet_readers_credentials(settings: FleetSettings) -> None:
    enabled = settings.model_copy(update={"metrics_enabled": True})
    with running_server(enabled) as client, without_credentials(client):
        anonymous = client.get("/metrics")
        assert anonymous.status_code == 401 and "fleet_" not in anonymous.text
        officer = client.get("/metrics", headers=_bearer(client, "officer", Role.SUBSIDY_OFFICER))
        assert officer.status_code == 403
        assert officer.json()["detail"].endswith("allowed: admin, operator, viewer, auditor")
        made_up = client.get("/metrics", headers={"Authorization": "Bearer fk_made-up"})
        assert made_up.status_code == 401 and "API key unknown" in made_up.json()["detail"]

        prometheus = client.get("/metrics", headers=_bearer(client, "prometheus", Role.VIEWER))
        assert prometheus.status_code == 200, prometheus.text
        assert prometheus.headers["content-type"].startswith("text/plain; version=")
        assert "# TYPE fleet_ingested_messages_total counter" in prometheus.text
        by_header = client.get("/metrics", headers=api_key(client, "auditor", Role.AUDITOR))
        assert by_header.status_code == 200

        accounts = client.app.state.fleet.accounts  # type: ignore[attr-defined]
        accounts.add_user("wang.ops", Role.OPERATOR, "operator password")
        login = client.post(
            "/api/v1/auth/token", data={"username": "wang.ops", "password": "operator password"}
        )
        token = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert client.get("/metrics", headers=token).status_code == 200


def test_a_revoked_key_no_longer_scrapes(settings: FleetSettings) -> None:
    enabled = settings.model_copy(update={"metrics_enabled": True})
    with running_server(enabled) as client:
        created = client.post("/api/v1/apikeys", json={"name": "prometheus", "role": "viewer"})
        bearer = {"Authorization": f"Bearer {created.json()['key']}"}
        with without_credentials(client):
            assert client.get("/metrics", headers=bearer).status_code == 200
        client.delete(f"/api/v1/apikeys/{created.json()['id']}")
        with without_credentials(client):
            refused = client.get("/metrics", headers=bearer)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_public_metrics_need_no_credentials_but_only_when_enabled(
    settings: FleetSettings,
) -> None:
    public_only = settings.model_copy(update={"metrics_public": True})
    with running_server(public_only) as client, without_credentials(client):
        assert client.get("/metrics").status_code == 404
    public = settings.model_copy(update={"metrics_enabled": True, "metrics_public": True})
    with running_server(public) as client, without_credentials(client):
        response = client.get("/metrics")
        assert response.status_code == 200 and "fleet_robots" in response.text


def test_an_api_key_as_bearer_token_works_on_the_api_too(client: TestClient) -> None:
    with without_credentials(client):
        viewer = _bearer(client, "dashboard", Role.VIEWER)
        assert client.get("/api/v1/robots", headers=viewer).status_code == 200
        me = client.get("/api/v1/auth/me", headers=viewer).json()
        assert me == {"name": "dashboard", "role": "viewer", "kind": "api_key"}
        refused = client.get("/api/v1/users", headers=viewer)
        assert refused.status_code == 403
