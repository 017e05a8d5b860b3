"""The account service: password and key hashing, login, tokens and their expiry, API keys."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import jwt
import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from fleet_server.accounts.accounts import AccountService, Principal
from fleet_server.accounts.models import ApiKey, Role, User
from fleet_server.errors import Conflict, Invalid, NotFound, Unauthorized
from tests.clock import ManualClock

SECRET = "test-secret-that-is-at-least-32-bytes-long"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2030, 5, 1, 8, 0, tzinfo=timezone.utc))


@pytest.fixture
def accounts(engine: Engine, clock: ManualClock) -> AccountService:
    return AccountService(engine, SECRET, token_ttl_s=600, clock=clock)


def _stored_text(engine: Engine, table: type[User] | type[ApiKey]) -> str:
    """Every value of every row of the table, as the database holds it."""
    with engine.connect() as connection:
        rows = connection.execute(select(inspect(table).local_table)).all()
    assert rows, "the table is empty"
    return " ".join(str(value) for row in rows for value in row)


def test_passwords_are_stored_only_as_argon2_hashes(
    accounts: AccountService, engine: Engine
) -> None:
    user = accounts.add_user("li.wei", Role.OPERATOR, PASSWORD)
    assert user.id is not None and user.role == Role.OPERATOR
    assert user.created_at.tzinfo is not None
    stored = _stored_text(engine, User)
    assert PASSWORD not in stored
    assert "$argon2id$" in stored
    # The same password gives a different hash for another user (salted).
    other = accounts.add_user("zhang.min", Role.VIEWER, PASSWORD)
    assert other.password_hash != user.password_hash


def test_only_the_right_password_logs_in_and_a_wrong_name_is_not_revealed(
    accounts: AccountService,
) -> None:
    accounts.add_user("li.wei", Role.OPERATOR, PASSWORD)
    assert accounts.authenticate("li.wei", PASSWORD).name == "li.wei"
    with pytest.raises(Unauthorized) as wrong_password:
        accounts.authenticate("li.wei", PASSWORD + "!")
    with pytest.raises(Unauthorized) as unknown_user:
        accounts.authenticate("nobody", PASSWORD)
    assert wrong_password.value.message == unknown_user.value.message
    assert wrong_password.value.status_code == 401


def test_new_users_follow_the_rules_of_the_api(accounts: AccountService) -> None:
    accounts.add_user("li.wei", Role.OPERATOR, PASSWORD)
    with pytest.raises(Conflict, match="already exists"):
        accounts.add_user("li.wei", Role.VIEWER, PASSWORD)
    with pytest.raises(Invalid) as short:
        accounts.add_user("short", Role.VIEWER, "1234567")
    assert short.value.field == "password"
    with pytest.raises(Invalid) as spaced:
        accounts.add_user("li wei", Role.VIEWER, PASSWORD)
    assert spaced.value.field == "name"
    assert [u.name for u in accounts.list_users()] == ["li.wei"]


def test_a_token_speaks_for_its_user_and_role(accounts: AccountService) -> None:
    user = accounts.add_user("auditor-1", Role.AUDITOR, PASSWORD)
    token, expires_in = accounts.issue_token(user)
    assert expires_in == 600
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["sub"] == "auditor-1" and claims["role"] == "auditor"
    assert claims["exp"] - claims["iat"] == 600
    assert accounts.principal_from_token(token) == Principal("user", "auditor-1", Role.AUDITOR)


def test_tokens_expire_after_their_lifetime(accounts: AccountService, clock: ManualClock) -> None:
    token, expires_in = accounts.issue_token(accounts.add_user("li.wei", Role.ADMIN, PASSWORD))
    clock.advance(expires_in - 1)
    assert accounts.principal_from_token(token).name == "li.wei"
    clock.advance(1)
    with pytest.raises(Unauthorized, match="token expired"):
        accounts.principal_from_token(token)


def test_forged_and_malformed_tokens_are_refused(
    accounts: AccountService, clock: ManualClock
) -> None:
    accounts.add_user("li.wei", Role.VIEWER, PASSWORD)
    now = int(clock().timestamp())
    claims = {"sub": "li.wei", "role": "admin", "iat": now, "exp": now + 600}
    forged = jwt.encode(claims, "another-secret-that-is-also-32-bytes-long", algorithm="HS256")
    with pytest.raises(Unauthorized, match="signature"):
        accounts.principal_from_token(forged)
    # Signed with the right secret but claiming a role the user does not have.
    promoted = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match="role"):
        accounts.principal_from_token(promoted)
    with pytest.raises(Unauthorized, match="token invalid"):
        accounts.principal_from_token("not-a-jwt")


def test_a_removed_or_disabled_users_token_stops_working(
    accounts: AccountService, engine: Engine, clock: ManualClock
) -> None:
    token, _ = accounts.issue_token(accounts.add_user("li.wei", Role.OPERATOR, PASSWORD))
    accounts.remove_user("li.wei")
    with pytest.raises(Unauthorized, match="no longer exists"):
        accounts.principal_from_token(token)
    with pytest.raises(NotFound):
        accounts.remove_user("li.wei")
    # Someone given the same name later is another person: the old token is not theirs.
    clock.advance(5)
    accounts.add_user("li.wei", Role.OPERATOR, "a new password")
    with pytest.raises(Unauthorized, match="no longer exists"):
        accounts.principal_from_token(token)

    fresh, _ = accounts.issue_token(accounts.authenticate("li.wei", "a new password"))
    with engine.begin() as connection:
        connection.execute(update(User).where(col(User.name) == "li.wei").values(disabled=True))
    with pytest.raises(Unauthorized, match="disabled"):
        accounts.principal_from_token(fresh)
    with pytest.raises(Unauthorized, match="disabled"):
        accounts.authenticate("li.wei", "a new password")


def test_api_keys_work_until_revoked(accounts: AccountService, clock: ManualClock) -> None:
    row, key = accounts.create_api_key("camera-analytics", Role.OPERATOR)
    assert key.startswith("fk_") and len(key) > 40
    assert row.prefix == key[:8]
    principal = accounts.principal_from_api_key(key)
    assert principal == Principal("api_key", "camera-analytics", Role.OPERATOR)
    with pytest.raises(Unauthorized, match="unknown"):
        accounts.principal_from_api_key(key[:-1] + ("A" if key[-1] != "A" else "B"))

    clock.advance(60)
    assert row.id is not None
    accounts.revoke_api_key(row.id)
    with pytest.raises(Unauthorized, match="revoked"):
        accounts.principal_from_api_key(key)
    [listed] = accounts.list_api_keys()
    assert listed.revoked_at == clock()
    with pytest.raises(NotFound):
        accounts.revoke_api_key(row.id + 100)


def test_api_keys_are_stored_only_as_hashes(accounts: AccountService, engine: Engine) -> None:
    _, key = accounts.create_api_key("nightly-report", Role.AUDITOR)
    stored = _stored_text(engine, ApiKey)
    assert key not in stored
    assert key[8:] not in stored
    assert hashlib.sha256(key.encode()).hexdigest() in stored
