"""What every domain's store shares: its engine and the generic save, get and remove of a record."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from fleet_server.db import session_scope

RowT = TypeVar("RowT", bound=SQLModel)


class Rows:
    """A domain's database access over one engine, in short transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, row: RowT) -> RowT:
        """Insert or update one record (schedule, template ...); returns it with its key."""
        with session_scope(self.engine) as session:
            merged = session.merge(type(row).model_validate(row.model_dump()))
            session.flush()
            for key in row.__table__.primary_key.columns:  # type: ignore[attr-defined]
                setattr(row, key.name, getattr(merged, key.name))
        return row

    def get(self, model: type[RowT], key: object) -> RowT | None:
        """One record by its primary key, or None."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(model, key)

    def remove(self, model: type[RowT], key: object) -> None:
        """Remove one record by its primary key."""
        with session_scope(self.engine) as session:
            row = session.get(model, key)
            if row is not None:
                session.delete(row)
