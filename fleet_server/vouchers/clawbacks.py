"""Clawback cases (rule 10): the daily lock-in watch (clawback_watch) opens a case, with its
evidence, when a unit was out of service for too long or its serial number turned up under
another holder; officers close cases as recovered or dismissed; every change audited."""

from __future__ import annotations

from sqlmodel import Session, select

from fleet_server.errors import Conflict, Invalid
from fleet_server.vouchers.clawback_watch import ENTITY, ClawbackWatch
from fleet_server.vouchers.lockin import LockIn, pro_rata_fen
from fleet_server.vouchers.models.clawback import (
    ClawbackCase,
    ClawbackClose,
    ClawbackPublic,
    ClawbackStatus,
    Recovery,
)
from fleet_server.vouchers.record_store import existing, matching
from fleet_server.vouchers.texts import (
    CLAWBACK_ALREADY_CLOSED,
    CLAWBACK_ALREADY_RECOVERED,
    CLAWBACK_CLOSE_REASON,
    CLAWBACK_NOT_FOUND,
    CLAWBACK_OUTCOME_OPEN,
    CLAWBACK_RECOVERY_MISSING,
    CLAWBACK_RECOVERY_ON_DISMISSAL,
)

CLOSE_VERBS = {ClawbackStatus.RECOVERED: "recover", ClawbackStatus.DISMISSED: "dismiss"}


class ClawbackService(ClawbackWatch):
    """Runs the lock-in watch, and closes and shows clawback cases."""

    def close(self, case_id: int, body: ClawbackClose, actor: str) -> ClawbackPublic:
        """Close an open case as recovered (the unit's full paid share, or the part for the
        lock-in days it did not serve) or dismissed, with the reason."""
        _check_close(body)
        with self.store.change() as session:
            case = _case(session, case_id)
            if case.status is not ClawbackStatus.OPEN:
                raise Conflict(
                    CLAWBACK_ALREADY_CLOSED.of(case=case_id, clawback_status=case.status.value),
                    field="case_id",
                )
            before = case.as_record()
            if body.outcome is ClawbackStatus.RECOVERED:
                assert body.recovery is not None
                _not_recovered_yet(session, case)
                case.recovered_fen = recovery_fen(case, body.recovery)
            case.status = body.outcome
            case.recovery = body.recovery
            case.closed_by = actor
            case.closed_at = self.clock()
            case.close_reason = body.reason.strip()
            session.add(case)
            session.flush()
            verb = CLOSE_VERBS[body.outcome]
            self.store.log(session, actor, ENTITY, verb, case.id, before, case.as_record())
            return ClawbackPublic.of(case)

    def get(self, case_id: int) -> ClawbackPublic:
        """One case, or NotFound."""
        with Session(self.store.engine) as session:
            return ClawbackPublic.of(_case(session, case_id))

    def find(
        self,
        programme_id: int | None = None,
        status: ClawbackStatus | None = None,
        serial_number: str | None = None,
    ) -> list[ClawbackPublic]:
        """The cases matching every filter given, by id."""
        query = matching(
            ClawbackCase, programme_id=programme_id, status=status, serial_number=serial_number
        )
        with Session(self.store.engine) as session:
            return [ClawbackPublic.of(case) for case in session.exec(query)]


def recovery_fen(case: ClawbackCase, recovery: Recovery) -> int:
    """What closing the case as recovered takes back, in fen."""
    if recovery is Recovery.FULL:
        return case.unit_paid_fen
    lock_in = LockIn(case.lock_in_from, case.lock_in_until)
    return pro_rata_fen(case.unit_paid_fen, lock_in, case.unserved_from)


def _check_close(body: ClawbackClose) -> None:
    """Invalid, naming the field, for an outcome and recovery that do not go together."""
    if body.outcome is ClawbackStatus.OPEN:
        raise Invalid(CLAWBACK_OUTCOME_OPEN.of(), field="outcome")
    if body.outcome is ClawbackStatus.RECOVERED and body.recovery is None:
        raise Invalid(CLAWBACK_RECOVERY_MISSING.of(), field="recovery")
    if body.outcome is ClawbackStatus.DISMISSED and body.recovery is not None:
        raise Invalid(CLAWBACK_RECOVERY_ON_DISMISSAL.of(), field="recovery")
    if not body.reason.strip():
        raise Invalid(CLAWBACK_CLOSE_REASON.of(), field="reason")


def _not_recovered_yet(session: Session, case: ClawbackCase) -> None:
    """Conflict if another case already recovered this unit's payout."""
    query = (
        select(ClawbackCase.id)
        .where(ClawbackCase.claim_id == case.claim_id)
        .where(ClawbackCase.serial_number == case.serial_number)
        .where(ClawbackCase.status == ClawbackStatus.RECOVERED)
    )
    earlier = session.exec(query).first()
    if earlier is not None:
        raise Conflict(
            CLAWBACK_ALREADY_RECOVERED.of(
                serial=case.serial_number, claim=case.claim_id, earlier=earlier, case=case.id
            ),
            field="case_id",
        )


def _case(session: Session, case_id: int) -> ClawbackCase:
    return existing(session, ClawbackCase, case_id, CLAWBACK_NOT_FOUND, "case_id")
