"""An admin manages users through the API: roles, disabling, passwords, never the last admin."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.models import Role

ADMIN_PASSWORD = "admin password 1"


def _accounts(client: TestClient) -> AccountService:
    accounts: AccountService = client.app.state.fleet.accounts  # type: ignore[attr-defined]
    return accounts


def _log_in(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _admin(client: TestClient) -> dict[str, str]:
    _accounts(client).add_user("root", Role.ADMIN, ADMIN_PASSWORD)
    return _log_in(client, "root", ADMIN_PASSWORD)


def _login_status(client: TestClient, name: str, password: str) -> int:
    return client.post(
        "/api/v1/auth/token", data={"username": name, "password": password}
    ).status_code


def test_a_role_change_applies_at_once_and_old_tokens_stop(client: TestClient) -> None:
    admin = _admin(client)
    _accounts(client).add_user("zhao", Role.VIEWER, "viewer password")
    before = _log_in(client, "zhao", "viewer password")

    changed = client.patch("/api/v1/users/zhao", json={"role": "operator"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "operator" and changed.json()["disabled"] is False
    stale = client.get("/api/v1/auth/me", headers=before)
    assert stale.status_code == 401 and "log in again" in stale.json()["detail"]
    after = _log_in(client, "zhao", "viewer password")
    assert client.get("/api/v1/auth/me", headers=after).json()["role"] == "operator"

    bad = client.patch("/api/v1/users/zhao", json={"role": "boss"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["detail"].startswith("role: ")
    missing = client.patch("/api/v1/users/nobody", json={"role": "viewer"}, headers=admin)
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]
    refused = client.patch("/api/v1/users/zhao", json={"role": "admin"}, headers=after)
    assert refused.status_code == 403
    assert client.get("/api/v1/users", headers=admin).json()[1]["role"] == "operator"


def test_a_disabled_user_cannot_log_in_until_enabled(client: TestClient) -> None:
    admin = _admin(client)
    _accounts(client).add_user("qian", Role.OPERATOR, "operator password")
    token = _log_in(client, "qian", "operator password")

    disabled = client.patch("/api/v1/users/qian", json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401
    assert _login_status(client, "qian", "operator password") == 401

    enabled = client.patch("/api/v1/users/qian", json={"disabled": False}, headers=admin)
    assert enabled.json()["disabled"] is False
    assert _login_status(client, "qian", "operator password") == 200


def test_a_reset_password_is_shown_once_and_replaces_the_old(client: TestClient) -> None:
    admin = _admin(client)
    _accounts(client).add_user("sun", Role.AUDITOR, "first password")

    reset = client.post("/api/v1/users/sun/password", json={}, headers=admin)
    assert reset.status_code == 200, reset.text
    generated = reset.json()["password"]
    assert reset.json()["name"] == "sun" and len(generated) >= 16
    assert _login_status(client, "sun", "first password") == 401
    assert _login_status(client, "sun", generated) == 200
    listing = client.get("/api/v1/users", headers=admin).text
    assert generated not in listing

    chosen = client.post(
        "/api/v1/users/sun/password", json={"password": "chosen by admin"}, headers=admin
    )
    assert chosen.status_code == 200 and chosen.json()["password"] is None
    assert _login_status(client, "sun", generated) == 401
    assert _login_status(client, "sun", "chosen by admin") == 200

    short = client.post("/api/v1/users/sun/password", json={"password": "short"}, headers=admin)
    assert short.status_code == 422 and short.json()["detail"].startswith("password: ")
    assert _login_status(client, "sun", "chosen by admin") == 200
    missing = client.post("/api/v1/users/nobody/password", json={}, headers=admin)
    assert missing.status_code == 404


def test_the_last_enabled_admin_cannot_be_removed_demoted_or_disabled(client: TestClient) -> None:
    admin = _admin(client)
    for change in ({"role": "operator"}, {"disabled": True}):
        refused = client.patch("/api/v1/users/root", json=change, headers=admin)
        assert refused.status_code == 409, refused.text
        assert "last enabled admin" in refused.json()["detail"]
    removed = client.delete("/api/v1/users/root", headers=admin)
    assert removed.status_code == 409 and "last enabled admin" in removed.json()["detail"]
    [root] = client.get("/api/v1/users", headers=admin).json()
    assert root["role"] == "admin" and root["disabled"] is False

    # With a second admin, the first may step down; then the second is the last one.
    _accounts(client).add_user("deputy", Role.ADMIN, "deputy password")
    stepped = client.patch("/api/v1/users/root", json={"role": "viewer"}, headers=admin)
    assert stepped.status_code == 200, stepped.text
    deputy = _log_in(client, "deputy", "deputy password")
    assert client.delete("/api/v1/users/deputy", headers=deputy).status_code == 409
    # A disabled admin does not count as one who can manage accounts.
    assert client.patch("/api/v1/users/root", json={"role": "admin"}, headers=deputy).is_success
    assert client.patch("/api/v1/users/root", json={"disabled": True}, headers=deputy).is_success
    last = client.patch("/api/v1/users/deputy", json={"role": "operator"}, headers=deputy)
    assert last.status_code == 409


def test_a_new_password_ends_the_sessions_of_the_old_one(client: TestClient) -> None:
    admin = _admin(client)
    _accounts(client).add_user("zhou", Role.OPERATOR, "stolen password")
    stolen = _log_in(client, "zhou", "stolen password")
    assert client.get("/api/v1/auth/me", headers=stolen).status_code == 200
    client.post("/api/v1/users/zhou/password", json={}, headers=admin)
    ended = client.get("/api/v1/auth/me", headers=stolen)
    assert ended.status_code == 401 and "password was changed" in ended.json()["detail"]
    # The admin's own session is untouched.
    assert client.get("/api/v1/auth/me", headers=admin).status_code == 200


def test_a_user_changes_their_own_password_given_the_current_one(client: TestClient) -> None:
    admin = _admin(client)
    _accounts(client).add_user("wu", Role.VIEWER, "handed over 1")
    other_session = _log_in(client, "wu", "handed over 1")
    session = _log_in(client, "wu", "handed over 1")
    url = "/api/v1/auth/password"

    wrong = client.post(
        url, json={"current_password": "guessed", "new_password": "mine alone 1"}, headers=session
    )
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith("current_password: ")
    same = client.post(
        url,
        json={"current_password": "handed over 1", "new_password": "handed over 1"},
        headers=session,
    )
    assert same.status_code == 422 and same.json()["detail"].startswith("new_password: ")
    changed = client.post(
        url,
        json={"current_password": "handed over 1", "new_password": "mine alone 1"},
        headers=session,
    )
    assert changed.status_code == 200, changed.text
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=fresh).json()["name"] == "wu"
    assert client.get("/api/v1/auth/me", headers=other_session).status_code == 401
    assert _login_status(client, "wu", "handed over 1") == 401
    assert _login_status(client, "wu", "mine alone 1") == 200
    # An API key has no password to change.
    assert (
        client.post(url, json={"current_password": "x", "new_password": "y" * 8}).status_code == 403
    )
    assert client.get("/api/v1/auth/me", headers=admin).status_code == 200
