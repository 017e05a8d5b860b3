"""The lock-in watch (rule 10): each day every paid claim's units are looked at in their lock-in,
and a clawback case is opened, with its evidence, for each new finding; each opening audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.isolation import LoopFailures
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.clawback_findings import Finding, PaidUnit, opens_case, unit_findings
from fleet_server.vouchers.lockin import LockIn, unit_paid_fen
from fleet_server.vouchers.models.claim import Claim, ClaimStatus
from fleet_server.vouchers.models.clawback import ClawbackCase, ClawbackPublic, ClawbackStatus
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.programmes import programme_zone
from fleet_server.vouchers.record_store import RecordStore

ENTITY = "clawback"
WATCH_ACTOR = "system:lock-in-watch"


class ClawbackWatch:
    """Runs the lock-in watch: opens the clawback cases its findings call for."""

    def __init__(
        self,
        store: RecordStore,
        sites: SiteRegistry,
        clock: Callable[[], datetime] = utc_now,
        failures: LoopFailures | None = None,
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock
        self.failures = failures or LoopFailures()

    def watch(self, now: datetime | None = None) -> list[ClawbackPublic]:
        """The daily job: look at every paid unit's days from its payout to yesterday within
        its lock-in, and at its current registration; open the cases due and return them.
        Each claim is looked at in its own transaction; one that fails (a record that breaks a
        rule, a site no longer configured, a bug) is recorded and skipped, and tried again at
        the next watch."""
        now = now or self.clock()
        with Session(self.store.engine) as session:
            query = select(Claim.id).where(Claim.status == ClaimStatus.PAID)
            claim_ids = [claim_id for claim_id in session.exec(query.order_by(col(Claim.id)))]
        opened: list[ClawbackPublic] = []
        for claim_id in claim_ids:
            try:
                opened += self._watch_claim(claim_id, now)
            except Exception as exc:
                self.failures.record("lock-in watch", f"claim {claim_id}", exc)
        return opened

    def _watch_claim(self, claim_id: int, now: datetime) -> list[ClawbackPublic]:
        """Open the cases due for one paid claim's units, in one transaction."""
        opened = []
        with self.store.change() as session:
            for unit in self._paid_units(session, claim_id):
                cases = _cases_of(session, unit)
                if any(case.status is ClawbackStatus.RECOVERED for case in cases):
                    continue  # the unit's money is back: its lock-in is no longer watched
                for finding in unit_findings(session, unit, now):
                    if opens_case(finding, cases):
                        case = self._open(session, unit, finding, now)
                        cases.append(case)
                        opened.append(ClawbackPublic.of(case))
        return opened

    def _paid_units(self, session: Session, claim_id: int) -> list[PaidUnit]:
        """The claim's units with their paid shares and lock-in."""
        claim = session.get(Claim, claim_id)
        assert claim is not None
        payout = session.exec(select(Payout).where(Payout.claim_id == claim_id)).one()
        programme = session.get(Programme, claim.programme_id)
        contract = session.get(Contract, claim.contract_id)
        assert programme is not None and contract is not None
        zone = programme_zone(self.sites, programme)
        payout_day = payout.paid_at.astimezone(zone).date()
        lock_in = LockIn.after_payout(payout_day, programme.lock_in_months)
        return [
            PaidUnit(
                claim=claim,
                payout=payout,
                programme=programme,
                serial_number=item["serial_number"],
                paid_fen=unit_paid_fen(payout.amount_fen, item["amount_fen"], contract.amount_fen),
                lock_in=lock_in,
                zone=zone,
            )
            for item in contract.line_items
        ]

    def _open(
        self, session: Session, unit: PaidUnit, finding: Finding, now: datetime
    ) -> ClawbackCase:
        """Store a new open case and its audit entry."""
        case = ClawbackCase(
            programme_id=unit.programme.id or 0,
            claim_id=unit.claim.id or 0,
            payout_id=unit.payout.id or 0,
            serial_number=unit.serial_number,
            holder_id=unit.claim.holder_id,
            reason=finding.reason,
            opened_at=now,
            lock_in_from=unit.lock_in.start,
            lock_in_until=unit.lock_in.until,
            unserved_from=finding.unserved_from,
            unit_paid_fen=unit.paid_fen,
            evidence=finding.evidence,
        )
        session.add(case)
        session.flush()
        self.store.log(session, WATCH_ACTOR, ENTITY, "open", case.id, None, case.as_record())
        return case


def _cases_of(session: Session, unit: PaidUnit) -> list[ClawbackCase]:
    query = (
        select(ClawbackCase)
        .where(ClawbackCase.claim_id == unit.claim.id)
        .where(ClawbackCase.serial_number == unit.serial_number)
        .order_by(col(ClawbackCase.id))
    )
    return list(session.exec(query))
