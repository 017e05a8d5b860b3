"""/vouchers/batches and /vouchers/issued: issuing vouchers from a programme's pool, and the
vouchers issued.

- POST /vouchers/batches {programme_id, holders, face_value_fen}: one voucher per holder, all or
  none (201, the vouchers issued).
- GET /vouchers/issued?programme_id=&holder_id=&status=: the vouchers, by id.
- GET /vouchers/issued/{id}: one voucher.
- POST /vouchers/issued/{id}/revoke {reason}: revoke it; its unused value returns to the pool.
- PATCH /vouchers/issued/{id}: always refused (422); vouchers are not transferable.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, status

from fleet_server.fields import Id, Label
from fleet_server.vouchers.models.voucher import (
    VoucherBatchCreate,
    VoucherPublic,
    VoucherRevoke,
    VoucherStatus,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers", tags=["vouchers"])

# A voucher has a dozen fields; a change naming more is refused unread.
MAX_VOUCHER_FIELDS = 20


@router.post("/batches", status_code=status.HTTP_201_CREATED)
async def issue_batch(
    fleet: FleetDep, body: VoucherBatchCreate, who: Officer
) -> list[VoucherPublic]:
    """Issue one voucher of `face_value_fen` to each enterprise in `holders`, reserving the
    batch's total from the pool. Every holder must be registered in the district and not
    blacklisted, and the total must fit the available balance, or nothing is issued (role:
    subsidy_officer)."""
    return fleet.vouchers.issue_batch(
        body.programme_id, body.holders, body.face_value_fen, who.name
    )


@router.get("/issued")
async def list_vouchers(
    fleet: FleetDep,
    _: RecordReader,
    programme_id: Id | None = None,
    holder_id: Id | None = None,
    status: VoucherStatus | None = None,
) -> list[VoucherPublic]:
    """The vouchers matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.vouchers.find(programme_id, holder_id, status)


@router.get("/issued/{voucher_id}")
async def get_voucher(voucher_id: Id, fleet: FleetDep, _: RecordReader) -> VoucherPublic:
    """One voucher (roles: admin, subsidy_officer, auditor)."""
    return fleet.vouchers.get(voucher_id)


@router.post("/issued/{voucher_id}/revoke")
async def revoke_voucher(
    voucher_id: Id, body: VoucherRevoke, fleet: FleetDep, who: Officer
) -> VoucherPublic:
    """Revoke an issued or in-use voucher with a reason; its unused value returns to the pool
    (role: subsidy_officer)."""
    return fleet.vouchers.revoke(voucher_id, body.reason, who.name)


@router.patch("/issued/{voucher_id}")
async def change_voucher(
    voucher_id: Id,
    fleet: FleetDep,
    _: Officer,
    body: Annotated[dict[Label, Any], Body(max_length=MAX_VOUCHER_FIELDS)],
) -> VoucherPublic:
    """Refused: a voucher is not transferable and is not edited; revoke it instead (role:
    subsidy_officer)."""
    fleet.vouchers.change(voucher_id, body)
