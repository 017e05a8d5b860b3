"""Each alert kind's words: a phrase (fleet_server.texts) whose code the console words in zh or
en, and whose English the API keeps beside it for integrators."""

from __future__ import annotations

from typing import Any

from fleet_server.alerts.models import AlertKind
from fleet_server.texts import Phrase, Text

INCIDENT_REPORTED = Phrase(
    "alert.incident_reported", "incident {incident} reported: {type}, severity {severity}"
)
INCIDENT_ESCALATED = Phrase(
    "alert.incident_escalated", "incident {incident} ({type}) escalated to a person: {reason}"
)
INCIDENT_HELD = Phrase(
    "alert.incident_held",
    "incident {incident} ({type}) held by the cool-down: a robot visited incident {earlier} here "
    "recently; dispatch it or resolve it",
)
ROBOT_ERROR = Phrase(
    "alert.robot_error", "robot {robot} reports {level} error {error_type}: {description}"
)
ROBOT_OFFLINE = Phrase(
    "alert.robot_offline", "robot {robot} went offline during mission {mission} ({reason})"
)
FOREIGN_ORDER = Phrase(
    "alert.foreign_order",
    "robot {robot} runs order {order}, which the server does not stand behind; cancelOrder sent",
)
LOW_BATTERY = Phrase(
    "alert.low_battery", "robot {robot}'s battery is at {battery} %, below {threshold:g} %"
)

PHRASES = {
    AlertKind.INCIDENT_REPORTED: INCIDENT_REPORTED,
    AlertKind.INCIDENT_ESCALATED: INCIDENT_ESCALATED,
    AlertKind.INCIDENT_HELD: INCIDENT_HELD,
    AlertKind.ROBOT_ERROR: ROBOT_ERROR,
    AlertKind.ROBOT_OFFLINE: ROBOT_OFFLINE,
    AlertKind.FOREIGN_ORDER: FOREIGN_ORDER,
    AlertKind.LOW_BATTERY: LOW_BATTERY,
}


def code_of(kind: AlertKind) -> str:
    """The code the console looks its words up by: alert.<kind>."""
    return PHRASES[kind].code


def said(kind: AlertKind, params: dict[str, Any]) -> Text:
    """The kind's sentence with its parameters filled in."""
    return PHRASES[kind].of(**params)
