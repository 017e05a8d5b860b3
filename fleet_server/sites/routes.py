"""/sites: the site maps (nodes, edges, docks, zones)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fleet_protocol.site import Site
from fleet_server.fields import Identifier
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import SignedIn

router = APIRouter(prefix="/sites", tags=["sites"])


class SiteSummary(BaseModel):
    """A site in a list."""

    id: str
    name: str
    names: dict[str, str]
    timezone: str
    nodes: int
    docks: int
    zones: int


@router.get("")
async def list_sites(fleet: FleetDep, _: SignedIn) -> list[SiteSummary]:
    """All sites (roles: admin, operator, viewer, subsidy_officer, auditor)."""
    return [
        SiteSummary(
            id=s.id,
            name=s.name,
            names=s.names,
            timezone=s.timezone,
            nodes=len(s.nodes),
            docks=len(s.docks),
            zones=len(s.zones),
        )
        for s in fleet.sites.all()
    ]


@router.get("/{site_id}")
async def get_site(site_id: Identifier, fleet: FleetDep, _: SignedIn) -> Site:
    """One site with its nodes, edges, docks and zones (roles: admin, operator, viewer,
    subsidy_officer, auditor)."""
    return fleet.sites.get(site_id)
