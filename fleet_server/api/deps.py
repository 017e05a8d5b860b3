"""Dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from fleet_server.fleet import Fleet


def fleet_of(request: Request) -> Fleet:
    """The Fleet of the app serving this request."""
    fleet: Fleet = request.app.state.fleet
    return fleet


FleetDep = Annotated[Fleet, Depends(fleet_of)]
