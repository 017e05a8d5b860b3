"""GET /metrics: the server's metrics in Prometheus' text format, off unless enabled."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from fleet_server.accounts.accounts import Principal
from fleet_server.errors import NotFound
from fleet_server.metrics.model import CONTENT_TYPE
from fleet_server.metrics.texts import METRICS_OFF
from fleet_server.web.deps import FleetDep, api_key_header, bearer_token, current_principal, require
from fleet_server.web.roles import FLEET_READERS

router = APIRouter(tags=["metrics"])


def metrics_reader(
    fleet: FleetDep,
    token: Annotated[str | None, Depends(bearer_token)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal | None:
    """Who may scrape: nobody while metrics are off (404), anyone if FLEET_METRICS_PUBLIC,
    otherwise a caller with a fleet reader's role (the fleet's size and state are what they
    may read already), by login token or API key, as a bearer token or X-API-Key."""
    if not fleet.settings.metrics_enabled:
        raise NotFound(METRICS_OFF.of())
    if fleet.settings.metrics_public:
        return None
    return require(*FLEET_READERS)(current_principal(fleet, token, api_key))


@router.get("/metrics", include_in_schema=False)
async def metrics(
    fleet: FleetDep, reader: Annotated[Principal | None, Depends(metrics_reader)]
) -> Response:
    """Every metric now, read in the event loop where the fleet's state changes (roles: admin,
    operator, viewer, auditor; anyone when FLEET_METRICS_PUBLIC is set)."""
    return Response(fleet.metrics.exposition(), media_type=CONTENT_TYPE)
