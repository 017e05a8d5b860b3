"""/templates: missions defined once and run many times."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from fleet_server.api.deps import FleetDep
from fleet_server.models import TemplateCreate, TemplatePublic, TemplateUpdate

router = APIRouter(prefix="/templates", tags=["templates"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_template(request: TemplateCreate, fleet: FleetDep) -> TemplatePublic:
    """Create a template; its mission is checked against the site (errors name the field)."""
    return TemplatePublic.of(fleet.templates.create(request))


@router.get("")
async def list_templates(fleet: FleetDep) -> list[TemplatePublic]:
    """All templates, shipped files and API-made ones."""
    return [TemplatePublic.of(t) for t in fleet.store.list_templates()]


@router.get("/{template_id}")
async def get_template(template_id: str, fleet: FleetDep) -> TemplatePublic:
    """One template."""
    return TemplatePublic.of(fleet.templates.get(template_id))


@router.patch("/{template_id}")
async def update_template(
    template_id: str, change: TemplateUpdate, fleet: FleetDep
) -> TemplatePublic:
    """Rename, describe, or replace the mission of a template."""
    return TemplatePublic.of(fleet.templates.update(template_id, change))


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: str, fleet: FleetDep) -> Response:
    """Delete a template (missions made from it stay)."""
    fleet.templates.delete(template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
