"""Dependencies shared by the routes: the Fleet, and who is calling with which role."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBasic, HTTPBasicCredentials, OAuth2PasswordBearer

from fleet_server.accounts.accounts import API_KEY_PREFIX, Principal
from fleet_server.accounts.models import Role
from fleet_server.errors import Forbidden, Unauthorized
from fleet_server.web.texts import NOT_A_ROBOT, NOT_AUTHENTICATED, ROLE_REFUSED
from fleet_server.wiring import Fleet

# Both schemes appear in the OpenAPI document; neither fails by itself, require() decides.
bearer_token = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
# Robots (photo uploads) log in with their MQTT login: user name = serial number.
robot_login = HTTPBasic(auto_error=False, realm="robots")


def fleet_of(request: Request) -> Fleet:
    """The Fleet of the app serving this request."""
    fleet: Fleet = request.app.state.fleet
    return fleet


FleetDep = Annotated[Fleet, Depends(fleet_of)]


def current_principal(
    fleet: FleetDep,
    token: Annotated[str | None, Depends(bearer_token)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    """Who sent the request, from its bearer token or else its API key; Unauthorized if neither.
    An API key may come as the bearer token too (Prometheus and many tools send only that)."""
    if token and token.startswith(API_KEY_PREFIX):
        return fleet.accounts.principal_from_api_key(token)
    if token:
        return fleet.accounts.principal_from_token(token)
    if api_key:
        return fleet.accounts.principal_from_api_key(api_key)
    raise Unauthorized(NOT_AUTHENTICATED.of())


def current_robot(
    fleet: FleetDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(robot_login)]
) -> str:
    """The serial number of the robot whose MQTT login the request carries; Unauthorized if
    none, or one that is wrong or revoked."""
    if credentials is None:
        raise Unauthorized(NOT_A_ROBOT.of(), scheme="Basic")
    return fleet.mqtt_accounts.authenticate_robot(credentials.username, credentials.password)


@functools.cache
def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting callers with one of the roles; it returns who is calling."""
    # Cached: one dependency per group of roles (fleet_server.web.roles), which FastAPI then
    # runs once per request, and by which a route's group can be told.
    if not roles:
        raise ValueError("require() needs at least one role")
    allowed = [role.value for role in roles]

    def admitted(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(ROLE_REFUSED.of(role=principal.role.value, roles=allowed))
        return principal

    return admitted
