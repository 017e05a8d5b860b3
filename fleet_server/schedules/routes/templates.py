"""/templates: missions defined once and run many times."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from fleet_server.schedules.models.template import (
    TemplateCreate,
    TemplateId,
    TemplatePublic,
    TemplateUpdate,
)
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, FleetWriter

router = APIRouter(prefix="/templates", tags=["templates"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_template(
    request: TemplateCreate, fleet: FleetDep, _: FleetWriter
) -> TemplatePublic:
    """Create a template; its mission is checked against the site, errors naming the field
    (roles: admin, operator)."""
    return TemplatePublic.of(fleet.templates.create(request))


@router.get("")
async def list_templates(fleet: FleetDep, _: FleetReader) -> list[TemplatePublic]:
    """All templates, shipped files and API-made ones (roles: admin, operator, viewer, auditor)."""
    return [TemplatePublic.of(t) for t in fleet.templates.store.list_templates()]


@router.get("/{template_id}")
async def get_template(template_id: TemplateId, fleet: FleetDep, _: FleetReader) -> TemplatePublic:
    """One template (roles: admin, operator, viewer, auditor)."""
    return TemplatePublic.of(fleet.templates.get(template_id))


@router.patch("/{template_id}")
async def update_template(
    template_id: TemplateId, change: TemplateUpdate, fleet: FleetDep, _: FleetWriter
) -> TemplatePublic:
    """Rename, describe, or replace the mission of a template (roles: admin, operator)."""
    return TemplatePublic.of(fleet.templates.update(template_id, change))


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: TemplateId, fleet: FleetDep, _: FleetWriter) -> Response:
    """Delete a template; missions made from it stay (roles: admin, operator)."""
    fleet.templates.delete(template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
