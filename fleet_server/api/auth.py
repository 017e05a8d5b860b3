"""/auth: log in with a user name and password for a bearer token, and ask who you are."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from pydantic import BaseModel

from fleet_server.api.deps import FleetDep
from fleet_server.api.roles import SignedIn
from fleet_server.models import Role
from fleet_server.models.account import AccountName, GivenPassword

router = APIRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    """A login token (OAuth2 password flow): send it as `Authorization: Bearer <access_token>`."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    """Who the credentials of a request belong to."""

    name: str
    role: Role
    kind: Literal["user", "api_key"]


@router.post("/token")
def log_in(
    username: Annotated[AccountName, Form()],
    password: Annotated[GivenPassword, Form()],
    fleet: FleetDep,
    grant_type: Annotated[Literal["password"] | None, Form()] = None,
) -> Token:
    """Exchange a user name and password (form fields, as OAuth2's password flow sends them)
    for a short-lived bearer token (public, for logging in)."""
    # A plain def: FastAPI runs it in a worker thread, so argon2's deliberate slowness
    # does not hold up the event loop.
    user = fleet.accounts.authenticate(username, password)
    token, expires_in = fleet.accounts.issue_token(user)
    return Token(access_token=token, expires_in=expires_in)


@router.get("/me")
async def me(principal: SignedIn) -> Me:
    """The name, role and kind (user or API key) of the caller (roles: admin, operator, viewer,
    subsidy_officer, auditor)."""
    return Me(name=principal.name, role=principal.role, kind=principal.kind)
