"""Claims: filed and checked (claim_filing), then approved with a public notice or rejected by an
officer; each change audited; shown with their evidence packs, which anyone can verify."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from fleet_server.errors import Conflict, Invalid
from fleet_server.vouchers.claim_evidence import claim_pack
from fleet_server.vouchers.claim_filing import (
    ENTITY,
    UNDECIDED,
    ClaimFiling,
    expect_status,
    stored_claim,
)
from fleet_server.vouchers.claim_keys import holds_keys, release_keys
from fleet_server.vouchers.evidence import digest
from fleet_server.vouchers.models.claim import (
    OPEN_STATUSES,
    Claim,
    ClaimApprove,
    ClaimPublic,
    ClaimReject,
    ClaimStatus,
)
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.programme import Programme
from fleet_server.vouchers.programmes import programme_zone
from fleet_server.vouchers.record_store import matching
from fleet_server.vouchers.texts import (
    CLAIM_KEYS_SHARED,
    CLAIM_NOT_APPROVABLE,
    CLAIM_NOT_REJECTABLE,
    CLAIM_OVERRIDE_REASON,
    CLAIM_PAYS_NOTHING,
    CLAIM_REJECT_REASON,
)


class ClaimService(ClaimFiling):
    """Files, re-checks, decides and shows claims, and serves their evidence packs."""

    def approve(self, claim_id: int, body: ClaimApprove, actor: str) -> ClaimPublic:
        """Approve an auto-verified claim, or one needing review with a reason (its failed rules
        are recorded as overridden). A claim whose contract, invoice or serial number another
        claim holds, or that would pay nothing, cannot be approved. The public notice starts."""
        with self.store.change() as session:
            claim = stored_claim(session, claim_id)
            expect_status(claim, UNDECIDED, CLAIM_NOT_APPROVABLE)
            failed = claim.failed_rules()
            if failed and not (body.reason and body.reason.strip()):
                raise Invalid(
                    CLAIM_OVERRIDE_REASON.of(claim=claim_id, rules=_rules(failed)), field="reason"
                )
            if not holds_keys(session, claim):
                raise Conflict(CLAIM_KEYS_SHARED.of(claim=claim_id), field="claim_id")
            if claim.subsidy_fen <= 0:
                raise Conflict(CLAIM_PAYS_NOTHING.of(claim=claim_id), field="claim_id")
            programme = session.get(Programme, claim.programme_id)
            assert programme is not None
            before = claim.as_record()
            now = self.clock()
            claim.status = ClaimStatus.APPROVED
            claim.overridden_rules = failed
            claim.notice_from = now
            claim.notice_until = now + timedelta(days=programme.public_notice_days)
            _decide(claim, actor, now, body.reason, body.decision_reference)
            session.add(claim)
            session.flush()
            self.store.log(session, actor, ENTITY, "approve", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def reject(self, claim_id: int, body: ClaimReject, actor: str) -> ClaimPublic:
        """Reject an undecided claim, or an approved one not yet paid (an objection during its
        notice); its contract, invoices and serial numbers become claimable again."""
        if not body.reason.strip():
            raise Invalid(CLAIM_REJECT_REASON.of(), field="reason")
        with self.store.change() as session:
            claim = stored_claim(session, claim_id)
            expect_status(claim, OPEN_STATUSES, CLAIM_NOT_REJECTABLE)
            before = claim.as_record()
            claim.status = ClaimStatus.REJECTED
            _decide(claim, actor, self.clock(), body.reason, body.decision_reference)
            release_keys(session, claim)
            session.add(claim)
            session.flush()
            self.store.log(session, actor, ENTITY, "reject", claim.id, before, claim.as_record())
            return ClaimPublic.of(claim)

    def get(self, claim_id: int) -> ClaimPublic:
        """One claim, or NotFound."""
        with Session(self.store.engine) as session:
            return ClaimPublic.of(stored_claim(session, claim_id))

    def find(
        self,
        programme_id: int | None = None,
        holder_id: int | None = None,
        status: ClaimStatus | None = None,
    ) -> list[ClaimPublic]:
        """The claims matching every filter given, by id."""
        query = matching(Claim, programme_id=programme_id, holder_id=holder_id, status=status)
        with Session(self.store.engine) as session:
            return [ClaimPublic.of(claim) for claim in session.exec(query)]

    def evidence(self, claim_id: int) -> tuple[str, str]:
        """The claim's evidence pack exactly as hashed, and the digest stored with the claim."""
        with Session(self.store.engine) as session:
            claim = stored_claim(session, claim_id)
            return claim.evidence, claim.evidence_sha256

    def verify_evidence(self, claim_id: int) -> dict[str, Any]:
        """Whether the stored pack still hashes to its digest, and whether the fleet's activity
        records today still give the same pack (they are added to, never rewritten)."""
        with Session(self.store.engine) as session:
            claim = stored_claim(session, claim_id)
            contract = session.get(Contract, claim.contract_id)
            programme = session.get(Programme, claim.programme_id)
            assert contract is not None and programme is not None
            zone = programme_zone(self.sites, programme)
            (rebuilt, _), _ = claim_pack(session, claim, contract, programme, zone)
            return {
                "claim_id": claim_id,
                "evidence_sha256": claim.evidence_sha256,
                "pack_matches_digest": digest(claim.evidence) == claim.evidence_sha256,
                "telemetry_matches_pack": rebuilt == claim.evidence,
            }


def _decide(
    claim: Claim, actor: str, now: datetime, reason: str | None, reference: str | None
) -> None:
    claim.decided_by = actor
    claim.decided_at = now
    claim.decision_reason = reason.strip() if reason else None
    claim.decision_reference = reference


def _rules(rules: list[int]) -> str:
    return ", ".join(str(rule) for rule in rules)
