"""Logging in, roles and API keys through the HTTP API, as clients and integrations use them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.models import Role
from tests.fleet_server.callers import without_credentials

ADMIN_PASSWORD = "admin password 1"


def _accounts(client: TestClient) -> AccountService:
    accounts: AccountService = client.app.state.fleet.accounts  # type: ignore[attr-defined]
    return accounts


def _log_in(client: TestClient, name: str, password: str) -> dict[str, str]:
    """Log in through the OAuth2 password form; the headers that carry the token."""
    response = client.post("/api/v1/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _admin(client: TestClient) -> dict[str, str]:
    _accounts(client).add_user("root", Role.ADMIN, ADMIN_PASSWORD)
    return _log_in(client, "root", ADMIN_PASSWORD)


def test_a_user_logs_in_and_the_token_says_who_they_are(client: TestClient) -> None:
    _accounts(client).add_user("li.wei", Role.OPERATOR, "operator password")
    login = client.post(
        "/api/v1/auth/token", data={"username": "li.wei", "password": "operator password"}
    )
    assert login.status_code == 200, login.text
    body = login.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 1800
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json() == {"name": "li.wei", "role": "operator", "kind": "user"}

    wrong = client.post(
        "/api/v1/auth/token", data={"username": "li.wei", "password": "not the password"}
    )
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_requests_without_good_credentials_are_refused_with_401(client: TestClient) -> None:
    with without_credentials(client):
        for path in ("/api/v1/auth/me", "/api/v1/users", "/api/v1/apikeys"):
            response = client.get(path)
            assert response.status_code == 401, (path, response.text)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            assert "send a bearer token or an X-API-Key header" in response.json()["detail"]
    garbage = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert garbage.status_code == 401 and "token invalid" in garbage.json()["detail"]
    unknown = client.get("/api/v1/auth/me", headers={"X-API-Key": "fk_made-up"})
    assert unknown.status_code == 401 and "API key unknown" in unknown.json()["detail"]


def test_only_an_admin_manages_users(client: TestClient) -> None:
    admin = _admin(client)
    created = client.post(
        "/api/v1/users",
        json={"name": "zhao.viewer", "role": "viewer", "password": "viewer password"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "viewer" and "password_hash" not in created.json()
    assert "viewer password" not in created.text

    viewer = _log_in(client, "zhao.viewer", "viewer password")
    refused = client.get("/api/v1/users", headers=viewer)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "role viewer may not do this; allowed: admin"

    names = [u["name"] for u in client.get("/api/v1/users", headers=admin).json()]
    assert names == ["root", "zhao.viewer"]
    assert client.delete("/api/v1/users/zhao.viewer", headers=admin).status_code == 204
    # The removed user's token stops working at once.
    gone = client.get("/api/v1/auth/me", headers=viewer)
    assert gone.status_code == 401 and "no longer exists" in gone.json()["detail"]
    assert client.delete("/api/v1/users/zhao.viewer", headers=admin).status_code == 404


def test_bad_new_users_are_refused_naming_the_problem(client: TestClient) -> None:
    admin = _admin(client)
    duplicate = client.post(
        "/api/v1/users",
        json={"name": "root", "role": "viewer", "password": "another password"},
        headers=admin,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"] == "user 'root' already exists"
    cases = [
        ({"name": "wu", "role": "boss", "password": "long enough"}, "role"),
        ({"name": "wu", "role": "viewer", "password": "short"}, "password"),
        ({"name": "wu fang", "role": "viewer", "password": "long enough"}, "name"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/users", json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(f"{field}: "), response.text
    roles = client.post("/api/v1/users", json=cases[0][0], headers=admin).json()["detail"]
    assert all(role.value in roles for role in Role)


def test_an_integration_uses_an_api_key_until_it_is_revoked(client: TestClient) -> None:
    admin = _admin(client)
    created = client.post(
        "/api/v1/apikeys", json={"name": "camera-analytics", "role": "operator"}, headers=admin
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("fk_") and created.json()["prefix"] == key[:8]

    me = client.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200, me.text
    assert me.json() == {"name": "camera-analytics", "role": "operator", "kind": "api_key"}
    # An operator's key may not manage keys.
    assert client.get("/api/v1/apikeys", headers={"X-API-Key": key}).status_code == 403

    listing = client.get("/api/v1/apikeys", headers=admin)
    assert key not in listing.text and "key_hash" not in listing.text
    # Beside the admin key every test client sends.
    [listed] = [k for k in listing.json() if k["name"] == "camera-analytics"]
    assert listed["role"] == "operator" and listed["revoked_at"] is None

    assert client.delete(f"/api/v1/apikeys/{listed['id']}", headers=admin).status_code == 204
    revoked = client.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    [kept] = [
        k for k in client.get("/api/v1/apikeys", headers=admin).json() if k["id"] == listed["id"]
    ]
    assert kept["revoked_at"] is not None
    assert client.delete("/api/v1/apikeys/9999", headers=admin).status_code == 404


def test_the_api_documentation_offers_both_ways_to_authenticate(client: TestClient) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("name")) for s in schemes.values()}
    assert ("oauth2", None) in kinds and ("apiKey", "X-API-Key") in kinds
    password_flow = next(s for s in schemes.values() if s["type"] == "oauth2")
    assert password_flow["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"


def _refusal(response: object) -> tuple[int, str, dict[str, object]]:
    """A refusal's status, code and parameters: what the console words it by."""
    body = response.json()  # type: ignore[attr-defined]
    return response.status_code, body["code"], body["params"]  # type: ignore[attr-defined]


def test_refusals_carry_the_code_and_parameters_the_console_words_them_by(
    client: TestClient,
) -> None:
    admin = _admin(client)
    _accounts(client).add_user("li.wei", Role.OPERATOR, "operator password")
    with without_credentials(client):
        wrong = client.post("/api/v1/auth/token", data={"username": "li.wei", "password": "nope"})
        nobody = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    # A wrong password and an unknown user read alike, in English and by code.
    for refused in (wrong, nobody):
        assert refused.json() == {
            "detail": "wrong user name or password",
            "code": "login.refused",
            "params": {},
        }
    assert client.patch("/api/v1/users/li.wei", json={"disabled": True}, headers=admin).is_success
    with without_credentials(client):
        disabled = client.post(
            "/api/v1/auth/token", data={"username": "li.wei", "password": "operator password"}
        )
    assert disabled.json()["detail"] == "user 'li.wei' is disabled"
    assert _refusal(disabled) == (401, "account.disabled", {"name": "li.wei"})

    unknown = client.delete("/api/v1/users/wang.nobody", headers=admin)
    assert _refusal(unknown) == (404, "account.not_found", {"name": "wang.nobody"})
    last = client.patch("/api/v1/users/root", json={"role": "viewer"}, headers=admin)
    assert last.json()["field"] == "name"
    assert _refusal(last) == (409, "account.last_admin", {"name": "root"})
    no_key = client.delete("/api/v1/apikeys/9999", headers=admin)
    assert _refusal(no_key) == (404, "api_key.not_found", {"key": 9999})
    with without_credentials(client):
        made_up = client.get("/api/v1/auth/me", headers={"X-API-Key": "fk_made-up"})
        garbage = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert _refusal(made_up) == (401, "api_key.unknown", {})
    assert _refusal(garbage) == (401, "token.invalid", {"problem": "Not enough segments"})

    # The test client's own credentials are an API key, which has no password to change.
    change = {"current_password": "whatever it is", "new_password": "a new password 2"}
    keyed = client.post("/api/v1/auth/password", json=change)
    assert _refusal(keyed) == (403, "password.api_key", {})
    mistyped = client.post("/api/v1/auth/password", json=change, headers=admin)
    assert mistyped.json()["field"] == "current_password"
    assert _refusal(mistyped) == (422, "password.wrong", {})
