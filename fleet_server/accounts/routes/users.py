"""/users: the people who log in, managed by an admin."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Response, status

from fleet_server.accounts.models import (
    AccountName,
    NewPassword,
    PasswordSet,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from fleet_server.web.deps import FleetDep, require
from fleet_server.web.roles import ADMINS, Admin

log = logging.getLogger(__name__)

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require(*ADMINS))])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(request: UserCreate, fleet: FleetDep, admin: Admin) -> UserPublic:
    """Add a user with a role and an initial password; 409 if the name is taken (role: admin)."""
    user = fleet.accounts.add_user(request.name, request.role, request.password)
    log.info("user %s added with role %s by %s", user.name, user.role.value, admin.name)
    return UserPublic.of(user)


@router.get("")
def list_users(fleet: FleetDep) -> list[UserPublic]:
    """Every user, by name (role: admin)."""
    return [UserPublic.of(user) for user in fleet.accounts.list_users()]


@router.patch("/{name}")
def update_user(
    name: AccountName, request: UserUpdate, fleet: FleetDep, admin: Admin
) -> UserPublic:
    """Change a user's role, or disable or enable it; the tokens it holds stop working. 409 if
    no enabled admin would be left (role: admin)."""
    user = fleet.accounts.update_user(name, request.role, request.disabled)
    log.info(
        "user %s changed by %s: role %s%s",
        name,
        admin.name,
        user.role.value,
        ", disabled" if user.disabled else "",
    )
    return UserPublic.of(user)


@router.post("/{name}/password")
def set_password(
    name: AccountName, request: NewPassword, fleet: FleetDep, admin: Admin
) -> PasswordSet:
    """Set a user's password to the one given, or, without one, to a generated password that the
    response holds and that is never shown again (role: admin)."""
    generated = fleet.accounts.set_password(name, request.password)
    log.info("password of user %s %s by %s", name, "reset" if generated else "set", admin.name)
    return PasswordSet(name=name, password=generated)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(name: AccountName, fleet: FleetDep, admin: Admin) -> Response:
    """Remove a user; tokens it was given stop working at once. 409 for the last enabled admin
    (role: admin)."""
    fleet.accounts.remove_user(name)
    log.info("user %s removed by %s", name, admin.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
