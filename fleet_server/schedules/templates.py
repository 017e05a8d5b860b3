"""The template service: templates from missions/templates/*.yaml and the API, checked against
their site on save, and turned into missions with overrides."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid, NotFound, problems_of, problems_text
from fleet_server.missions.checks import check_request
from fleet_server.missions.models.requests import (
    MISSION_KINDS,
    CleanCreate,
    DockCreate,
    MissionCreate,
    PatrolCreate,
    ServiceCreate,
)
from fleet_server.missions.service import MissionService
from fleet_server.schedules.models.template import (
    FromTemplate,
    Template,
    TemplateCreate,
    TemplateUpdate,
)
from fleet_server.schedules.store import ScheduleStore
from fleet_server.schedules.texts import KIND_FIXED, TEMPLATE_EXISTS, TEMPLATE_NOT_FOUND
from fleet_server.sites.sites import SiteRegistry

log = logging.getLogger(__name__)

AnyMission = PatrolCreate | DockCreate | ServiceCreate | CleanCreate
MISSION: TypeAdapter[AnyMission] = TypeAdapter(MissionCreate)


class TemplateFileError(ValueError):
    """A template file that cannot be used; the message names the file and the problem."""


def read_template_file(path: Path) -> TemplateCreate:
    """Parse one template file; TemplateFileError names the file and each bad field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TemplateCreate.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateFileError(f"template file {path}: cannot read YAML: {exc}") from None
    except ValidationError as exc:
        problems = problems_of(exc.errors(), members=MISSION_KINDS)
        raise TemplateFileError(f"template file {path}: {problems_text(problems)}") from None


def checked_template_files(directory: Path, sites: SiteRegistry) -> list[TemplateCreate]:
    """Every template file of the directory, checked against its site.

    A template for a site this server does not have is left out with a warning (the shipped
    demo templates on a server with other sites); any other problem is a TemplateFileError.
    """
    found = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        request = read_template_file(path)
        try:
            site = sites.get(request.mission.site)
        except NotFound:
            log.warning(
                "template file %s is for site %r, which is not loaded; skipped",
                path,
                request.mission.site,
            )
            continue
        try:
            check_request(request.mission, site, sites.graph(site.id))
        except Invalid as exc:
            raise TemplateFileError(f"template file {path}: mission.{exc.message}") from None
        found.append(request)
    return found


class TemplateService:
    """Templates in the database; file templates are added at start if not there yet."""

    def __init__(self, *, store: ScheduleStore, missions: MissionService) -> None:
        self.store = store
        self.missions = missions

    def load_directory(self, directory: Path) -> int:
        """Check every template file and add the new ones; returns how many were added."""
        added = 0
        for request in checked_template_files(directory, self.missions.sites):
            stored = self.store.get(Template, request.id)
            if stored is None:
                self._save(request, source="file")
                added += 1
            elif stored.source == "file" and not (stored.names or stored.descriptions):
                self._add_names(stored, request)
        log.info("%d template(s) added from %s", added, directory)
        return added

    def _add_names(self, template: Template, request: TemplateCreate) -> None:
        """Give a file template stored before names per language existed its file's names."""
        template.names = dict(request.names)
        template.descriptions = dict(request.descriptions)
        self.store.save(template)
        log.info("template %s: names per language added from its file", template.id)

    def _save(self, request: TemplateCreate, source: str) -> Template:
        template = Template(
            id=request.id,
            name=request.name,
            names=dict(request.names),
            description=request.description,
            descriptions=dict(request.descriptions),
            site_id=request.mission.site,
            kind=request.mission.kind,
            mission=request.mission.model_dump(mode="json", exclude_none=True),
            source=source,
        )
        return self.store.save(template)

    def create(self, request: TemplateCreate) -> Template:
        """Check the mission against its site and store the template; Conflict if the id exists."""
        if self.store.get(Template, request.id) is not None:
            raise Conflict(TEMPLATE_EXISTS.of(template=request.id), field="id")
        self.missions.check(request.mission)
        return self._save(request, source="api")

    def get(self, template_id: str) -> Template:
        """One template, or NotFound."""
        template = self.store.get(Template, template_id)
        if template is None:
            raise NotFound(TEMPLATE_NOT_FOUND.of(template=template_id))
        return template

    def update(self, template_id: str, change: TemplateUpdate) -> Template:
        """Rename, describe (also in each language), or replace the mission (checked)."""
        template = self.get(template_id)
        if change.mission is not None:
            self.missions.check(change.mission)
            template.mission = change.mission.model_dump(mode="json", exclude_none=True)
            template.site_id = change.mission.site
            template.kind = change.mission.kind
        if change.name is not None:
            template.name = change.name
        if change.names is not None:
            template.names = dict(change.names)
        if change.description is not None:
            template.description = change.description
        if change.descriptions is not None:
            template.descriptions = dict(change.descriptions)
        template.updated_at = utc_now()
        return self.store.save(template)

    def delete(self, template_id: str) -> None:
        """Remove a template; missions made from it stay."""
        self.store.remove(Template, self.get(template_id).id)

    def mission_request(self, request: FromTemplate) -> AnyMission:
        """The template's mission with the overrides applied; Invalid names a bad override."""
        try:
            template = self.get(request.template)
        except NotFound:
            raise Invalid(
                TEMPLATE_NOT_FOUND.of(template=request.template), field="template"
            ) from None
        if "kind" in request.overrides and request.overrides["kind"] != template.kind:
            raise Invalid(KIND_FIXED.of(), field="overrides")
        merged: dict[str, Any] = template.mission | request.overrides
        try:
            return MISSION.validate_python(merged)
        except ValidationError as exc:
            raise Invalid.of(
                exc, prefix="overrides.", field="overrides", members=MISSION_KINDS
            ) from None
