"""Why an incident waits or was escalated, and what the robot did about it, as phrases the
console words in the user's language (fleet_server.texts). The English is the API's `reason`
and `resolution`."""

from __future__ import annotations

from fleet_server.texts import Phrase

# An operator's own words, kept as typed (shown as they are in either language).
OPERATOR_NOTE = Phrase("incidentText.note", "{note}")

# Held or escalated by the fleet (incidents.reporting, incidents).
HELD_COOLDOWN = Phrase(
    "incidentText.held_cooldown",
    "cool-down: a robot visited incident {incident} here {ago} ago; dispatch it yourself or "
    "resolve it",
)
HOURS_MINUTES = Phrase("incidentText.hours_minutes", "{hours} h {minutes} min")
MINUTES = Phrase("incidentText.minutes", "{minutes} min")
NO_ROBOT_ABLE = Phrase(
    "incidentText.no_robot_able", "no online {robot_kind} robot on site {site} can do {actions}"
)
NO_ROBOT_WITHIN = Phrase(
    "incidentText.no_robot_within",
    "no {robot_kind} robot within {limit} m (the nearest is {nearest} m away)",
)
NO_ROBOT_REACHES = Phrase(
    "incidentText.no_robot_reaches", "no {robot_kind} robot can reach the incident"
)
OVERDUE = Phrase("incidentText.overdue", "no robot set off within {seconds} s")
OVERDUE_WAITING = Phrase(
    "incidentText.overdue_waiting", "no robot set off within {seconds} s ({why})"
)

# What the robot did (incidents.tracking).
FINISHED = Phrase("incidentText.finished", "robot {robot} finished: {actions}")
CLEANED_AROUND = Phrase("incidentText.cleaned_around", "cleaned around the spot")
ACTION_DONE = Phrase("incidentText.action_done", "{action_type}")
ACTION_RESULT = Phrase("incidentText.action_result", "{action_type} ({result})")
ACTION_ENDED = Phrase("incidentText.action_ended", "{action_type} ({action_status})")
NOT_FINISHED = Phrase("incidentText.not_finished", "robot {robot} could not finish: {actions}")
MISSION_ENDED = Phrase("incidentText.mission_ended", "mission {mission} {status}: {why}")
