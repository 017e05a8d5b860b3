"""The logbook's sentences: each kind of entry's summary as a phrase, so the console words it in
the reader's language; the English stays the entry's summary.

A parameter that is another sentence (an incident's reason, a resolution) may be a `Text` or,
until its writer gives one, the English alone.
"""

from __future__ import annotations

from typing import Any

from fleet_server.texts import Phrase, Text

# Incidents.
INCIDENT_REPORTED = Phrase("logbook.incident_reported", "{type} reported by {source}")
INCIDENT_REPORTED_AGAIN = Phrase(
    "logbook.incident_reported_again", "{type} reported by {source}; repeat of {repeat_of}"
)
INCIDENT_HELD = Phrase("logbook.incident_held", "held: {reason}")
INCIDENT_DISPATCHED_BY = Phrase("logbook.incident_dispatched_by", "dispatched by {by}")
INCIDENT_ROBOT_SENT = Phrase("logbook.incident_robot_sent", "robot {robot} sent")
INCIDENT_ROBOT_ON_SCENE = Phrase("logbook.incident_robot_on_scene", "robot {robot} on scene")
INCIDENT_ANSWERED = Phrase(
    "logbook.incident_answered", "answered, awaiting an operator's confirmation: {note}"
)
INCIDENT_RESOLVED = Phrase("logbook.incident_resolved", "resolved: {note}")
INCIDENT_ESCALATED = Phrase("logbook.incident_escalated", "escalated: {reason}")

# What robots did on their rounds.
CHECKPOINT_VISITED = Phrase(
    "logbook.checkpoint_visited", "{kind} mission {mission} at {node}: {outcomes}"
)
ACTION_FINISHED = Phrase("logbook.action_finished", "{action_type} finished")
ACTION_FAILED = Phrase("logbook.action_failed", "{action_type} failed")
ANNOUNCED = Phrase("logbook.announced", "announced ({language}): {text}")
UNEXPECTED_ORDER = Phrase("logbook.unexpected_order", "robot {robot} {detail}")
PHOTO_RECEIVED = Phrase(
    "logbook.photo_received",
    "photo {photo} received from {robot}: {size_bytes} bytes {media_type}, SHA-256 {sha256}",
)

# Fleet-wide actions, one phrase per action.
FLEET_PAUSED = Phrase(
    "logbook.fleet_paused",
    "fleet pause by {by}: {count} robots on this site, fleet now {fleet_mode}",
)
FLEET_RESUMED = Phrase(
    "logbook.fleet_resumed",
    "fleet resume by {by}: {count} robots on this site, fleet now {fleet_mode}",
)
FLEET_RECALLED = Phrase(
    "logbook.fleet_recalled",
    "fleet recall by {by}: {count} robots on this site, fleet now {fleet_mode}",
)


def action_outcome(action: dict[str, Any]) -> Text:
    """How one action of a finished checkpoint visit ended ("announce finished")."""
    if action["status"] == "FAILED":
        return ACTION_FAILED.of(action_type=action["type"])
    return ACTION_FINISHED.of(action_type=action["type"])
