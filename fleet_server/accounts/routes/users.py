"""/users: the people who log in, managed by an admin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from fleet_server.accounts.models import AccountName, UserCreate, UserPublic
from fleet_server.web.deps import FleetDep, require
from fleet_server.web.roles import ADMINS

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require(*ADMINS))])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(request: UserCreate, fleet: FleetDep) -> UserPublic:
    """Add a user with a role and an initial password; 409 if the name is taken (role: admin)."""
    return UserPublic.of(fleet.accounts.add_user(request.name, request.role, request.password))


@router.get("")
def list_users(fleet: FleetDep) -> list[UserPublic]:
    """Every user, by name (role: admin)."""
    return [UserPublic.of(user) for user in fleet.accounts.list_users()]


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(name: AccountName, fleet: FleetDep) -> Response:
    """Remove a user; tokens it was given stop working at once (role: admin)."""
    fleet.accounts.remove_user(name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
