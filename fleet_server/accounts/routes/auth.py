"""/auth: log in with a user name and password for a bearer token, and ask who you are."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from fleet_server.accounts.models import AccountName, GivenPassword, PasswordChange, Role
from fleet_server.accounts.texts import PASSWORD_OF_API_KEY, PASSWORD_UNCHANGED, PASSWORD_WRONG
from fleet_server.errors import Forbidden, Invalid, Unauthorized
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import SignedIn

router = APIRouter(prefix="/auth", tags=["auth"])

# The address of a client the ASGI server could not name (throttled together).
UNKNOWN_ADDRESS = "unknown"


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
    request: Request,
    username: Annotated[AccountName, Form()],
    password: Annotated[GivenPassword, Form()],
    fleet: FleetDep,
    grant_type: Annotated[Literal["password"] | None, Form()] = None,
) -> Token:
    """Exchange a user name and password (form fields, as OAuth2's password flow sends them)
    for a short-lived bearer token. After repeated failures for the name or from the address,
    attempts are refused for a while with 429 and Retry-After (public, for logging in)."""
    # A plain def: FastAPI runs it in a worker thread, so argon2's deliberate slowness
    # does not hold up the event loop.
    address = request.client.host if request.client else UNKNOWN_ADDRESS
    fleet.logins.begin(username, address)
    try:
        user = fleet.accounts.authenticate(username, password)
    except Unauthorized:
        fleet.logins.failed()
        raise
    fleet.logins.succeeded(username, address)
    token, expires_in = fleet.accounts.issue_token(user)
    return Token(access_token=token, expires_in=expires_in)


@router.get("/me")
async def me(principal: SignedIn) -> Me:
    """The name, role and kind (user or API key) of the caller (roles: admin, operator, viewer,
    subsidy_officer, auditor)."""
    return Me(name=principal.name, role=principal.role, kind=principal.kind)


@router.post("/password")
def change_password(
    request: Request, change: PasswordChange, principal: SignedIn, fleet: FleetDep
) -> Token:
    """Change your own password, giving the current one (a password an admin reset is then yours
    alone); your other sessions end and the answer is a fresh token. A wrong current password
    counts towards the login throttle (roles: admin, operator, viewer, subsidy_officer,
    auditor)."""
    if principal.kind != "user":
        raise Forbidden(PASSWORD_OF_API_KEY.of())
    if change.new_password == change.current_password:
        raise Invalid(PASSWORD_UNCHANGED.of(), field="new_password")
    address = request.client.host if request.client else UNKNOWN_ADDRESS
    fleet.logins.begin(principal.name, address)
    try:
        fleet.accounts.authenticate(principal.name, change.current_password)
    except Unauthorized:
        fleet.logins.failed()
        # Not 401: the caller is signed in; the field they typed is wrong.
        raise Invalid(PASSWORD_WRONG.of(), field="current_password") from None
    fleet.logins.succeeded(principal.name, address)
    fleet.accounts.set_password(principal.name, change.new_password)
    user = fleet.accounts.authenticate(principal.name, change.new_password)
    token, expires_in = fleet.accounts.issue_token(user)
    return Token(access_token=token, expires_in=expires_in)
