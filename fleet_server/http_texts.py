"""Refusals the server's HTTP layer makes before a route is reached, as phrases."""

from __future__ import annotations

from fleet_server.texts import Phrase

BODY_TOO_LARGE = Phrase(
    "request.body_too_large", "request body too large: at most {limit} bytes are accepted"
)
