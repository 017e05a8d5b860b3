"""Enterprises (holders) and service institutions (suppliers): checked codes, audited changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.vouchers.models.party import (
    Enterprise,
    EnterpriseCreate,
    EnterprisePublic,
    EnterpriseUpdate,
    Institution,
    InstitutionCreate,
    InstitutionPublic,
    InstitutionUpdate,
)
from fleet_server.vouchers.record_store import RecordStore
from fleet_server.vouchers.texts import (
    ENTERPRISE_CODE_TAKEN,
    ENTERPRISE_NO_INSTITUTION,
    ENTERPRISE_NOT_FOUND,
    INSTITUTION_CODE_TAKEN,
    INSTITUTION_NOT_FOUND,
    NOT_NULL,
)
from fleet_server.vouchers.uscc import checked_uscc

Clock = Callable[[], datetime]


class _PartyService:
    """What enterprises and institutions share: a checked, unique credit code, and each create
    or change written with its audit entry. Subclasses add their links (affiliations)."""

    table: type[Enterprise] | type[Institution]
    entity: str
    # Request fields that are links, not columns of the row.
    links: tuple[str, ...] = ()

    def __init__(self, store: RecordStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    def _create(self, body: BaseModel, actor: str) -> dict[str, Any]:
        """Store a new row, its links and its audit entry; returns its snapshot."""
        values = body.model_dump(mode="json", exclude=set(self.links))
        values["uscc"] = checked_uscc(values["uscc"])
        links = {name: getattr(body, name) for name in self.links}
        now = self.clock()
        with self.store.change() as session:
            _unique_code(session, self.store, self.table, values["uscc"], None)
            row = self.table(**values, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            assert row.id is not None
            self._set_links(session, row.id, links)
            after = self._snapshot(session, row)
            self.store.log(session, actor, self.entity, "create", row.id, None, after)
            return after

    def _update(self, row_id: int, body: BaseModel, actor: str) -> dict[str, Any]:
        """Change the fields given; the audit entry holds the row before and after."""
        changes = _non_null(body.model_dump(mode="json", exclude_unset=True))
        links = {name: changes.pop(name) for name in self.links if name in changes}
        if "uscc" in changes:
            changes["uscc"] = checked_uscc(changes["uscc"])
        with self.store.change() as session:
            row = _row(session, self.table, row_id)
            before = self._snapshot(session, row)
            if "uscc" in changes:
                _unique_code(session, self.store, self.table, changes["uscc"], row_id)
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = self.clock()
            session.add(row)
            self._set_links(session, row_id, links)
            session.flush()
            after = self._snapshot(session, row)
            self.store.log(session, actor, self.entity, "update", row_id, before, after)
            return after

    def _snapshots(self) -> list[dict[str, Any]]:
        with Session(self.store.engine) as session:
            return [self._snapshot(session, row) for row in self.store.all(self.table)]

    def _one(self, row_id: int) -> dict[str, Any]:
        with Session(self.store.engine) as session:
            return self._snapshot(session, _row(session, self.table, row_id))

    def _set_links(self, session: Session, row_id: int, links: dict[str, Any]) -> None:
        """Store the links given (none by default)."""

    def _snapshot(self, session: Session, row: Enterprise | Institution) -> dict[str, Any]:
        return row.model_dump(mode="json")


class EnterpriseService(_PartyService):
    """Creates, changes and shows enterprises with their affiliated institutions."""

    table = Enterprise
    entity = "enterprise"
    links = ("affiliated_institutions",)

    def create(self, body: EnterpriseCreate, actor: str) -> EnterprisePublic:
        """Store a new enterprise, its affiliations and its audit entry."""
        return EnterprisePublic(**self._create(body, actor))

    def update(self, enterprise_id: int, body: EnterpriseUpdate, actor: str) -> EnterprisePublic:
        """Change the fields given; a given affiliation list replaces the old one."""
        return EnterprisePublic(**self._update(enterprise_id, body, actor))

    def get(self, enterprise_id: int) -> EnterprisePublic:
        """One enterprise, or NotFound."""
        return EnterprisePublic(**self._one(enterprise_id))

    def list_all(self) -> list[EnterprisePublic]:
        """Every enterprise, by id."""
        return [EnterprisePublic(**snapshot) for snapshot in self._snapshots()]

    def _set_links(self, session: Session, row_id: int, links: dict[str, Any]) -> None:
        institutions = links.get("affiliated_institutions")
        if institutions is not None:
            _known_institutions(session, institutions)
            self.store.set_institutions_of(session, row_id, institutions)

    def _snapshot(self, session: Session, row: Enterprise | Institution) -> dict[str, Any]:
        assert row.id is not None
        return {
            **row.model_dump(mode="json"),
            "affiliated_institutions": self.store.institutions_of(session, row.id),
        }


class InstitutionService(_PartyService):
    """Creates, changes and shows service institutions with their catalogue of robot models."""

    table = Institution
    entity = "institution"

    def create(self, body: InstitutionCreate, actor: str) -> InstitutionPublic:
        """Store a new institution and its audit entry."""
        return self._public(self._create(body, actor))

    def update(self, institution_id: int, body: InstitutionUpdate, actor: str) -> InstitutionPublic:
        """Change the fields given; a given catalogue replaces the old one."""
        return self._public(self._update(institution_id, body, actor))

    def get(self, institution_id: int) -> InstitutionPublic:
        """One institution, or NotFound."""
        return self._public(self._one(institution_id))

    def list_all(self) -> list[InstitutionPublic]:
        """Every institution, by id."""
        return [self._public(snapshot) for snapshot in self._snapshots()]

    def _public(self, snapshot: dict[str, Any]) -> InstitutionPublic:
        """The institution with the enterprises that name it (not part of its own record)."""
        with Session(self.store.engine) as session:
            affiliated = self.store.enterprises_of(session, snapshot["id"])
        return InstitutionPublic(**snapshot, affiliated_enterprises=affiliated)


def _non_null(changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is None:
            raise Invalid(NOT_NULL.of(name=name), field=name)
    return changes


def _row(session: Session, table: type[Enterprise] | type[Institution], row_id: int) -> Any:
    row = session.get(table, row_id)
    if row is None:
        missing = ENTERPRISE_NOT_FOUND if table is Enterprise else INSTITUTION_NOT_FOUND
        raise NotFound(missing.of(id=row_id))
    return row


def _unique_code(
    session: Session,
    store: RecordStore,
    table: type[Enterprise] | type[Institution],
    uscc: str,
    own_id: int | None,
) -> None:
    holder = store.uscc_holder(session, table, uscc)
    if holder is not None and holder != own_id:
        taken = ENTERPRISE_CODE_TAKEN if table is Enterprise else INSTITUTION_CODE_TAKEN
        raise Conflict(taken.of(holder=holder, uscc=uscc), field="uscc")


def _known_institutions(session: Session, institution_ids: list[int]) -> None:
    for institution_id in institution_ids:
        if session.get(Institution, institution_id) is None:
            raise Invalid(
                ENTERPRISE_NO_INSTITUTION.of(institution=institution_id),
                field="affiliated_institutions",
            )
