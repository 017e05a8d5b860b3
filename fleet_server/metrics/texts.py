"""The metrics endpoint's refusal, as a code (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

METRICS_OFF = Phrase("metrics.off", "metrics are off: set FLEET_METRICS_ENABLED=true to serve them")
