"""The fleet's refusals (robots, their logins and their history), as codes with parameters
(fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

ROBOT_NOT_FOUND = Phrase("robot.not_found", "unknown robot {robot!r}")
ROBOT_EXISTS = Phrase("robot.exists", "robot {robot!r} already exists")
PASSWORD_ISSUED = Phrase("robot.password_issued", "robot {robot} has a new password")
LOGIN_REVOKED = Phrase("robot.login_revoked", "robot {robot}'s MQTT login was revoked")
BROKER_NOT_UPDATED = Phrase(
    "robot.broker_not_updated", "{done}, but the broker was not updated: {problem}"
)
SINCE_AFTER_UNTIL = Phrase("robot.since_after_until", "since {since} is after until {until}")
SINCE_NOT_BEFORE_UNTIL = Phrase(
    "robot.since_not_before_until", "since {since} is not before {until}"
)
SPAN_TOO_LONG = Phrase("robot.span_too_long", "since is more than 7 days before until")
