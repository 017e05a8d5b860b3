"""Times measured as missions and incidents move along: how long work waited in the queue, how
long a robot took to reach an incident, and how missions ended."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.missions.models.mission import FINISHED_STATUSES, Mission, MissionStatus
from fleet_server.settings import MISSION_KINDS

WAIT_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600)
RESPONSE_BUCKETS = (30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 3600)


class MissionTimes:
    """A MissionListener: the wait from creation to the first robot, and each mission's end."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.queue_wait = Histogram(
            "fleet_mission_queue_wait_seconds",
            "From a mission's creation to its first assignment to a robot",
            ["kind"],
            buckets=WAIT_BUCKETS,
            registry=registry,
        )
        self.finished = Counter(
            "fleet_missions_finished",
            "Missions that ended, by kind and how (completed, failed, cancelled)",
            ["kind", "status"],
            registry=registry,
        )
        # Every kind's series from the start, so that a dashboard has them before the first.
        for kind in MISSION_KINDS:
            self.queue_wait.labels(kind)
            for status in FINISHED_STATUSES:
                self.finished.labels(kind, status.value)
        # Unfinished missions already counted as assigned (a re-queued one is not counted again).
        self._assigned: set[int] = set()

    def on_mission(self, mission: Mission) -> None:
        """Count the first assignment and the end."""
        if mission.id is None:
            return
        if mission.status.finished:
            self._assigned.discard(mission.id)
            self.finished.labels(mission.kind, mission.status.value).inc()
            return
        first = mission.status is MissionStatus.ASSIGNED and mission.id not in self._assigned
        if first and mission.assigned_at is not None:
            self._assigned.add(mission.id)
            waited = (mission.assigned_at - mission.created_at).total_seconds()
            self.queue_wait.labels(mission.kind).observe(max(waited, 0.0))

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Checkpoint visits are not timed here."""


class IncidentTimes:
    """An IncidentListener: the response time, from the report to a robot on scene."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.response = Histogram(
            "fleet_incident_response_seconds",
            "From an incident's report to its robot being on scene",
            ["type"],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        for incident_type in IncidentType:
            self.response.labels(incident_type.value)
        self._on_scene: set[int] = set()

    def on_incident(self, incident: Incident) -> None:
        """Time the first arrival on scene."""
        if incident.id is None:
            return
        if incident.status.finished:
            self._on_scene.discard(incident.id)
            return
        arrived = incident.status is IncidentStatus.ON_SCENE and incident.id not in self._on_scene
        if arrived and incident.on_scene_at is not None:
            self._on_scene.add(incident.id)
            seconds = (incident.on_scene_at - incident.created_at).total_seconds()
            self.response.labels(incident.type.value).observe(max(seconds, 0.0))
