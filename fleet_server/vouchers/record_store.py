"""The database side of voucher records: audited writes, credit-code and affiliation look-ups."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, delete, select
from sqlmodel.sql.expression import SelectOfScalar

from fleet_server.audit.audit import AuditLog
from fleet_server.db import session_scope
from fleet_server.errors import Conflict, NotFound
from fleet_server.texts import Phrase
from fleet_server.vouchers.models.party import Affiliation, Enterprise, Institution
from fleet_server.vouchers.texts import WRITE_CLASH

RowT = TypeVar("RowT", bound=SQLModel)


def matching(table: type[RowT], **filters: object) -> SelectOfScalar[RowT]:
    """Rows of the table whose columns equal every filter given (None means any), by id."""
    query = select(table).order_by(col(table.id))  # type: ignore[attr-defined]
    for name, value in filters.items():
        if value is not None:
            query = query.where(col(getattr(table, name)) == value)
    return query


def existing(session: Session, table: type[RowT], row_id: int, missing: Phrase, field: str) -> RowT:
    """The row with this id, or NotFound saying so (`missing`, of the id), naming the field."""
    row = session.get(table, row_id)
    if row is None:
        raise NotFound(missing.of(id=row_id), field=field)
    return row


def sum_fen(session: Session, column: Any, *where: Any) -> int:
    """The sum of a fen column over the rows matching `where`, 0 when none."""
    query = select(func.coalesce(func.sum(column), 0))
    for condition in where:
        query = query.where(condition)
    # PostgreSQL sums BIGINT into NUMERIC (a Decimal here): back to an integer of fen.
    return int(session.exec(query).one())


class RecordStore:
    """Reads records, and writes them each in one transaction together with its audit entry."""

    def __init__(self, engine: Engine, audit: AuditLog) -> None:
        self.engine = engine
        self.audit = audit
        # One writer at a time in this process keeps the audit chain linear; across processes
        # the unique prev_hash makes a second writer fail instead of forking the chain.
        self._write_lock = threading.Lock()

    @contextmanager
    def change(self) -> Iterator[Session]:
        """A write transaction; it commits with the audit entries appended in it, or not at all."""
        with self._write_lock:
            try:
                with session_scope(self.engine) as session:
                    yield session
            except IntegrityError:
                raise Conflict(WRITE_CLASH.of()) from None

    def log(
        self,
        session: Session,
        actor: str,
        entity: str,
        verb: str,
        row_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Append the audit entry `entity.verb` for a row changed in this session."""
        assert row_id is not None, "flush the row before logging it"
        self.audit.append(
            session,
            actor=actor,
            action=f"{entity}.{verb}",
            entity=entity,
            entity_id=row_id,
            before=before,
            after=after,
        )

    def get(self, table: type[RowT], row_id: int) -> RowT | None:
        """The row with this id, if there is one."""
        with Session(self.engine) as session:
            return session.get(table, row_id)

    def all(self, table: type[RowT]) -> list[RowT]:
        """Every row of a table, by id."""
        with Session(self.engine) as session:
            return list(session.exec(select(table).order_by(col(table.id))))  # type: ignore[attr-defined]

    @staticmethod
    def uscc_holder(
        session: Session, table: type[Enterprise] | type[Institution], uscc: str
    ) -> int | None:
        """The id of the row of this table with this code, if any."""
        row = session.exec(select(table).where(col(table.uscc) == uscc)).first()
        return None if row is None else row.id

    @staticmethod
    def institutions_of(session: Session, enterprise_id: int) -> list[int]:
        """The institutions affiliated with an enterprise, by id."""
        query = select(Affiliation.institution_id).where(Affiliation.enterprise_id == enterprise_id)
        return sorted(session.exec(query))

    @staticmethod
    def enterprises_of(session: Session, institution_id: int) -> list[int]:
        """The enterprises affiliated with an institution, by id."""
        query = select(Affiliation.enterprise_id).where(
            Affiliation.institution_id == institution_id
        )
        return sorted(session.exec(query))

    @staticmethod
    def set_institutions_of(session: Session, enterprise_id: int, institutions: list[int]) -> None:
        """Replace an enterprise's affiliations."""
        session.exec(delete(Affiliation).where(col(Affiliation.enterprise_id) == enterprise_id))
        for institution_id in sorted(set(institutions)):
            session.add(Affiliation(enterprise_id=enterprise_id, institution_id=institution_id))
        session.flush()
