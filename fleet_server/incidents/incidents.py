"""Incident response: a report becomes a respond mission for the nearest capable robot, and the
incident follows that mission through open → dispatched → on_scene → awaiting_confirmation
(a person confirms) → resolved | escalated.

The service is built in layers: core (state, saving, the logbook, the end states) → tracking
(the respond mission's progress) → reporting (reports, repeats, sending a robot) → this module
(operators' controls and the overdue check)."""

from __future__ import annotations

from datetime import timedelta

from fleet_server.errors import Conflict
from fleet_server.incidents import reasons
from fleet_server.incidents.core import IncidentListener, IncidentPolicy
from fleet_server.incidents.logbook_texts import INCIDENT_DISPATCHED_BY
from fleet_server.incidents.models.incident import Incident, IncidentStatus
from fleet_server.incidents.reporting import IncidentReporting
from fleet_server.incidents.texts import (
    CANNOT_ESCALATE,
    CANNOT_RESOLVE,
    NOT_DISPATCHABLE,
    NOT_DISPATCHABLE_WITH_MISSION,
)
from fleet_server.texts import Phrase, figure

__all__ = ["IncidentListener", "IncidentPolicy", "IncidentService"]


class IncidentService(IncidentReporting):
    """Takes reports, sends robots, and keeps each incident's lifecycle and log entries."""

    def resolve(self, incident_id: int, note: str, by: str) -> Incident:
        """An operator closes the incident; a robot still on its way is called off."""
        said = reasons.OPERATOR_NOTE.of(note=note)
        incident = self._resolve(self._unfinished(incident_id, CANNOT_RESOLVE), said, by)
        self._call_off(incident)
        return incident

    def escalate(self, incident_id: int, note: str, by: str) -> Incident:
        """An operator hands the incident to people; a robot still on its way is called off."""
        said = reasons.OPERATOR_NOTE.of(note=note)
        incident = self._escalate(self._unfinished(incident_id, CANNOT_ESCALATE), said, by)
        self._call_off(incident)
        return incident

    def dispatch(self, incident_id: int, by: str) -> Incident:
        """An operator sends a robot to an incident a cool-down held, one escalated, or one a
        robot answered that the operator finds not resolved."""
        incident = self.get(incident_id)
        waiting = incident.status is IncidentStatus.OPEN and incident.mission_id is None
        again = (IncidentStatus.ESCALATED, IncidentStatus.AWAITING_CONFIRMATION)
        if not waiting and incident.status not in again:
            said = {"incident": incident_id, "incident_status": incident.status.value}
            if incident.mission_id:
                said["mission"] = incident.mission_id
                raise Conflict(NOT_DISPATCHABLE_WITH_MISSION.of(**said))
            raise Conflict(NOT_DISPATCHABLE.of(**said))
        incident.status = IncidentStatus.OPEN
        incident.explain(None)
        incident.escalated_at = None
        incident.answered_at = None
        self._save(incident)
        self._log(incident, by, INCIDENT_DISPATCHED_BY.of(by=by))
        self._dispatch(incident, self.sites.get(incident.site_id))
        return self.get(incident_id)

    def check_overdue(self) -> None:
        """Escalate incidents whose robot has not set off within the dispatch timeout."""
        limit = timedelta(seconds=self.policy.dispatch_timeout_s)
        now = self.clock()
        for incident in self.store.unfinished_incidents():
            if incident.status is not IncidentStatus.OPEN or incident.mission_id is None:
                continue
            if now - incident.created_at < limit:
                continue
            seconds = figure(self.policy.dispatch_timeout_s, 1)
            waiting = incident.why
            why = (
                reasons.OVERDUE_WAITING.of(seconds=seconds, why=waiting)
                if waiting
                else reasons.OVERDUE.of(seconds=seconds)
            )
            try:
                self._call_off(self._escalate(incident, why, "fleet"))
            except Exception as exc:
                # The others are still escalated; this one is tried again at the next check.
                self.missions.failures.record("incident check", f"incident {incident.id}", exc)

    def _unfinished(self, incident_id: int, refusal: Phrase) -> Incident:
        """The incident, unless it is finished (then Conflict, with this refusal)."""
        incident = self.get(incident_id)
        if incident.status.finished:
            status = incident.status.value
            raise Conflict(refusal.of(incident=incident_id, incident_status=status))
        return incident

    def _call_off(self, incident: Incident) -> None:
        """Cancel the respond mission of a closed incident if it is still under way (the
        incident being closed already, the cancellation does not change it)."""
        if incident.mission_id is None:
            return
        if not self.missions.get(incident.mission_id).status.finished:
            self.missions.cancel(incident.mission_id)
