"""/vouchers/institutions: service institutions (suppliers) and their catalogue of robot models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from fleet_server.accounts import Principal
from fleet_server.api.deps import FleetDep, require
from fleet_server.models import Role
from fleet_server.models.party import InstitutionCreate, InstitutionPublic, InstitutionUpdate

router = APIRouter(prefix="/vouchers/institutions", tags=["institutions"])

Officer = Annotated[Principal, Depends(require(Role.SUBSIDY_OFFICER))]
Reader = Annotated[Principal, Depends(require(Role.SUBSIDY_OFFICER, Role.AUDITOR))]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_institution(
    fleet: FleetDep, body: InstitutionCreate, who: Officer
) -> InstitutionPublic:
    """Register an institution with its catalogue; its Unified Social Credit Code is checked
    (GB 32100-2015) and must be new (role: subsidy_officer). Affiliations are set on the
    enterprise (`affiliated_institutions`) and shown here as `affiliated_enterprises`."""
    return fleet.institutions.create(body, who.name)


@router.get("")
async def list_institutions(fleet: FleetDep, _: Reader) -> list[InstitutionPublic]:
    """Every institution (roles: subsidy_officer, auditor)."""
    return fleet.institutions.list_all()


@router.get("/{institution_id}")
async def get_institution(institution_id: int, fleet: FleetDep, _: Reader) -> InstitutionPublic:
    """One institution (roles: subsidy_officer, auditor)."""
    return fleet.institutions.get(institution_id)


@router.patch("/{institution_id}")
async def update_institution(
    institution_id: int, body: InstitutionUpdate, fleet: FleetDep, who: Officer
) -> InstitutionPublic:
    """Change the fields given; a given catalogue replaces the old one (role:
    subsidy_officer)."""
    return fleet.institutions.update(institution_id, body, who.name)
