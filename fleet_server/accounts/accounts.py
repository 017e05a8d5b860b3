"""The account service: users with argon2-hashed passwords, login tokens (JWT), and API keys."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine

from fleet_protocol.base import utc_now
from fleet_server.accounts.models import (
    ApiKey,
    ApiKeyCreate,
    NewPassword,
    Role,
    User,
    UserCreate,
    UserUpdate,
)
from fleet_server.accounts.store import AccountStore
from fleet_server.accounts.texts import (
    ACCOUNT_DISABLED,
    API_KEY_NOT_FOUND,
    API_KEY_REVOKED,
    API_KEY_UNKNOWN,
    LOGIN_REFUSED,
    TOKEN_BAD_SIGNATURE,
    TOKEN_BAD_TIMES,
    TOKEN_CLAIM_MISSING,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    TOKEN_PASSWORD_CHANGED,
    TOKEN_ROLE_CHANGED,
    TOKEN_USER_GONE,
)
from fleet_server.errors import Invalid, NotFound, Unauthorized, problems_of, problems_text

TOKEN_ALGORITHM = "HS256"
API_KEY_PREFIX = "fk_"
# How many leading characters of a key listings show.
API_KEY_SHOWN_CHARS = 8
# Random bytes of a generated password (16 URL-safe characters).
GENERATED_PASSWORD_BYTES = 12


@dataclass(frozen=True)
class Principal:
    """Who is calling: a logged-in user or an API key, and the role it acts with."""

    kind: Literal["user", "api_key"]
    name: str
    role: Role


def hash_api_key(key: str) -> str:
    """The sha256 hex digest stored for a key (keys are 256-bit random: a fast hash suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _checked(schema: type[BaseModel], **fields: Any) -> None:
    """The API's rules for a new account, for every caller (the CLI too)."""
    try:
        schema.model_validate(fields)
    except ValidationError as exc:
        # The first problem, with its code and parameters for the console.
        found = problems_of(exc.errors()[:1])
        raise Invalid(problems_text(found), field=found[0]["field"], problems=found) from None


class AccountService:
    """Adds and checks users and API keys, and issues and reads login tokens."""

    def __init__(
        self,
        engine: Engine,
        secret: str,
        token_ttl_s: float,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = AccountStore(engine)
        self._secret = secret
        self._token_ttl_s = token_ttl_s
        self._clock = clock
        self._hasher = PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified when the user is unknown, so a wrong name takes as long as a wrong password."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    def add_user(self, name: str, role: Role, password: str) -> User:
        """Create a user (password rules as UserCreate); Conflict if the name is taken."""
        _checked(UserCreate, name=name, role=role, password=password)
        user = User(
            name=name,
            role=Role(role),
            password_hash=self._hasher.hash(password),
            created_at=self._clock(),
        )
        return self.store.insert_user(user)

    def list_users(self) -> list[User]:
        """Every user, by name."""
        return self.store.users()

    def remove_user(self, name: str) -> None:
        """Delete a user; the tokens it holds stop working. NotFound if there is no such user,
        Conflict if it is the last enabled admin."""
        self.store.delete_user(name)

    def update_user(
        self, name: str, role: Role | None = None, disabled: bool | None = None
    ) -> User:
        """Change a user's role, or disable or enable it; a new role or disabling ends the
        tokens it holds. Conflict if that would leave no enabled admin."""
        _checked(UserUpdate, role=role, disabled=disabled)

        def change(user: User) -> None:
            if role is not None:
                user.role = Role(role)
            if disabled is not None:
                user.disabled = disabled

        return self.store.change_user(name, change)

    def set_password(self, name: str, password: str | None = None) -> str | None:
        """Give a user a new password: this one, or a generated one that is returned (shown
        once, never stored); tokens given before stop working. NotFound if there is no such
        user."""
        generated = None
        if password is None:
            generated = password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        _checked(NewPassword, password=password)
        password_hash = self._hasher.hash(password)

        def change(user: User) -> None:
            user.password_hash = password_hash

        self.store.change_user(name, change)
        return generated

    def authenticate(self, name: str, password: str) -> User:
        """The user with this name and password; Unauthorized otherwise (one message for both)."""
        user = self.store.user(name)
        try:
            self._hasher.verify(user.password_hash if user else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            raise Unauthorized(LOGIN_REFUSED.of()) from None
        if user is None:
            raise Unauthorized(LOGIN_REFUSED.of())
        if user.disabled:
            raise Unauthorized(ACCOUNT_DISABLED.of(name=name))
        if self._hasher.check_needs_rehash(user.password_hash):
            self.store.set_password_hash(name, self._hasher.hash(password))
        return user

    def issue_token(self, user: User) -> tuple[str, int]:
        """A signed login token for the user and how many seconds it is valid."""
        issued = int(self._clock().timestamp())
        lifetime = math.ceil(self._token_ttl_s)
        claims = {
            "sub": user.name,
            "role": user.role.value,
            "iat": issued,
            "exp": issued + lifetime,
            "pwd": self._password_mark(user),
        }
        return jwt.encode(claims, self._secret, algorithm=TOKEN_ALGORITHM), lifetime

    def principal_from_token(self, token: str) -> Principal:
        """Who a login token speaks for; Unauthorized saying why when it cannot be used."""
        claims = self._token_claims(token)
        if claims["exp"] <= self._clock().timestamp():
            raise Unauthorized(TOKEN_EXPIRED.of())
        user = self.store.user(str(claims["sub"]))
        # A token outlives neither its user nor a change of role; a namesake made later is
        # someone else (created after the token was issued).
        if user is None or claims["iat"] < int(user.created_at.timestamp()):
            raise Unauthorized(TOKEN_USER_GONE.of())
        if user.disabled:
            raise Unauthorized(ACCOUNT_DISABLED.of(name=user.name))
        if claims["role"] != user.role.value:
            raise Unauthorized(TOKEN_ROLE_CHANGED.of())
        if claims.get("pwd") != self._password_mark(user):
            raise Unauthorized(TOKEN_PASSWORD_CHANGED.of())
        return Principal(kind="user", name=user.name, role=user.role)

    def _password_mark(self, user: User) -> str:
        """A mark of the user's password (its hash, keyed with the secret) carried in tokens, so
        that a new password ends the sessions of the old one."""
        digest = hmac.new(self._secret.encode(), user.password_hash.encode(), hashlib.sha256)
        return digest.hexdigest()[:16]

    def _token_claims(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[TOKEN_ALGORITHM],
                # Times are checked against the service's clock, not pyjwt's.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["sub", "role", "iat", "exp"],
                },
            )
        except jwt.InvalidSignatureError:
            raise Unauthorized(TOKEN_BAD_SIGNATURE.of()) from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(TOKEN_CLAIM_MISSING.of(claim=exc.claim)) from None
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(TOKEN_INVALID.of(problem=str(exc))) from None
        if not all(isinstance(claims[c], int) for c in ("iat", "exp")):
            raise Unauthorized(TOKEN_BAD_TIMES.of())
        return claims

    def create_api_key(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """A new API key: its row, and the key itself (not stored, so never shown again)."""
        _checked(ApiKeyCreate, name=name, role=role)
        key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiKey(
            name=name,
            role=Role(role),
            prefix=key[:API_KEY_SHOWN_CHARS],
            key_hash=hash_api_key(key),
            created_at=self._clock(),
        )
        return self.store.insert_api_key(row), key

    def list_api_keys(self) -> list[ApiKey]:
        """Every API key, revoked ones too, oldest first."""
        return self.store.api_keys()

    def revoke_api_key(self, key_id: int) -> ApiKey:
        """Revoke a key: it stops working at once, its row stays. NotFound for an unknown id."""
        key = self.store.revoke_api_key(key_id, self._clock())
        if key is None:
            raise NotFound(API_KEY_NOT_FOUND.of(key=key_id))
        return key

    def principal_from_api_key(self, key: str) -> Principal:
        """Who an API key speaks for; Unauthorized if it is unknown or revoked."""
        row = self.store.api_key_by_hash(hash_api_key(key))
        if row is None:
            raise Unauthorized(API_KEY_UNKNOWN.of())
        if row.revoked_at is not None:
            raise Unauthorized(API_KEY_REVOKED.of(prefix=row.prefix))
        return Principal(kind="api_key", name=row.name, role=row.role)
