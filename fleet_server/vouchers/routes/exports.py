"""/vouchers/exports: the voucher records as CSV files for spreadsheets (UTF-8 with a BOM, CRLF,
money in fen and in yuan, times in ISO 8601 in the programme site's local time).

- GET /vouchers/exports/vouchers.csv?programme_id=: the vouchers.
- GET /vouchers/exports/claims.csv?programme_id=: the claims with their failed rules in words
  and every rule's check (PASS/FAIL and what it found).
- GET /vouchers/exports/payouts.csv?programme_id=: the payouts of the settlement rounds.
- GET /vouchers/exports/clawbacks.csv?programme_id=: the clawback cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response

from fleet_server.fields import Id
from fleet_server.vouchers.exports import (
    Directory,
    claims_csv,
    clawbacks_csv,
    payouts_csv,
    read_directory,
    vouchers_csv,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import RecordReader
from fleet_server.wiring import Fleet

router = APIRouter(prefix="/vouchers/exports", tags=["exports"])

CSV = "text/csv; charset=utf-8"
CSV_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {}}, "description": "a CSV file, UTF-8 with a BOM"}
}


def _download(
    fleet: Fleet, kind: str, programme_id: int | None, render: Callable[[Directory], str]
) -> Response:
    """The records rendered as a CSV attachment named after them (and the programme)."""
    # The names are read after the records, so every record's holder and contract are there.
    text = render(read_directory(fleet.engine, fleet.sites))
    name = kind if programme_id is None else f"{kind}-programme-{programme_id}"
    return Response(
        content=text.encode("utf-8"),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/vouchers.csv", response_class=Response, responses=CSV_FILE)
async def export_vouchers(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
) -> Response:
    """The vouchers as CSV (roles: subsidy_officer, auditor)."""
    vouchers = fleet.vouchers.find(programme_id)
    return _download(fleet, "vouchers", programme_id, lambda d: vouchers_csv(vouchers, d))


@router.get("/claims.csv", response_class=Response, responses=CSV_FILE)
async def export_claims(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
) -> Response:
    """The claims as CSV, each with its failed rules in words and every rule's check (roles:
    subsidy_officer, auditor)."""
    claims = fleet.claims.find(programme_id)
    return _download(fleet, "claims", programme_id, lambda d: claims_csv(claims, d))


@router.get("/payouts.csv", response_class=Response, responses=CSV_FILE)
async def export_payouts(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
) -> Response:
    """The payouts as CSV (roles: subsidy_officer, auditor)."""
    payouts = fleet.settlements.payouts(programme_id)
    return _download(fleet, "payouts", programme_id, lambda d: payouts_csv(payouts, d))


@router.get("/clawbacks.csv", response_class=Response, responses=CSV_FILE)
async def export_clawbacks(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
) -> Response:
    """The clawback cases as CSV (roles: subsidy_officer, auditor)."""
    cases = fleet.clawbacks.find(programme_id)
    return _download(fleet, "clawbacks", programme_id, lambda d: clawbacks_csv(cases, d))
