"""What the fleet does about each type of incident: which kind of robot goes, and what it does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import box

from fleet_protocol.kinds import RobotKind
from fleet_server.incidents.models.incident import Incident, IncidentType
from fleet_server.missions.actions import MissionAction

# The polite requests a robot speaks when the report brings no text of its own.
DEFAULT_REQUESTS: dict[IncidentType, tuple[str, str]] = {
    IncidentType.STREET_VENDING: (
        "您好，这里是人行道，请勿占道经营。请将摊位移至指定经营区域，谢谢您的配合。",
        "Hello. This pavement must stay clear, so please do not trade here. "
        "Kindly move your stall to a designated market area. Thank you.",
    ),
    IncidentType.CROWD: (
        "您好，此处人员较多，请注意安全，有序通行，谢谢您的配合。",
        "Hello. It is crowded here. Please take care and keep moving in an orderly way. Thank you.",
    ),
}


@dataclass(frozen=True)
class Response:
    """The robot kind an incident type needs, and whether it speaks, photographs or cleans."""

    robot_kind: RobotKind
    speak: bool = False
    photograph: bool = False
    clean: bool = False


RESPONSES: dict[IncidentType, Response] = {
    IncidentType.STREET_VENDING: Response(RobotKind.PATROL_DOG, speak=True, photograph=True),
    IncidentType.CROWD: Response(RobotKind.PATROL_DOG, speak=True, photograph=True),
    IncidentType.LITTER: Response(RobotKind.SANITATION, clean=True),
    IncidentType.OTHER: Response(RobotKind.PATROL_DOG, photograph=True),
}


@dataclass(frozen=True)
class CleanArea:
    """How a sanitation robot cleans around a litter spot."""

    half_side_m: float
    width_m: float
    mode: str = "sweep"


def spoken(incident: Incident) -> list[tuple[str, str]]:
    """What the robot says, as (language, text): Chinese first, then English."""
    default_zh, default_en = DEFAULT_REQUESTS.get(incident.type, (None, None))
    lines = [("zh", incident.text or default_zh), ("en", incident.text_en or default_en)]
    return [(language, text) for language, text in lines if text]


def response_actions(incident: Incident, response: Response) -> list[MissionAction]:
    """The actions at the scene: announcements (zh, then en) and a photo for the record."""
    actions = []
    if response.speak or incident.text or incident.text_en:
        actions += [
            MissionAction(type="announce", params={"text": text, "language": language})
            for language, text in spoken(incident)
        ]
    if response.photograph:
        actions.append(MissionAction(type="capturePhoto", params={"direction": "front"}))
    return actions


def respond_definition(
    incident: Incident, response: Response, clean: CleanArea, max_distance_m: float | None
) -> dict[str, Any]:
    """The respond mission's definition for an incident (what compile_mission reads)."""
    definition: dict[str, Any] = {
        "incident": incident.id,
        "robot_kind": response.robot_kind.value,
        "max_distance_m": max_distance_m,
    }
    if response.clean:
        square = box(
            incident.x - clean.half_side_m,
            incident.y - clean.half_side_m,
            incident.x + clean.half_side_m,
            incident.y + clean.half_side_m,
        )
        return definition | {
            "response": "clean",
            "area": [list(p) for p in list(square.exterior.coords)[:-1]],
            "width": clean.width_m,
            "mode": clean.mode,
        }
    return definition | {
        "response": "attend",
        "checkpoints": [
            {
                "node": incident.node,
                "actions": [a.model_dump() for a in response_actions(incident, response)],
                "on_failure": "skip",
            }
        ],
    }
