"""/vouchers/claims: subsidy claims, their rule checks, decisions and evidence packs.

- POST /vouchers/claims {contract_id}: file a claim for the contract's units; it is checked at
  once and comes back auto_verified or needs_review (201).
- GET /vouchers/claims?programme_id=&holder_id=&status=: the claims, by id.
- GET /vouchers/claims/{id}: one claim with every rule's check and its figures.
- POST /vouchers/claims/{id}/recheck: check an undecided claim again.
- POST /vouchers/claims/{id}/approve {decision_reference, reason}: approve; the notice starts.
- POST /vouchers/claims/{id}/reject {reason, decision_reference}: reject.
- GET /vouchers/claims/{id}/evidence: the evidence pack (JSON) exactly as hashed; its SHA-256 is
  in the X-Evidence-SHA256 header and on the claim.
- GET /vouchers/claims/{id}/evidence/verify: whether the pack still matches its digest and the
  fleet's activity records.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.claim import (
    ClaimApprove,
    ClaimCreate,
    ClaimPublic,
    ClaimReject,
    ClaimStatus,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/claims", tags=["claims"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def file_claim(fleet: FleetDep, body: ClaimCreate, who: Officer) -> ClaimPublic:
    """File a claim for every unit of a contract. Rules 2 to 9 are checked from the records and
    the fleet's telemetry before the answer: auto_verified when all hold, else needs_review
    with each failed rule in words (role: subsidy_officer)."""
    return fleet.claims.file(body.contract_id, who.name)


@router.get("")
async def list_claims(
    fleet: FleetDep,
    _: RecordReader,
    programme_id: Id | None = None,
    holder_id: Id | None = None,
    status: ClaimStatus | None = None,
) -> list[ClaimPublic]:
    """The claims matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.claims.find(programme_id, holder_id, status)


@router.get("/{claim_id}")
async def get_claim(claim_id: Id, fleet: FleetDep, _: RecordReader) -> ClaimPublic:
    """One claim (roles: admin, subsidy_officer, auditor)."""
    return fleet.claims.get(claim_id)


@router.post("/{claim_id}/recheck")
async def recheck_claim(claim_id: Id, fleet: FleetDep, who: Officer) -> ClaimPublic:
    """Check an undecided claim again, say after its papers were completed (role:
    subsidy_officer)."""
    return fleet.claims.recheck(claim_id, who.name)


@router.post("/{claim_id}/approve")
async def approve_claim(
    claim_id: Id, body: ClaimApprove, fleet: FleetDep, who: Officer
) -> ClaimPublic:
    """Approve a claim with the decision's reference; overriding failed checks needs a reason.
    The public notice runs for the programme's notice days (role: subsidy_officer)."""
    return fleet.claims.approve(claim_id, body, who.name)


@router.post("/{claim_id}/reject")
async def reject_claim(
    claim_id: Id, body: ClaimReject, fleet: FleetDep, who: Officer
) -> ClaimPublic:
    """Reject a claim that is not yet paid, with the reason (role: subsidy_officer)."""
    return fleet.claims.reject(claim_id, body, who.name)


@router.get("/{claim_id}/evidence")
async def download_evidence(claim_id: Id, fleet: FleetDep, _: RecordReader) -> Response:
    """The claim's evidence pack, byte for byte as hashed (roles: admin, subsidy_officer,
    auditor)."""
    text, sha256 = fleet.claims.evidence(claim_id)
    return Response(
        content=text.encode("utf-8"),
        media_type="application/json",
        headers={
            "X-Evidence-SHA256": sha256,
            "Content-Disposition": f'attachment; filename="claim-{claim_id}-evidence.json"',
        },
    )


@router.get("/{claim_id}/evidence/verify")
async def verify_evidence(claim_id: Id, fleet: FleetDep, _: RecordReader) -> dict[str, Any]:
    """Re-check the pack against its digest and against the fleet's activity records (roles:
    admin, subsidy_officer, auditor)."""
    return fleet.claims.verify_evidence(claim_id)
