"""The alerts' refusals, as codes with parameters (fleet_server.texts); each alert kind's own
words are in alerts.texts."""

from __future__ import annotations

from fleet_server.texts import Phrase

ALERT_NOT_FOUND = Phrase("alert.not_found", "unknown alert {alert}")
