"""Logbook entries for what robots did: checkpoint visits and announcements on their rounds, and
orders they ran that the server did not give them."""

from __future__ import annotations

from typing import Any

from fleet_server.fleet.models.robot import Robot, UnexpectedOrder
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.logbook_texts import (
    ANNOUNCED,
    CHECKPOINT_VISITED,
    UNEXPECTED_ORDER,
    action_outcome,
)
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.results import announcements
from fleet_server.sites.sites import SiteRegistry


class VisitRecorder:
    """Writes a checkpoint entry per finished visit, and an entry per announcement spoken."""

    def __init__(self, logbook: Logbook, sites: SiteRegistry) -> None:
        self.logbook = logbook
        self.sites = sites

    def on_mission(self, mission: Mission) -> None:
        """Missions changing are not logbook events; their visits are."""

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Record the visit, then each announcement it made."""
        x, y = self._where(mission, visit["node"])
        place: dict[str, Any] = {
            "site_id": mission.site_id,
            "x": x,
            "y": y,
            "node": visit["node"],
            "robot": mission.robot,
            "mission_id": mission.id,
            "incident_id": mission.definition.get("incident"),
        }
        self.logbook.append(
            EntryKind.CHECKPOINT,
            actor=mission.robot or "fleet",
            summary=CHECKPOINT_VISITED.of(
                kind=mission.kind,
                mission=mission.id,
                node=visit["node"],
                outcomes=[action_outcome(a) for a in visit["actions"]],
            ),
            details={
                "round": visit["round"],
                "reached_at": visit["reached_at"],
                "actions": visit["actions"],
            },
            **place,
        )
        for said in announcements(mission, visit):
            self.logbook.append(
                EntryKind.ANNOUNCEMENT,
                actor=mission.robot or "fleet",
                summary=ANNOUNCED.of(language=said.language, text=said.text),
                details={
                    "text": said.text,
                    "language": said.language,
                    "action_id": said.action_id,
                    "said_at": said.at,
                },
                **place,
            )

    def _where(self, mission: Mission, node: str) -> tuple[float, float]:
        spot = mission.definition.get("spot")
        if spot is not None:
            return float(spot[0]), float(spot[1])
        found = self.sites.get(mission.site_id).node(node)
        return found.x, found.y


class UnexpectedOrderRecorder:
    """Writes an entry each time a robot is found running an order it should not."""

    def __init__(self, logbook: Logbook) -> None:
        self.logbook = logbook

    def on_unexpected_order(self, robot: Robot, alert: UnexpectedOrder) -> None:
        """Record who ran what, where (the reconciler has sent cancelOrder)."""
        self.logbook.append(
            EntryKind.UNEXPECTED_ORDER,
            site_id=robot.map_id or "",
            x=robot.x,
            y=robot.y,
            robot=robot.serial_number,
            mission_id=alert.mission_id,
            actor="fleet",
            summary=UNEXPECTED_ORDER.of(robot=robot.serial_number, detail=alert.detail),
            details={"order_id": alert.order_id, "since": alert.since.isoformat()},
        )
