"""Filing claims: a claim for a contract's units, checked against every rule from the records
and the fleet's telemetry at once (auto_verified, 秒批, or needs_review), and re-checked while
undecided; each change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, NotFound
from fleet_server.sites.sites import SiteRegistry
from fleet_server.texts import Phrase
from fleet_server.vouchers.claim_checks import ClaimFacts, check_claim
from fleet_server.vouchers.claim_evidence import claim_pack, filed_day
from fleet_server.vouchers.claim_keys import hold_keys, taken_keys
from fleet_server.vouchers.models.claim import OPEN_STATUSES, Claim, ClaimPublic, ClaimStatus
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.models.settlement import Payout
from fleet_server.vouchers.models.voucher import Voucher
from fleet_server.vouchers.programmes import programme_zone, year_budget
from fleet_server.vouchers.record_store import RecordStore, existing, sum_fen
from fleet_server.vouchers.texts import CLAIM_NO_CONTRACT, CLAIM_NOT_FOUND, CLAIM_NOT_RECHECKABLE
from fleet_server.vouchers.units import current_unit

ENTITY = "claim"
UNDECIDED = (ClaimStatus.AUTO_VERIFIED, ClaimStatus.NEEDS_REVIEW)


class ClaimFiling:
    """Files claims and checks them, when filed and again on request."""

    def __init__(
        self,
        store: RecordStore,
        sites: SiteRegistry,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock

    def file(self, contract_id: int, actor: str) -> ClaimPublic:
        """File a claim for every unit of the contract; it is checked in the same transaction."""
        now = self.clock()
        with self.store.change() as session:
            contract = session.get(Contract, contract_id)
            if contract is None:
                raise NotFound(CLAIM_NO_CONTRACT.of(contract=contract_id), field="contract_id")
            voucher = session.get(Voucher, contract.voucher_id)
            assert voucher is not None
            claim = Claim(
                programme_id=voucher.programme_id,
                contract_id=contract_id,
                voucher_id=voucher.id,
                holder_id=voucher.holder_id,
                supplier_id=contract.supplier_id,
                serial_numbers=[item["serial_number"] for item in contract.line_items],
                filed_at=now,
                filed_by=actor,
                status=ClaimStatus.NEEDS_REVIEW,
                subsidy_fen=0,
                checked_at=now,
                evidence="",
                evidence_sha256="",
            )
            session.add(claim)
            session.flush()
            self._check(session, claim, contract, voucher)
            self.store.log(session, actor, ENTITY, "file", claim.id, None, claim.as_record())
            return ClaimPublic.of(claim)

    def recheck(self, claim_id: int, actor: str) -> ClaimPublic:
        """Check an undecided claim again (say, after its papers were completed); its window
        still ends on the day it was filed."""
        with self.store.change() as session:
            claim = stored_claim(session, claim_id)
            expect_status(claim, UNDECIDED, CLAIM_NOT_RECHECKABLE)
            before = claim.as_record()
            contract = session.get(Contract, claim.contract_id)
            voucher = session.get(Voucher, claim.voucher_id)
            assert contract is not None and voucher is not None
            self._check(session, claim, contract, voucher)
            self.store.log(session, actor, ENTITY, "recheck", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def _check(self, session: Session, claim: Claim, contract: Contract, voucher: Voucher) -> None:
        """Run every rule's check on the claim and store the results, the subsidy, the status,
        the evidence pack and (when free) the claim's hold on its numbers."""
        programme = session.get(Programme, claim.programme_id)
        holder = session.get(Enterprise, claim.holder_id)
        supplier = session.get(Institution, claim.supplier_id)
        assert programme is not None and holder is not None and supplier is not None
        zone = programme_zone(self.sites, programme)
        filed_on = filed_day(claim, zone)
        year = filed_on.year
        pack, units = claim_pack(session, claim, contract, programme, zone)
        open_claims = (col(Claim.status).in_(OPEN_STATUSES), col(Claim.id) != claim.id)
        facts = ClaimFacts(
            programme=programme,
            voucher=voucher,
            contract=contract,
            holder=holder,
            supplier=supplier,
            affiliated=self.store.institutions_of(session, holder.id or 0),
            filed_at=claim.filed_at,
            filed_on=filed_on,
            units={serial: current_unit(session, serial) for serial in claim.serial_numbers},
            evidence=units,
            taken=taken_keys(session, claim, contract),
            holder_paid_in_year=sum_fen(
                session,
                Payout.amount_fen,
                col(Payout.holder_id) == holder.id,
                col(Payout.year) == year,
            ),
            holder_open_fen=sum_fen(
                session, Claim.subsidy_fen, col(Claim.holder_id) == holder.id, *open_claims
            ),
            voucher_open_fen=sum_fen(
                session, Claim.subsidy_fen, col(Claim.voucher_id) == voucher.id, *open_claims
            ),
            year_budget_fen=year_budget(programme, year),
            year_paid_fen=sum_fen(
                session,
                Payout.amount_fen,
                col(Payout.programme_id) == programme.id,
                col(Payout.year) == year,
            ),
        )
        checks, subsidy = check_claim(facts)
        claim.checks = [check.model_dump(mode="json") for check in checks]
        claim.subsidy_fen = subsidy
        claim.checked_at = self.clock()
        claim.evidence, claim.evidence_sha256 = pack[0], pack[1]
        claim.status = (
            ClaimStatus.AUTO_VERIFIED
            if all(check.passed for check in checks)
            else ClaimStatus.NEEDS_REVIEW
        )
        if not facts.taken:
            hold_keys(session, claim, contract)
        session.add(claim)
        session.flush()


def stored_claim(session: Session, claim_id: int) -> Claim:
    """The claim with this id, or NotFound naming claim_id."""
    return existing(session, Claim, claim_id, CLAIM_NOT_FOUND, "claim_id")


def expect_status(claim: Claim, statuses: tuple[ClaimStatus, ...], refusal: Phrase) -> None:
    """Conflict unless the claim is in one of the statuses; `refusal` names them and what the
    claim cannot be (re-checked, approved, rejected)."""
    if claim.status not in statuses:
        raise Conflict(
            refusal.of(claim=claim.id, claim_status=claim.status.value), field="claim_id"
        )
