"""Alerts from incidents: each one reported, each escalation to a person, each hold by the
cool-down; told by the incident service (an IncidentListener), each raised once."""

from __future__ import annotations

from datetime import datetime

from fleet_server.alerts.alerts import AlertDraft, AlertService
from fleet_server.alerts.models import AlertKind, AlertSeverity
from fleet_server.incidents.models.incident import Incident, IncidentStatus, Severity

SEVERITY = {
    Severity.LOW: AlertSeverity.LOW,
    Severity.MEDIUM: AlertSeverity.MEDIUM,
    Severity.HIGH: AlertSeverity.HIGH,
}


class IncidentAlerts:
    """Reads each saved incident for the changes an operator must hear of.

    An incident is saved at every step; what was already raised is read back from the inbox, so
    a later save (evidence, a restart) raises nothing twice."""

    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts

    def on_incident(self, incident: Incident) -> None:
        """Raise what this save of the incident means: reported, held or escalated."""
        if incident.id is None:
            return
        if incident.status is IncidentStatus.ESCALATED:
            self._escalated(incident, incident.id)
            return
        # Saved first as reported: open, no robot sent yet (and not raised before).
        fresh = incident.status is IncidentStatus.OPEN and incident.dispatched_at is None
        if fresh and self.alerts.store.latest(AlertKind.INCIDENT_REPORTED, incident.id) is None:
            self._raise(incident, AlertKind.INCIDENT_REPORTED, SEVERITY[incident.severity])
        # A report the cool-down holds waits, with its reason, for a person and no robot.
        held = (
            incident.status is IncidentStatus.OPEN
            and incident.mission_id is None
            and incident.reason is not None
            and incident.repeat_of
        )
        if held and self.alerts.store.latest(AlertKind.INCIDENT_HELD, incident.id) is None:
            self._raise(
                incident,
                AlertKind.INCIDENT_HELD,
                AlertSeverity.MEDIUM,
                earlier=incident.repeat_of[-1],
            )

    def _escalated(self, incident: Incident, incident_id: int) -> None:
        escalated_at = incident.escalated_at
        last = self.alerts.store.latest(AlertKind.INCIDENT_ESCALATED, incident_id)
        if escalated_at is None or (last is not None and last.last_at >= escalated_at):
            return
        self._raise(
            incident,
            AlertKind.INCIDENT_ESCALATED,
            AlertSeverity.HIGH,
            at=escalated_at,
            reason=incident.why or "",
        )

    def _raise(
        self,
        incident: Incident,
        kind: AlertKind,
        severity: AlertSeverity,
        at: datetime | None = None,
        **more: object,
    ) -> None:
        self.alerts.raise_alert(
            AlertDraft(
                kind=kind,
                severity=severity,
                params={
                    "incident": incident.id,
                    "type": incident.type.value,
                    "severity": incident.severity.value,
                    "site": incident.site_id,
                    **more,
                },
                site_id=incident.site_id,
                robot=incident.robot,
                incident_id=incident.id,
                mission_id=incident.mission_id,
                at=at,
            )
        )
