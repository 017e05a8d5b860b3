"""Following an incident's respond mission: the robot sent, on scene, its evidence and words
kept, and the incident awaiting a person's confirmation (or resolved, for the types that need no
review) or escalated as the mission ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fleet_server.incidents import reasons
from fleet_server.incidents.core import IncidentCore
from fleet_server.incidents.logbook_texts import INCIDENT_ROBOT_ON_SCENE, INCIDENT_ROBOT_SENT
from fleet_server.incidents.models.incident import Incident, IncidentStatus
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.results import announcements
from fleet_server.texts import Text

EVIDENCE_ACTIONS = frozenset({"capturePhoto"})


class IncidentTracking(IncidentCore):
    """Listens to the missions and moves each incident along with its respond mission."""

    def on_mission(self, mission: Mission) -> None:
        """Move the incident along as its respond mission goes."""
        incident_id = mission.definition.get("incident")
        if mission.kind != "respond" or incident_id is None:
            return
        incident = self.store.get(Incident, incident_id)
        if incident is None or incident.status.finished or incident.mission_id != mission.id:
            return
        if incident.status is IncidentStatus.AWAITING_CONFIRMATION:
            return  # answered already: a person decides from here
        if mission.status.finished:
            self._mission_ended(incident, mission)
            return
        if mission.robot and incident.status is IncidentStatus.OPEN:
            incident.status = IncidentStatus.DISPATCHED
            incident.robot = mission.robot
            incident.dispatched_at = self.clock()
            incident.explain(None)
            self._save(incident)
            self._log(incident, mission.robot, INCIDENT_ROBOT_SENT.of(robot=mission.robot))
        elif incident.status is IncidentStatus.OPEN and mission.reason != incident.reason:
            incident.explain(mission.why)
            self._save(incident)
        if incident.status is IncidentStatus.DISPATCHED and _on_scene(mission):
            incident.status = IncidentStatus.ON_SCENE
            incident.on_scene_at = _arrived_at(mission) or self.clock()
            self._save(incident)
            self._log(
                incident, mission.robot or "fleet", INCIDENT_ROBOT_ON_SCENE.of(robot=mission.robot)
            )

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Keep the evidence (photo ids) a respond mission's actions reported, and the words
        its robot spoke."""
        incident_id = mission.definition.get("incident")
        if mission.kind != "respond" or incident_id is None:
            return
        incident = self.store.get(Incident, incident_id)
        if incident is None:
            return
        evidence = [
            a["result"]
            for a in visit["actions"]
            if a["type"] in EVIDENCE_ACTIONS and a["status"] == "FINISHED" and a["result"]
        ]
        spoken = [
            {"text": said.text, "language": said.language, "at": said.at, "robot": mission.robot}
            for said in announcements(mission, visit)
        ]
        if evidence or spoken:
            incident.evidence = [*incident.evidence, *evidence]
            incident.spoken = [*incident.spoken, *spoken]
            self._save(incident)

    def _mission_ended(self, incident: Incident, mission: Mission) -> None:
        if mission.status is MissionStatus.COMPLETED:
            failed = [
                a
                for visit in mission.results.get("checkpoints", [])
                for a in visit["actions"]
                if a["status"] != "FINISHED"
            ]
            if not failed:
                done = reasons.FINISHED.of(robot=mission.robot, actions=_done_actions(mission))
                if incident.type in self.policy.auto_resolve_types:
                    self._resolve(incident, done, "robot")
                else:
                    self._await_confirmation(incident, done)
                return
            what = [_action(a, a["result"] or a["status"].lower()) for a in failed]
            self._escalate(
                incident, reasons.NOT_FINISHED.of(robot=mission.robot, actions=what), "fleet"
            )
            return
        ended = reasons.MISSION_ENDED.of(
            mission=mission.id, status=mission.status.value, why=mission.why
        )
        self._escalate(incident, ended, "fleet")


def _on_scene(mission: Mission) -> bool:
    """Whether the robot has reached the incident (the stop with the actions, or the lanes)."""
    visits = mission.results.get("checkpoints", [])
    if visits:
        return visits[0]["reached_at"] is not None
    return mission.nodes_passed >= mission.approach_nodes > 0


def _arrived_at(mission: Mission) -> datetime | None:
    """When the robot reached the incident's stop, as its results recorded it (the same moment
    its actions there are timed from; a cleaning's lanes have no stop: None)."""
    visits = mission.results.get("checkpoints", [])
    reached = visits[0]["reached_at"] if visits else None
    return datetime.fromisoformat(reached) if reached else None


def _done_actions(mission: Mission) -> list[Text]:
    actions = [a for v in mission.results.get("checkpoints", []) for a in v["actions"]]
    if not actions:
        return [reasons.CLEANED_AROUND.of()]
    return [_action(a, a["result"]) for a in actions]


def _action(action: dict[str, Any], result: str | None) -> Text:
    """An action with how it ended: the robot's result, or its status's word."""
    if not result:
        return reasons.ACTION_DONE.of(action_type=action["type"])
    if result == action["status"].lower():
        return reasons.ACTION_ENDED.of(action_type=action["type"], action_status=action["status"])
    return reasons.ACTION_RESULT.of(action_type=action["type"], result=result)
