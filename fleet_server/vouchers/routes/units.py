"""/vouchers/units: deployed units, each serial number tied to the fleet robot reporting for it.

- POST /vouchers/units {serial_number, robot, holder_id, site_id, commissioned_on}: register a
  unit (201); a current registration of the same serial number ends.
- GET /vouchers/units?serial_number=&holder_id=&current=: the registrations, by id.
- GET /vouchers/units/{id}: one registration.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id, Label
from fleet_server.vouchers.models.unit import DeployedUnitCreate, DeployedUnitPublic
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/units", tags=["units"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_unit(
    fleet: FleetDep, body: DeployedUnitCreate, who: Officer
) -> DeployedUnitPublic:
    """Register a deployed unit: the fleet robot must be known and the site must exist. A
    current registration of the same serial number (say, under the previous holder) is ended
    (role: subsidy_officer)."""
    return fleet.units.register(body, who.name)


@router.get("")
async def list_units(
    fleet: FleetDep,
    _: RecordReader,
    serial_number: Label | None = None,
    holder_id: Id | None = None,
    current: bool | None = None,
) -> list[DeployedUnitPublic]:
    """The registrations matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.units.find(serial_number, holder_id, current)


@router.get("/{unit_id}")
async def get_unit(unit_id: Id, fleet: FleetDep, _: RecordReader) -> DeployedUnitPublic:
    """One registration (roles: admin, subsidy_officer, auditor)."""
    return fleet.units.get(unit_id)
