"""/vouchers/programmes: robot-voucher programmes, their rules and their pool's balances."""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.programme import ProgrammeCreate, ProgrammePublic, ProgrammeUpdate
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/programmes", tags=["programmes"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_programme(fleet: FleetDep, body: ProgrammeCreate, who: Officer) -> ProgrammePublic:
    """Create a programme; every setting not given takes the district's default. Money is
    integer fen, shares are basis points (role: subsidy_officer)."""
    return fleet.programmes.create(body, who.name)


@router.get("")
async def list_programmes(fleet: FleetDep, _: RecordReader) -> list[ProgrammePublic]:
    """Every programme with its balances (roles: admin, subsidy_officer, auditor)."""
    return fleet.programmes.list_all()


@router.get("/{programme_id}")
async def get_programme(programme_id: Id, fleet: FleetDep, _: RecordReader) -> ProgrammePublic:
    """One programme with its balances (roles: admin, subsidy_officer, auditor)."""
    return fleet.programmes.get(programme_id)


@router.patch("/{programme_id}")
async def update_programme(
    programme_id: Id, body: ProgrammeUpdate, fleet: FleetDep, who: Officer
) -> ProgrammePublic:
    """Change the settings given; the change is audited (role: subsidy_officer)."""
    return fleet.programmes.update(programme_id, body, who.name)
