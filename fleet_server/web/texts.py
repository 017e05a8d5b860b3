"""Who may call the API: its refusals of callers, as codes with parameters (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

NOT_AUTHENTICATED = Phrase(
    "web.not_authenticated", "not authenticated: send a bearer token or an X-API-Key header"
)
NOT_A_ROBOT = Phrase(
    "web.not_a_robot",
    "not authenticated: send the robot's MQTT login (serial number, password) as Basic",
)
ROLE_REFUSED = Phrase("web.role_refused", "role {role} may not do this; allowed: {roles}")
