"""/vouchers/institutions: service institutions (suppliers) and their catalogue of robot models."""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.party import (
    InstitutionCreate,
    InstitutionPublic,
    InstitutionUpdate,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/institutions", tags=["institutions"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_institution(
    fleet: FleetDep, body: InstitutionCreate, who: Officer
) -> InstitutionPublic:
    """Register an institution with its catalogue; its Unified Social Credit Code is checked
    (GB 32100-2015) and must be new. Affiliations are set on the enterprise
    (`affiliated_institutions`) and shown here as `affiliated_enterprises` (role:
    subsidy_officer)."""
    return fleet.institutions.create(body, who.name)


@router.get("")
async def list_institutions(fleet: FleetDep, _: RecordReader) -> list[InstitutionPublic]:
    """Every institution (roles: admin, subsidy_officer, auditor)."""
    return fleet.institutions.list_all()


@router.get("/{institution_id}")
async def get_institution(
    institution_id: Id, fleet: FleetDep, _: RecordReader
) -> InstitutionPublic:
    """One institution (roles: admin, subsidy_officer, auditor)."""
    return fleet.institutions.get(institution_id)


@router.patch("/{institution_id}")
async def update_institution(
    institution_id: Id, body: InstitutionUpdate, fleet: FleetDep, who: Officer
) -> InstitutionPublic:
    """Change the fields given; a given catalogue replaces the old one (role:
    subsidy_officer)."""
    return fleet.institutions.update(institution_id, body, who.name)
