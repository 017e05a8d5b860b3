"""Queue wait and incident response times: each mission's first assignment and each incident's
first arrival on scene counted once, however often they change afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from prometheus_client import CollectorRegistry

from fleet_server.incidents.models.incident import Incident, IncidentStatus, IncidentType
from fleet_server.metrics.watchers import IncidentTimes, MissionTimes
from fleet_server.missions.models.mission import Mission, MissionStatus

START = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_a_requeued_mission_counts_its_wait_once_and_its_end_once() -> None:
    registry = CollectorRegistry()
    times = MissionTimes(registry)
    mission = Mission(id=4, kind="patrol", site_id="square", created_at=START)
    times.on_mission(mission)  # queued
    mission.status, mission.assigned_at = MissionStatus.ASSIGNED, START + timedelta(seconds=40)
    times.on_mission(mission)
    mission.status = MissionStatus.RUNNING
    times.on_mission(mission)
    # Its robot was lost: back in the queue, then another robot.
    mission.status = MissionStatus.QUEUED
    times.on_mission(mission)
    mission.status, mission.assigned_at = MissionStatus.ASSIGNED, START + timedelta(seconds=900)
    times.on_mission(mission)
    mission.status = MissionStatus.COMPLETED
    times.on_mission(mission)

    wait = "fleet_mission_queue_wait_seconds"
    assert _value(registry, f"{wait}_count", kind="patrol") == 1
    assert _value(registry, f"{wait}_sum", kind="patrol") == 40.0
    ended = "fleet_missions_finished_total"
    assert _value(registry, ended, kind="patrol", status="completed") == 1
    assert _value(registry, ended, kind="clean", status="completed") == 0


def test_an_incident_counts_its_response_time_once() -> None:
    registry = CollectorRegistry()
    times = IncidentTimes(registry)
    incident = Incident(
        id=9,
        type=IncidentType.STREET_VENDING,
        site_id="square",
        x=0.0,
        y=0.0,
        node="A",
        source="camera-1",
        reported_by="camera",
        created_at=START,
    )
    times.on_incident(incident)
    incident.status, incident.dispatched_at = IncidentStatus.DISPATCHED, START
    times.on_incident(incident)
    incident.status = IncidentStatus.ON_SCENE
    incident.on_scene_at = START + timedelta(seconds=150)
    times.on_incident(incident)
    incident.evidence = ["photo-1"]
    times.on_incident(incident)  # evidence added while on scene
    incident.status = IncidentStatus.RESOLVED
    times.on_incident(incident)

    response = "fleet_incident_response_seconds"
    assert _value(registry, f"{response}_count", type="street_vending") == 1
    assert _value(registry, f"{response}_sum", type="street_vending") == 150.0
