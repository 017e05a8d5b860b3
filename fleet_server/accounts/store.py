"""The database side of accounts: user and API key rows, each read or written in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fleet_server.accounts.models import ApiKey, Role, User
from fleet_server.accounts.texts import ACCOUNT_EXISTS, ACCOUNT_LAST_ADMIN, ACCOUNT_NOT_FOUND
from fleet_server.db import session_scope
from fleet_server.errors import Conflict, NotFound


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
            raise Conflict(ACCOUNT_EXISTS.of(name=user.name), field="name") from None
        return user

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Replace a user's password hash (after a rehash with stronger parameters)."""
        with session_scope(self.engine) as session:
            user = session.exec(select(User).where(col(User.name) == name)).first()
            if user is not None:
                user.password_hash = password_hash

    def change_user(self, name: str, change: Callable[[User], None]) -> User:
        """Apply `change` to a user in one transaction; NotFound if there is no such user,
        Conflict if afterwards no enabled admin would be left (nobody could manage accounts)."""
        with session_scope(self.engine) as session:
            user = self._locked_admins_and(session, name)
            was_admin = _enabled_admin(user)
            change(user)
            if was_admin and not _enabled_admin(user):
                self._check_an_admin_remains(session, user)
            session.flush()
            session.refresh(user)
            return user

    def delete_user(self, name: str) -> None:
        """Delete a user; NotFound if there is none, Conflict if it is the last enabled admin."""
        with session_scope(self.engine) as session:
            user = self._locked_admins_and(session, name)
            if _enabled_admin(user):
                self._check_an_admin_remains(session, user)
            session.delete(user)

    @staticmethod
    def _locked_admins_and(session: Session, name: str) -> User:
        """The named user, with every admin row locked until the transaction ends (PostgreSQL),
        so two admins demoting each other at once cannot both succeed."""
        list(session.exec(select(User).where(col(User.role) == Role.ADMIN).with_for_update()))
        query = select(User).where(col(User.name) == name).with_for_update()
        user: User | None = session.exec(query).first()
        if user is None:
            raise NotFound(ACCOUNT_NOT_FOUND.of(name=name), field="name")
        return user

    @staticmethod
    def _check_an_admin_remains(session: Session, user: User) -> None:
        """Conflict unless an enabled admin other than `user` exists."""
        others = select(User).where(
            col(User.role) == Role.ADMIN,
            col(User.disabled).is_(False),
            col(User.id) != user.id,
        )
        if session.exec(others).first() is None:
            raise Conflict(ACCOUNT_LAST_ADMIN.of(name=user.name), field="name")

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


def _enabled_admin(user: User) -> bool:
    return user.role is Role.ADMIN and not user.disabled
