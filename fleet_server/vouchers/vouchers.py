"""Vouchers: issued in all-or-nothing batches from a programme's pool, revoked, expired; audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid
from fleet_server.isolation import LoopFailures
from fleet_server.vouchers.models.claim import OPEN_STATUSES, Claim
from fleet_server.vouchers.models.party import Enterprise
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.voucher import (
    LIVE_STATUSES,
    Voucher,
    VoucherPublic,
    VoucherStatus,
)
from fleet_server.vouchers.programmes import programme_balances
from fleet_server.vouchers.record_store import RecordStore, existing, matching
from fleet_server.vouchers.texts import (
    PROGRAMME_NOT_FOUND,
    VOUCHER_FACE_VALUE,
    VOUCHER_HOLDER_BLACKLISTED,
    VOUCHER_HOLDER_OUTSIDE,
    VOUCHER_HOLDER_REPEATED,
    VOUCHER_NO_HOLDER,
    VOUCHER_NOT_EDITABLE,
    VOUCHER_NOT_FOUND,
    VOUCHER_NOT_REVOCABLE,
    VOUCHER_NOT_TRANSFERABLE,
    VOUCHER_POOL_SHORT,
    VOUCHER_REVOKE_REASON,
)

ENTITY = "voucher"
EXPIRY_ACTOR = "system:voucher-expiry"


class VoucherService:
    """Issues, revokes, expires and shows vouchers; each change is written with its audit entry."""

    def __init__(
        self,
        store: RecordStore,
        clock: Callable[[], datetime] = utc_now,
        failures: LoopFailures | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.failures = failures or LoopFailures()

    def issue_batch(
        self, programme_id: int, holders: list[int], face_value_fen: int, actor: str
    ) -> list[VoucherPublic]:
        """One voucher per holder, all in one transaction: every holder eligible (rule 3) and the
        whole batch within the pool's available balance (rule 1), or nothing is issued."""
        if face_value_fen <= 0:
            raise Invalid(VOUCHER_FACE_VALUE.of(), field="face_value_fen")
        repeated = sorted({h for h in holders if holders.count(h) > 1})
        if repeated:
            raise Invalid(VOUCHER_HOLDER_REPEATED.of(enterprise=repeated[0]), field="holders")
        now = self.clock()
        batch_id = uuid.uuid4().hex
        with self.store.change() as session:
            programme = existing(
                session, Programme, programme_id, PROGRAMME_NOT_FOUND, "programme_id"
            )
            for holder_id in holders:
                _check_holder(session, holder_id)
            available = programme_balances(session, programme).available_fen
            needed = face_value_fen * len(holders)
            if needed > available:
                raise Conflict(
                    VOUCHER_POOL_SHORT.of(
                        programme=programme_id,
                        available_fen=available,
                        needed_fen=needed,
                        count=len(holders),
                        face_value_fen=face_value_fen,
                    ),
                    field="face_value_fen",
                )
            valid_until = now + timedelta(days=programme.voucher_validity_days)
            vouchers = [
                Voucher(
                    programme_id=programme_id,
                    holder_id=holder_id,
                    face_value_fen=face_value_fen,
                    batch_id=batch_id,
                    issued_at=now,
                    valid_until=valid_until,
                )
                for holder_id in holders
            ]
            session.add_all(vouchers)
            session.flush()
            for voucher in vouchers:
                self.store.log(
                    session, actor, ENTITY, "issue", voucher.id, None, voucher.as_record()
                )
            return [VoucherPublic.of(v) for v in vouchers]

    def revoke(self, voucher_id: int, reason: str, actor: str) -> VoucherPublic:
        """End a live voucher with a reason; its unused value returns to the pool."""
        if not reason.strip():
            raise Invalid(VOUCHER_REVOKE_REASON.of(), field="reason")
        with self.store.change() as session:
            voucher = _voucher(session, voucher_id)
            if voucher.status not in LIVE_STATUSES:
                raise Conflict(
                    VOUCHER_NOT_REVOCABLE.of(
                        voucher=voucher_id, voucher_status=voucher.status.value
                    ),
                    field="voucher_id",
                )
            before = voucher.as_record()
            voucher.status = VoucherStatus.REVOKED
            voucher.revoked_reason = reason.strip()
            voucher.ended_at = self.clock()
            session.add(voucher)
            session.flush()
            self.store.log(
                session, actor, ENTITY, "revoke", voucher.id, before, voucher.as_record()
            )
            return VoucherPublic.of(voucher)

    def expire_due(self, now: datetime | None = None) -> list[int]:
        """Expire the live vouchers whose validity ended before now (the service's clock when
        not given); their unused value returns to the pool. A voucher with a claim still open
        (filed in time, not yet paid or rejected) keeps its value until the claim is decided.
        The ids expired, in order."""
        now = now or self.clock()
        with Session(self.store.engine) as session:
            query = select(Voucher.id).where(*_due_for_expiry(now)).order_by(col(Voucher.id))
            due = [voucher_id for voucher_id in session.exec(query) if voucher_id is not None]
        expired = []
        for voucher_id in due:
            # Each voucher in its own transaction: one that cannot be expired (a bad record)
            # is recorded and retried next time, and the others still expire.
            try:
                if self._expire(voucher_id, now):
                    expired.append(voucher_id)
            except Exception as exc:
                self.failures.record("voucher expiry", f"voucher {voucher_id}", exc)
        return expired

    def _expire(self, voucher_id: int, now: datetime) -> bool:
        with self.store.change() as session:
            query = select(Voucher).where(Voucher.id == voucher_id, *_due_for_expiry(now))
            voucher = session.exec(query.with_for_update()).first()
            if voucher is None:
                return False  # claimed, revoked or expired since the list was read
            before = voucher.as_record()
            voucher.status = VoucherStatus.EXPIRED
            voucher.ended_at = now
            session.add(voucher)
            session.flush()
            after = voucher.as_record()
            self.store.log(session, EXPIRY_ACTOR, ENTITY, "expire", voucher.id, before, after)
            return True

    def change(self, voucher_id: int, fields: dict[str, Any]) -> NoReturn:
        """Refuse any change to a stored voucher: the holder never changes (rule 5), and the rest
        changes only by revoking, expiring or (later) claiming it."""
        self.get(voucher_id)
        if "holder_id" in fields or "holder" in fields:
            raise Invalid(VOUCHER_NOT_TRANSFERABLE.of(), field="holder_id")
        raise Invalid(VOUCHER_NOT_EDITABLE.of(), field="request")

    def get(self, voucher_id: int) -> VoucherPublic:
        """One voucher, or NotFound."""
        with Session(self.store.engine) as session:
            return VoucherPublic.of(_voucher(session, voucher_id))

    def find(
        self,
        programme_id: int | None = None,
        holder_id: int | None = None,
        status: VoucherStatus | None = None,
    ) -> list[VoucherPublic]:
        """The vouchers matching every filter given, by id."""
        query = matching(Voucher, programme_id=programme_id, holder_id=holder_id, status=status)
        with Session(self.store.engine) as session:
            return [VoucherPublic.of(v) for v in session.exec(query)]


def mark_in_use(store: RecordStore, session: Session, voucher: Voucher, actor: str) -> None:
    """An issued voucher that a contract now draws on is in use (audited in the session)."""
    if voucher.status is not VoucherStatus.ISSUED:
        return
    before = voucher.as_record()
    voucher.status = VoucherStatus.IN_USE
    session.add(voucher)
    session.flush()
    store.log(session, actor, ENTITY, "use", voucher.id, before, voucher.as_record())


def _due_for_expiry(now: datetime) -> list[ColumnElement[bool]]:
    """Live vouchers whose validity ended before now and that no open claim holds."""
    claimed = select(Claim.voucher_id).where(col(Claim.status).in_(OPEN_STATUSES))
    return [
        col(Voucher.status).in_(LIVE_STATUSES),
        col(Voucher.valid_until) < now,
        col(Voucher.id).not_in(claimed),
    ]


def _check_holder(session: Session, holder_id: int) -> None:
    """Invalid naming the enterprise, unless it may hold a voucher (rule 3)."""
    enterprise = session.get(Enterprise, holder_id)
    if enterprise is None:
        raise Invalid(VOUCHER_NO_HOLDER.of(enterprise=holder_id), field="holders")
    named = {"enterprise": holder_id, "name": enterprise.name, "uscc": enterprise.uscc}
    if not enterprise.registered_in_district:
        raise Invalid(VOUCHER_HOLDER_OUTSIDE.of(**named), field="holders")
    if enterprise.blacklisted:
        raise Invalid(VOUCHER_HOLDER_BLACKLISTED.of(**named), field="holders")


def _voucher(session: Session, voucher_id: int) -> Voucher:
    return existing(session, Voucher, voucher_id, VOUCHER_NOT_FOUND, "voucher_id")
