"""/apikeys: keys for integrations (incident sources, scripts), managed by an admin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from fleet_server.accounts.models import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic
from fleet_server.fields import Id
from fleet_server.web.deps import FleetDep, require
from fleet_server.web.roles import ADMINS

router = APIRouter(prefix="/apikeys", tags=["apikeys"], dependencies=[Depends(require(*ADMINS))])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_api_key(request: ApiKeyCreate, fleet: FleetDep) -> ApiKeyCreated:
    """Create a key; the response holds the key, which is never shown again (role: admin)."""
    row, key = fleet.accounts.create_api_key(request.name, request.role)
    return ApiKeyCreated(key=key, **ApiKeyPublic.of(row).model_dump())


@router.get("")
def list_api_keys(fleet: FleetDep) -> list[ApiKeyPublic]:
    """Every key, revoked ones too, with the first characters of each (role: admin)."""
    return [ApiKeyPublic.of(key) for key in fleet.accounts.list_api_keys()]


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: Id, fleet: FleetDep) -> Response:
    """Revoke a key: it stops working at once and stays listed as revoked (role: admin)."""
    fleet.accounts.revoke_api_key(key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
