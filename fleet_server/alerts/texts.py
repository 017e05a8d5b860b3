"""Each alert kind's words: its code for the console (which words it in zh or en) and the English
message the API keeps beside it for integrators."""

from __future__ import annotations

from typing import Any

from fleet_server.alerts.models import AlertKind

ENGLISH = {
    AlertKind.INCIDENT_REPORTED: "incident {incident} reported: {type}, severity {severity}",
    AlertKind.INCIDENT_ESCALATED: "incident {incident} ({type}) escalated to a person: {reason}",
    AlertKind.INCIDENT_HELD: (
        "incident {incident} ({type}) held by the cool-down: a robot visited incident "
        "{earlier} here recently; dispatch it or resolve it"
    ),
    AlertKind.ROBOT_ERROR: "robot {robot} reports {level} error {error_type}: {description}",
    AlertKind.ROBOT_OFFLINE: "robot {robot} went offline during mission {mission} ({reason})",
    AlertKind.FOREIGN_ORDER: (
        "robot {robot} runs order {order}, which the server does not stand behind; "
        "cancelOrder sent"
    ),
    AlertKind.LOW_BATTERY: "robot {robot}'s battery is at {battery} %, below {threshold:g} %",
}


def code_of(kind: AlertKind) -> str:
    """The code the console looks its words up by: alert.<kind>."""
    return f"alert.{kind.value}"


def english(kind: AlertKind, params: dict[str, Any]) -> str:
    """The kind's English message with its parameters filled in."""
    return ENGLISH[kind].format(**params)
