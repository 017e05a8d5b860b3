"""Completed missions counted on their robot's day in the fleet's activity (a mission listener)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fleet_server.fleet.activity import ActivityTracker
from fleet_server.missions.models.mission import Mission, MissionStatus


class MissionActivity:
    """A mission listener that counts each mission once, when it becomes completed."""

    def __init__(self, tracker: ActivityTracker, clock: Callable[[], datetime]) -> None:
        self.tracker = tracker
        self.clock = clock
        # Missions seen unfinished: only their change to completed counts (once, then forgotten).
        self._open: set[int] = set()

    def on_mission(self, mission: Mission) -> None:
        """Count the mission on its robot's day if it just completed."""
        if mission.id is None:
            return
        if mission.status is not MissionStatus.COMPLETED:
            if mission.status in (MissionStatus.FAILED, MissionStatus.CANCELLED):
                self._open.discard(mission.id)
            else:
                self._open.add(mission.id)
            return
        if mission.id not in self._open or mission.robot is None:
            return
        self._open.discard(mission.id)
        when = mission.finished_at or self.clock()
        self.tracker.mission_completed(mission.robot, when, mission.site_id)

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Visits are not counted here."""
