"""Accounts: users who log in with a password and API keys for integrations, each with a role."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import utc_column
from fleet_server.fields import single_line

ACCOUNT_NAME = r"^[A-Za-z0-9_.-]{1,64}$"
PASSWORD_MIN_LENGTH = 8
# Long enough for any passphrase; the bound keeps a request from making the server hash megabytes.
PASSWORD_MAX_LENGTH = 1024

AccountName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ACCOUNT_NAME)]
"""A user's or an API key's name: letters, digits, `_`, `.` and `-`, 1 to 64 of them."""

Password = Annotated[
    str,
    StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH),
    AfterValidator(single_line),
]
"""A new password: 8 to 1024 characters on one line, no control characters."""

GivenPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=PASSWORD_MAX_LENGTH),
    AfterValidator(single_line),
]
"""A password given to log in: checked against the stored hash, whatever its length."""


class Role(str, Enum):
    """What a user or an API key may do; every route names the roles it admits."""

    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"
    SUBSIDY_OFFICER = "subsidy_officer"
    AUDITOR = "auditor"


class User(SQLModel, table=True):
    """A person who logs in with a name and password (only the argon2 hash is kept)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    role: Role
    password_hash: str
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    disabled: bool = False


class ApiKey(SQLModel, table=True):
    """A key for an integration; only its sha256 hash and its first characters are kept."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: Role
    # The key's first characters, so an admin can tell keys apart in listings.
    prefix: str
    key_hash: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column())


class UserCreate(BaseModel):
    """A new user."""

    name: AccountName = PydanticField(examples=["li.wei"])
    role: Role
    password: Password


class UserUpdate(BaseModel):
    """A change to a user: a new role, or disabled (true) or enabled again (false)."""

    role: Role | None = None
    disabled: bool | None = None


class NewPassword(BaseModel):
    """A user's new password; without one the server generates it and shows it once."""

    password: Password | None = None


class PasswordChange(BaseModel):
    """A user's change of their own password: the current one, and the new one."""

    current_password: GivenPassword
    new_password: Password


class PasswordSet(BaseModel):
    """A password was set; `password` is the generated one (shown this once), or null."""

    name: str
    password: str | None


class UserPublic(BaseModel):
    """A user as the API shows it (never the password hash)."""

    id: int
    name: str
    role: Role
    created_at: datetime
    disabled: bool

    @classmethod
    def of(cls, user: User) -> UserPublic:
        """The public view of a user row."""
        return cls.model_validate(user.model_dump(exclude={"password_hash"}))


class ApiKeyCreate(BaseModel):
    """A new API key: a name saying who uses it, and its role."""

    name: AccountName = PydanticField(examples=["camera-analytics"])
    role: Role


class ApiKeyPublic(BaseModel):
    """An API key as listings show it (never the key or its hash)."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyPublic:
        """The public view of an API key row."""
        return cls.model_validate(key.model_dump(exclude={"key_hash"}))


class ApiKeyCreated(ApiKeyPublic):
    """A key just created, with the key itself: it is shown this once and never again."""

    key: str
