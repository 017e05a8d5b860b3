"""/vouchers/clawbacks: the lock-in watch's clawback cases (rule 10) and their closing.

- GET /vouchers/clawbacks?programme_id=&status=&serial_number=: the cases, by id.
- GET /vouchers/clawbacks/{id}: one case with its evidence.
- POST /vouchers/clawbacks/{id}/close {outcome, recovery, reason}: close an open case as
  recovered (full or pro_rata) or dismissed.
- POST /vouchers/clawbacks/watch: run the daily lock-in watch now; the cases it opened.
"""

from __future__ import annotations

from fastapi import APIRouter

from fleet_server.fields import Id, Label
from fleet_server.vouchers.models.clawback import ClawbackClose, ClawbackPublic, ClawbackStatus
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/clawbacks", tags=["clawbacks"])


@router.get("")
async def list_cases(
    fleet: FleetDep,
    _: RecordReader,
    programme_id: Id | None = None,
    status: ClawbackStatus | None = None,
    serial_number: Label | None = None,
) -> list[ClawbackPublic]:
    """The cases matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.clawbacks.find(programme_id, status, serial_number)


@router.post("/watch")
async def run_watch(fleet: FleetDep, _: Officer) -> list[ClawbackPublic]:
    """Run the lock-in watch now, as the daily job does (the cases are opened by the system);
    the cases it opened (role: subsidy_officer)."""
    return fleet.clawbacks.watch()


@router.get("/{case_id}")
async def get_case(case_id: Id, fleet: FleetDep, _: RecordReader) -> ClawbackPublic:
    """One case with its evidence (roles: admin, subsidy_officer, auditor)."""
    return fleet.clawbacks.get(case_id)


@router.post("/{case_id}/close")
async def close_case(
    case_id: Id, body: ClawbackClose, fleet: FleetDep, who: Officer
) -> ClawbackPublic:
    """Close an open case: recovered, full or pro rata for the lock-in days not served, or
    dismissed; always with the reason (role: subsidy_officer)."""
    return fleet.clawbacks.close(case_id, body, who.name)
