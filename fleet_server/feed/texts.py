"""Who may watch the live feed: its refusals, as codes with parameters (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

NOT_AUTHENTICATED = Phrase(
    "feed.not_authenticated", "not authenticated: pass ?token=<login token> or ?key=<API key>"
)
ROLE_REFUSED = Phrase("feed.role_refused", "role {role} may not watch the fleet; allowed: {roles}")
