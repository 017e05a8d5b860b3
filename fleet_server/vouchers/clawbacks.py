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
                    f"clawback case {case_id} is already {case.status.value}", field="case_id"
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
        raise Invalid("outcome: a case is closed as recovered or dismissed", field="outcome")
    if body.outcome is ClawbackStatus.RECOVERED and body.recovery is None:
        raise Invalid("recovery: a recovered case needs full or pro_rata", field="recovery")
    if body.outcome is ClawbackStatus.DISMISSED and body.recovery is not None:
        raise Invalid("recovery: a dismissed case recovers nothing; leave it out", field="recovery")
    if not body.reason.strip():
        raise Invalid("reason: say why the case is closed", field="reason")


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
            f"unit {case.serial_number} of claim {case.claim_id} was already recovered in case "
            f"{earlier}; dismiss case {case.id} instead",
            field="case_id",
        )


def _case(session: Session, case_id: int) -> ClawbackCase:
    return existing(session, ClawbackCase, case_id, "clawback case", "case_id")
