"""/vouchers/exports: the voucher records as CSV files for spreadsheets (UTF-8 with a BOM, CRLF,
money in fen and in yuan, times in ISO 8601 in the programme site's local time).

- GET /vouchers/exports/vouchers.csv?programme_id=: the vouchers.
- GET /vouchers/exports/claims.csv?programme_id=: the claims with their failed rules in words
  and every rule's check (PASS/FAIL and what it found).
- GET /vouchers/exports/payouts.csv?programme_id=: the payouts of the settlement rounds.
- GET /vouchers/exports/clawbacks.csv?programme_id=: the clawback cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

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
from fleet_server.vouchers.models.claim import ClaimPublic
from fleet_server.vouchers.models.clawback import ClawbackPublic
from fleet_server.vouchers.models.settlement import PayoutPublic
from fleet_server.vouchers.models.voucher import VoucherPublic
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import RecordReader
from fleet_server.wiring import Fleet

router = APIRouter(prefix="/vouchers/exports", tags=["exports"])

CSV = "text/csv; charset=utf-8"
CSV_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {}}, "description": "a CSV file, UTF-8 with a BOM"}
}
RecordT = TypeVar("RecordT")
# The records of an export: those of one programme, or all of them.
Records = Callable[[Fleet, int | None], Iterable[RecordT]]


def _csv_download(
    kind: str, render: Callable[[Iterable[RecordT], Directory], str]
) -> Callable[[Records[RecordT]], Records[RecordT]]:
    """Serve GET /{kind}.csv from the function it decorates: the records that function gives,
    rendered as a CSV attachment named after them (and the programme). The endpoint takes the
    function's name and docstring."""

    def add_route(records_of: Records[RecordT]) -> Records[RecordT]:
        async def download(
            fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
        ) -> Response:
            records = records_of(fleet, programme_id)
            # The names are read after the records, so every record's holder and contract are
            # there.
            text = render(records, read_directory(fleet.engine, fleet.sites))
            name = kind if programme_id is None else f"{kind}-programme-{programme_id}"
            return Response(
                content=text.encode("utf-8"),
                media_type=CSV,
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )

        download.__name__ = download.__qualname__ = records_of.__name__
        download.__doc__ = records_of.__doc__
        router.get(f"/{kind}.csv", response_class=Response, responses=CSV_FILE)(download)
        return records_of

    return add_route


@_csv_download("vouchers", vouchers_csv)
def export_vouchers(fleet: Fleet, programme_id: int | None) -> list[VoucherPublic]:
    """The vouchers as CSV (roles: admin, subsidy_officer, auditor)."""
    return fleet.vouchers.find(programme_id)


@_csv_download("claims", claims_csv)
def export_claims(fleet: Fleet, programme_id: int | None) -> list[ClaimPublic]:
    """The claims as CSV, each with its failed rules in words and every rule's check (roles:
    admin, subsidy_officer, auditor)."""
    return fleet.claims.find(programme_id)


@_csv_download("payouts", payouts_csv)
def export_payouts(fleet: Fleet, programme_id: int | None) -> list[PayoutPublic]:
    """The payouts as CSV (roles: admin, subsidy_officer, auditor)."""
    return fleet.settlements.payouts(programme_id)


@_csv_download("clawbacks", clawbacks_csv)
def export_clawbacks(fleet: Fleet, programme_id: int | None) -> list[ClawbackPublic]:
    """The clawback cases as CSV (roles: admin, subsidy_officer, auditor)."""
    return fleet.clawbacks.find(programme_id)
