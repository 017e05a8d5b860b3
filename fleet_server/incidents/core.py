"""The incidents' shared state: the policy, the store and logbook, saving with its listeners,
and the two end states an incident reaches (resolved, escalated)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from fleet_protocol.base import utc_now
from fleet_server.errors import NotFound
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.logbook_texts import (
    INCIDENT_ANSWERED,
    INCIDENT_ESCALATED,
    INCIDENT_RESOLVED,
)
from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.incidents.responses import CleanArea
from fleet_server.incidents.texts import INCIDENT_NOT_FOUND
from fleet_server.missions.service import MissionService
from fleet_server.texts import Text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncidentPolicy:
    """The district's settings for incident response."""

    # A response not under way this long after the report is escalated to a person.
    dispatch_timeout_s: float = 120.0
    # Only robots within this route distance go; none within it escalates at once.
    max_distance_m: float = 1500.0
    # An incident of the same type this close to one handled this recently is a repeat.
    repeat_radius_m: float = 30.0
    repeat_window_h: float = 24.0
    # No robot is sent to a repeat within this many hours of the last visit (0: always send).
    cooldown_h: float = 2.0
    clean: CleanArea = field(default_factory=lambda: CleanArea(half_side_m=4.0, width_m=1.0))
    # Types a robot's finished response resolves by itself; the others wait for a person.
    auto_resolve_types: frozenset[IncidentType] = frozenset({IncidentType.LITTER})


class IncidentListener(Protocol):
    """Told when an incident changes."""

    def on_incident(self, incident: Incident) -> None:
        """The incident was saved: reported, moved along, closed or given evidence."""


class IncidentCore:
    """Keeps incidents: finds, saves and closes them, each change told and logged."""

    def __init__(
        self,
        *,
        store: Any,
        missions: MissionService,
        logbook: Logbook,
        policy: IncidentPolicy,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.missions = missions
        self.sites = missions.sites
        self.logbook = logbook
        self.policy = policy
        self.clock = clock
        self.listeners: list[IncidentListener] = []

    def get(self, incident_id: int) -> Incident:
        """One incident, or NotFound."""
        incident = self.store.get(Incident, incident_id)
        if incident is None:
            raise NotFound(INCIDENT_NOT_FOUND.of(incident=incident_id))
        return incident  # type: ignore[no-any-return]

    def _resolve(self, incident: Incident, note: Text, by: str) -> Incident:
        incident.status = IncidentStatus.RESOLVED
        incident.resolved_at = self.clock()
        incident.resolved_by = by
        incident.conclude(note)
        incident.explain(None)
        self._save(incident)
        self._log(incident, by, INCIDENT_RESOLVED.of(note=note))
        return incident

    def _await_confirmation(self, incident: Incident, note: Text) -> Incident:
        incident.status = IncidentStatus.AWAITING_CONFIRMATION
        incident.answered_at = self.clock()
        incident.conclude(note)
        incident.explain(None)
        self._save(incident)
        self._log(incident, "robot", INCIDENT_ANSWERED.of(note=note))
        return incident

    def _escalate(self, incident: Incident, why: Text, by: str) -> Incident:
        incident.status = IncidentStatus.ESCALATED
        incident.escalated_at = self.clock()
        incident.explain(why)
        self._save(incident)
        self._log(incident, by, INCIDENT_ESCALATED.of(reason=why))
        log.info("incident %s escalated: %s", incident.id, why)
        return incident

    def _save(self, incident: Incident) -> None:
        self.store.save(incident)
        for listener in self.listeners:
            listener.on_incident(incident)

    def _log(self, incident: Incident, actor: str, summary: str | Text) -> None:
        self.logbook.append(
            EntryKind.INCIDENT,
            site_id=incident.site_id,
            x=incident.x,
            y=incident.y,
            node=incident.node,
            robot=incident.robot,
            mission_id=incident.mission_id,
            incident_id=incident.id,
            actor=actor,
            summary=summary,
            details={
                "type": incident.type.value,
                "status": incident.status.value,
                "severity": incident.severity.value,
                "source": incident.source,
                "repeat_of": incident.repeat_of,
            },
        )
