"""The database side of accounts: user and API key rows, each read or written in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fleet_server.accounts.models import ApiKey, User
from fleet_server.db import session_scope
from fleet_server.errors import Conflict


class AccountStore:
    """Users and API keys in the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def user(self, name: str) -> User | None:
        """The user with this name, if there is one."""
        with Session(self.engine) as session:
            user: User | None = session.exec(select(User).where(col(User.name) == name)).first()
            return user

    def users(self) -> list[User]:
        """Every user, by name."""
        with Session(self.engine) as session:
            return list(session.exec(select(User).order_by(col(User.name))))

    def insert_user(self, user: User) -> User:
        """Add a user; Conflict if the name is taken (also when another process just took it)."""
        try:
            with session_scope(self.engine) as session:
                session.add(user)
                session.flush()
                session.refresh(user)
        except IntegrityError:
            raise Conflict(f"user {user.name!r} already exists", field="name") from None
        return user

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Replace a user's password hash (after a rehash with stronger parameters)."""
        with session_scope(self.engine) as session:
            user = session.exec(select(User).where(col(User.name) == name)).first()
            if user is not None:
                user.password_hash = password_hash

    def delete_user(self, name: str) -> bool:
        """Delete a user; whether there was one."""
        with session_scope(self.engine) as session:
            user = session.exec(select(User).where(col(User.name) == name)).first()
            if user is None:
                return False
            session.delete(user)
            return True

    def api_key(self, key_id: int) -> ApiKey | None:
        """The API key with this id, if there is one."""
        with Session(self.engine) as session:
            return session.get(ApiKey, key_id)

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        """The API key whose key hashes to this, if there is one."""
        with Session(self.engine) as session:
            query = select(ApiKey).where(col(ApiKey.key_hash) == key_hash)
            key: ApiKey | None = session.exec(query).first()
            return key

    def api_keys(self) -> list[ApiKey]:
        """Every API key, revoked ones too, oldest first."""
        with Session(self.engine) as session:
            return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))

    def insert_api_key(self, key: ApiKey) -> ApiKey:
        """Add an API key; returns it with its id."""
        with session_scope(self.engine) as session:
            session.add(key)
            session.flush()
            session.refresh(key)
        return key

    def revoke_api_key(self, key_id: int, when: datetime) -> ApiKey | None:
        """Mark a key revoked (a key revoked before keeps its first time); None if unknown."""
        with session_scope(self.engine) as session:
            key = session.get(ApiKey, key_id)
            if key is not None and key.revoked_at is None:
                key.revoked_at = when
            return key
