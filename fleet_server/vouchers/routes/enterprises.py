"""/vouchers/enterprises: voucher holders, their credit codes and affiliated institutions."""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.party import EnterpriseCreate, EnterprisePublic, EnterpriseUpdate
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/enterprises", tags=["enterprises"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_enterprise(
    fleet: FleetDep, body: EnterpriseCreate, who: Officer
) -> EnterprisePublic:
    """Register an enterprise; its Unified Social Credit Code is checked (GB 32100-2015) and
    must be new. `affiliated_institutions` lists institutions that may not supply it (role:
    subsidy_officer)."""
    return fleet.enterprises.create(body, who.name)


@router.get("")
async def list_enterprises(fleet: FleetDep, _: RecordReader) -> list[EnterprisePublic]:
    """Every enterprise (roles: admin, subsidy_officer, auditor)."""
    return fleet.enterprises.list_all()


@router.get("/{enterprise_id}")
async def get_enterprise(enterprise_id: Id, fleet: FleetDep, _: RecordReader) -> EnterprisePublic:
    """One enterprise (roles: admin, subsidy_officer, auditor)."""
    return fleet.enterprises.get(enterprise_id)


@router.patch("/{enterprise_id}")
async def update_enterprise(
    enterprise_id: Id, body: EnterpriseUpdate, fleet: FleetDep, who: Officer
) -> EnterprisePublic:
    """Change the fields given; a given `affiliated_institutions` replaces the list (role:
    subsidy_officer)."""
    return fleet.enterprises.update(enterprise_id, body, who.name)
