"""What a simulated robot does for a goal: drive a route, dock, undock; advanced tick by tick.

Driving is the fleet simulator's Body, paid for by its SimBattery, in wall time times the
robot's speed factor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fleet_sim_robot.outcomes import (
    CANCELLED,
    DOCK_NOT_IN_DB,
    DOCK_NOT_VALID,
    FAILED_TO_MAKE_PROGRESS,
    FAILED_TO_STAGE,
    InjectedFailure,
    Outcome,
)
from robot_agent.driver import Pose
from simulation.power import DOCK_REACH, DOCKING_SECONDS

if TYPE_CHECKING:
    from fleet_sim_robot.base import SimBase

log = logging.getLogger(__name__)

UNDOCKING_SECONDS = 2.0  # sim seconds to back off a dock


def _ignore(index: int) -> None:
    """Poses reached are counted by the route itself."""


class Route:
    """Driving through poses, as NavigateThroughPoses does: the last pose's heading is kept."""

    def __init__(
        self, base: SimBase, poses: Sequence[Pose], failure: InjectedFailure | None
    ) -> None:
        self._base = base
        self.poses = list(poses)
        self.index = 0  # the next pose to reach
        self.failure = failure
        self._limit = len(self.poses) if failure is None else min(failure.after_poses, len(poses))
        self.outcome: Outcome | None = None
        self.started = base.clock()
        self._last = base.start_driving()

    def advance(self) -> Outcome | None:
        """Drive on to now."""
        if self.outcome is not None:
            return self.outcome
        base = self._base
        now = base.clock()
        seconds, self._last = (now - self._last) * base.speed_factor, now
        self.index = base.body.advance(
            self.poses, self.index, seconds, base.cruise_speed(), _ignore, self._limit
        )
        if base.battery.level() <= 0:
            return self._end(Outcome(False, FAILED_TO_MAKE_PROGRESS, "battery empty"))
        if self.index >= len(self.poses):
            return self._end(Outcome(True))
        if self.failure is not None and self.index >= self._limit:
            return self._end(Outcome(False, self.failure.code, self.failure.message))
        return None

    def cancel(self) -> None:
        """Stop where the robot is."""
        if self.outcome is None:
            self._end(CANCELLED)

    @property
    def poses_remaining(self) -> int:
        """Nav2's count: poses not yet passed, the last one until the goal succeeds."""
        if self.outcome is not None and self.outcome.succeeded:
            return 0
        return max(1, len(self.poses) - self.index)

    def distance_remaining(self) -> float:
        """Metres along the route still to drive."""
        body, total = self._base.body, 0.0
        x, y = body.x, body.y
        for pose in self.poses[self.index :]:
            total += math.hypot(pose.x - x, pose.y - y)
            x, y = pose.x, pose.y
        return total

    def seconds_remaining(self) -> float:
        """Wall seconds still to drive and turn."""
        base = self._base
        sim = base.body.seconds_to(self.poses, self.index, base.cruise_speed(), len(self.poses))
        return sim / base.speed_factor

    def _end(self, outcome: Outcome) -> Outcome:
        self.outcome = outcome
        self._base.stop_driving()
        return outcome


class Docking:
    """DockRobot: to the dock if it is in reach of a staging drive, then onto it to charge."""

    def __init__(
        self,
        base: SimBase,
        dock_id: str | None,
        x: float,
        y: float,
        navigate: bool,
        failure: InjectedFailure | None,
    ) -> None:
        self._base = base
        self._route: Route | None = None
        self._load: int | None = None
        self._end_at = 0.0
        self.dock_id = dock_id
        self.failure = failure
        self.outcome: Outcome | None = None
        if failure is not None:
            self.outcome = Outcome(False, failure.code, failure.message)
            return
        found = self._find(dock_id, x, y)
        if isinstance(found, Outcome):
            self.outcome = found
            return
        self.dock_id, (dock_x, dock_y) = found
        here = base.pose()
        distance = math.hypot(dock_x - here.x, dock_y - here.y)
        if distance > DOCK_REACH:
            if not navigate:
                self.outcome = Outcome(
                    False, FAILED_TO_STAGE, f"{distance:.1f} m from dock {self.dock_id}"
                )
                return
            heading = math.atan2(dock_y - here.y, dock_x - here.x)
            self._route = base.drive([Pose(dock_x, dock_y, heading, here.map_id)])
        else:
            self._start_docking()

    def _find(
        self, dock_id: str | None, x: float, y: float
    ) -> tuple[str, tuple[float, float]] | Outcome:
        docks = self._base.docks
        if dock_id is not None:
            if dock_id not in docks:
                known = ", ".join(sorted(docks)) or "none"
                return Outcome(False, DOCK_NOT_IN_DB, f"no dock {dock_id!r} (docks: {known})")
            return dock_id, docks[dock_id]
        if not docks:  # no site: wherever the robot is asked to dock is a dock
            return "dock", (x, y)
        nearest = min(docks, key=lambda name: math.dist(docks[name], (x, y)))
        if math.dist(docks[nearest], (x, y)) > DOCK_REACH:
            return Outcome(False, DOCK_NOT_VALID, f"no dock at ({x:.1f}, {y:.1f})")
        return nearest, docks[nearest]

    def _start_docking(self) -> None:
        base = self._base
        self._load = base.battery.add_load(base.battery.figures.work("dock"))
        self._end_at = base.clock() + DOCKING_SECONDS / base.speed_factor

    def advance(self) -> Outcome | None:
        """Drive to the dock, then dock."""
        if self.outcome is not None:
            return self.outcome
        base = self._base
        if self._route is not None:
            reached = self._route.advance()
            if reached is None:
                return None
            self._route = None
            if not reached.succeeded:
                return self._end(Outcome(False, FAILED_TO_STAGE, reached.error_msg))
            self._start_docking()
        if base.battery.level() <= 0:
            return self._end(Outcome(False, FAILED_TO_STAGE, "battery empty"))
        if base.clock() < self._end_at:
            return None
        outcome = self._end(Outcome(True))
        base.docked = self.dock_id
        base.battery.start_charging(until=100.0)
        log.info("%s docked on %s, charging", base.serial_number, self.dock_id)
        return outcome

    def cancel(self) -> None:
        """Stop docking."""
        if self._route is not None:
            self._route.cancel()
        if self.outcome is None:
            self._end(CANCELLED)

    def _end(self, outcome: Outcome) -> Outcome:
        self.outcome = outcome
        if self._load is not None:
            self._base.battery.remove_load(self._load, at=self._end_at)
            self._load = None
        return outcome


class Undocking:
    """UndockRobot: off the charger at once, clear of the dock after a moment."""

    def __init__(self, base: SimBase) -> None:
        self._base = base
        base.leave_dock()
        self._end_at = base.clock() + UNDOCKING_SECONDS / base.speed_factor
        self.outcome: Outcome | None = None

    def advance(self) -> Outcome | None:
        """Wait until clear of the dock."""
        if self.outcome is None and self._base.clock() >= self._end_at:
            self.outcome = Outcome(True)
        return self.outcome

    def cancel(self) -> None:
        """Stop backing off."""
        if self.outcome is None:
            self.outcome = CANCELLED
