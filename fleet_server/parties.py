"""Enterprises (holders) and service institutions (suppliers): checked codes, audited changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.models.party import (
    Enterprise,
    EnterpriseCreate,
    EnterprisePublic,
    EnterpriseUpdate,
    Institution,
    InstitutionCreate,
    InstitutionPublic,
    InstitutionUpdate,
)
from fleet_server.record_store import RecordStore
from fleet_server.uscc import checked_uscc

Clock = Callable[[], datetime]


class EnterpriseService:
    """Creates, changes and shows enterprises with their affiliated institutions."""

    def __init__(self, store: RecordStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    def create(self, body: EnterpriseCreate, actor: str) -> EnterprisePublic:
        """Store a new enterprise, its affiliations and its audit entry."""
        values = body.model_dump(exclude={"affiliated_institutions"})
        values["uscc"] = checked_uscc(body.uscc)
        now = self.clock()
        with self.store.change() as session:
            _unique_code(session, self.store, Enterprise, values["uscc"], None)
            _known_institutions(session, body.affiliated_institutions)
            enterprise = Enterprise(**values, created_at=now, updated_at=now)
            session.add(enterprise)
            session.flush()
            assert enterprise.id is not None
            self.store.set_institutions_of(session, enterprise.id, body.affiliated_institutions)
            after = self._snapshot(session, enterprise)
            self.store.audit.append(
                session,
                actor=actor,
                action="enterprise.create",
                entity="enterprise",
                entity_id=enterprise.id,
                before=None,
                after=after,
            )
            return EnterprisePublic(**after)

    def update(self, enterprise_id: int, body: EnterpriseUpdate, actor: str) -> EnterprisePublic:
        """Change the fields given; the audit entry holds the enterprise before and after."""
        changes = _non_null(body.model_dump(exclude_unset=True))
        affiliations = changes.pop("affiliated_institutions", None)
        if "uscc" in changes:
            changes["uscc"] = checked_uscc(changes["uscc"])
        with self.store.change() as session:
            enterprise = _row(session, Enterprise, enterprise_id)
            before = self._snapshot(session, enterprise)
            if "uscc" in changes:
                _unique_code(session, self.store, Enterprise, changes["uscc"], enterprise_id)
            for name, value in changes.items():
                setattr(enterprise, name, value)
            enterprise.updated_at = self.clock()
            session.add(enterprise)
            if affiliations is not None:
                _known_institutions(session, affiliations)
                self.store.set_institutions_of(session, enterprise_id, affiliations)
            session.flush()
            after = self._snapshot(session, enterprise)
            self.store.audit.append(
                session,
                actor=actor,
                action="enterprise.update",
                entity="enterprise",
                entity_id=enterprise_id,
                before=before,
                after=after,
            )
            return EnterprisePublic(**after)

    def get(self, enterprise_id: int) -> EnterprisePublic:
        """One enterprise, or NotFound."""
        with Session(self.store.engine) as session:
            enterprise = _row(session, Enterprise, enterprise_id)
            return EnterprisePublic(**self._snapshot(session, enterprise))

    def list_all(self) -> list[EnterprisePublic]:
        """Every enterprise, by id."""
        with Session(self.store.engine) as session:
            rows = self.store.all(Enterprise)
            return [EnterprisePublic(**self._snapshot(session, e)) for e in rows]

    def _snapshot(self, session: Session, enterprise: Enterprise) -> dict[str, Any]:
        assert enterprise.id is not None
        return {
            **enterprise.model_dump(mode="json"),
            "affiliated_institutions": self.store.institutions_of(session, enterprise.id),
        }


class InstitutionService:
    """Creates, changes and shows service institutions with their catalogue of robot models."""

    def __init__(self, store: RecordStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    def create(self, body: InstitutionCreate, actor: str) -> InstitutionPublic:
        """Store a new institution and its audit entry."""
        values = body.model_dump(mode="json")
        values["uscc"] = checked_uscc(body.uscc)
        now = self.clock()
        with self.store.change() as session:
            _unique_code(session, self.store, Institution, values["uscc"], None)
            institution = Institution(**values, created_at=now, updated_at=now)
            session.add(institution)
            session.flush()
            assert institution.id is not None
            after = _institution_snapshot(institution)
            self.store.audit.append(
                session,
                actor=actor,
                action="institution.create",
                entity="institution",
                entity_id=institution.id,
                before=None,
                after=after,
            )
            return self._public(session, institution)

    def update(self, institution_id: int, body: InstitutionUpdate, actor: str) -> InstitutionPublic:
        """Change the fields given; the audit entry holds the institution before and after."""
        changes = _non_null(body.model_dump(mode="json", exclude_unset=True))
        if "uscc" in changes:
            changes["uscc"] = checked_uscc(changes["uscc"])
        with self.store.change() as session:
            institution = _row(session, Institution, institution_id)
            before = _institution_snapshot(institution)
            if "uscc" in changes:
                _unique_code(session, self.store, Institution, changes["uscc"], institution_id)
            for name, value in changes.items():
                setattr(institution, name, value)
            institution.updated_at = self.clock()
            session.add(institution)
            session.flush()
            self.store.audit.append(
                session,
                actor=actor,
                action="institution.update",
                entity="institution",
                entity_id=institution_id,
                before=before,
                after=_institution_snapshot(institution),
            )
            return self._public(session, institution)

    def get(self, institution_id: int) -> InstitutionPublic:
        """One institution, or NotFound."""
        with Session(self.store.engine) as session:
            return self._public(session, _row(session, Institution, institution_id))

    def list_all(self) -> list[InstitutionPublic]:
        """Every institution, by id."""
        with Session(self.store.engine) as session:
            return [self._public(session, i) for i in self.store.all(Institution)]

    def _public(self, session: Session, institution: Institution) -> InstitutionPublic:
        assert institution.id is not None
        return InstitutionPublic(
            **_institution_snapshot(institution),
            affiliated_enterprises=self.store.enterprises_of(session, institution.id),
        )


def _institution_snapshot(institution: Institution) -> dict[str, Any]:
    return institution.model_dump(mode="json")


def _non_null(changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is None:
            raise Invalid(f"{name} cannot be null", field=name)
    return changes


def _row(session: Session, table: type[Enterprise] | type[Institution], row_id: int) -> Any:
    row = session.get(table, row_id)
    if row is None:
        raise NotFound(f"no {table.__name__.lower()} {row_id}")
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
        raise Conflict(
            f"uscc: {table.__name__.lower()} {holder} already has the code {uscc}", field="uscc"
        )


def _known_institutions(session: Session, institution_ids: list[int]) -> None:
    for institution_id in institution_ids:
        if session.get(Institution, institution_id) is None:
            raise Invalid(
                f"affiliated_institutions: no institution {institution_id}",
                field="affiliated_institutions",
            )
