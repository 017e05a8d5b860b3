"""Whether the whole fleet runs, is paused or is recalled, and which queued work that holds back
(no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from fleet_server.missions import reasons
from fleet_server.missions.models.mission import Mission
from fleet_server.texts import Text

# Set in a dock mission's definition when a fleet recall made it (who recalled).
RECALL = "recall"


class FleetMode(str, Enum):
    """The fleet-wide state an operator set."""

    RUNNING = "running"
    PAUSED = "paused"
    RECALLED = "recalled"


@dataclass(frozen=True)
class FleetHold:
    """The fleet's mode, since when and by whom; dispatch asks it which missions wait."""

    mode: FleetMode = FleetMode.RUNNING
    since: datetime | None = None
    by: str | None = None

    def holds(self, mission: Mission) -> Text | None:
        """Why a queued mission may not be assigned now, or None if it may."""
        if self.mode is FleetMode.RUNNING:
            return None
        if self.mode is FleetMode.RECALLED and mission.definition.get(RECALL):
            # The recall's own dock missions are what a recalled fleet does.
            return None
        return reasons.WAITING_FLEET.of(mode=self.mode.value, user=self.by)
