"""The simulated robot without ROS: routes, docking, the cleaning deck, speech and the battery.

The kinematics and the battery are the fleet simulator's own (simulation.motion.Body,
simulation.battery.SimBattery, the kind's profile and energy figures), run here in wall time
times the speed factor. Nav2's goals become activities, advanced by the node's timer; each ends
with an Outcome carrying Nav2's error code.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from robot_agent.driver import Pose
from robot_agent.speech import speech_seconds
from simulation.battery import SimBattery
from simulation.motion import Body
from simulation.power import DOCK_REACH, DOCKING_SECONDS
from simulation.profiles import profile_for
from simulation.ros_spec import RobotSpec

log = logging.getLogger(__name__)

UNDOCKING_SECONDS = 2.0  # sim seconds to back off a dock

# Nav2's codes the simulated robot gives itself (nav2_msgs FollowPath and DockRobot results).
FAILED_TO_MAKE_PROGRESS = 105  # the battery ran empty on the way
DOCK_NOT_IN_DB = 901
DOCK_NOT_VALID = 902
FAILED_TO_STAGE = 903


@dataclass(frozen=True)
class Outcome:
    """How a goal ended: success, or Nav2's error code and message."""

    succeeded: bool
    error_code: int = 0
    error_msg: str = ""


CANCELLED = Outcome(False, 0, "cancelled")


@dataclass(frozen=True)
class InjectedFailure:
    """A failure asked for by a test or an operator: Nav2's code, after so many poses."""

    code: int
    message: str
    after_poses: int = 0


class Activity(Protocol):
    """A goal's work on the robot, advanced by the node's timer."""

    def advance(self) -> Outcome | None:
        """Move on to now; the outcome once it has ended."""

    def cancel(self) -> None:
        """Stop where it is."""


def _ignore(index: int) -> None:
    """Poses reached are counted by the route itself."""


class SimBase:
    """One robot's body, battery, deck, dock and speaker."""

    def __init__(
        self,
        spec: RobotSpec,
        speed_factor: float,
        docks: Mapping[str, tuple[float, float]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed_factor <= 0:
            raise ValueError(f"speed_factor must be positive, got {speed_factor}")
        self.serial_number = spec.serial_number
        self.kind = spec.kind
        self.profile = profile_for(spec.kind)
        self.speed_factor = speed_factor
        self.clock = clock
        self.docks = dict(docks)
        self.battery = SimBattery(spec.energy, speed_factor, spec.battery, clock)
        start = Pose(spec.x, spec.y, spec.theta, spec.map_id)
        self.body = Body(start, self.profile.turn_rate, self.battery)
        self.speed_limit: float | None = None  # m/s, from Nav2's SpeedLimit
        self.docked: str | None = None
        self.spoken: list[str] = []
        self._deck_load: int | None = None
        self._speech_loads: list[tuple[float, int]] = []  # (wall end, load id)
        self._navigation_failure: InjectedFailure | None = None
        self._dock_failure: InjectedFailure | None = None
        self._driving = False

    # -- state ----------------------------------------------------------------------------

    def pose(self) -> Pose:
        """Where the robot is."""
        return self.body.pose()

    def cruise_speed(self) -> float:
        """The speed it drives at: its kind's, capped by Nav2's speed limit."""
        if self.speed_limit is None:
            return self.profile.speed
        return min(self.profile.speed, self.speed_limit)

    def battery_level(self) -> float:
        """The charge in percent, with the loads that ended settled."""
        self.settle()
        return self.battery.level()

    @property
    def deck_down(self) -> bool:
        """Whether the cleaning deck runs."""
        return self._deck_load is not None

    def settle(self) -> None:
        """End the speech loads whose words have been said."""
        now = self.clock()
        while self._speech_loads and self._speech_loads[0][0] <= now:
            end, load = self._speech_loads.pop(0)
            self.battery.remove_load(load, at=end)

    # -- what the robot is asked to do ------------------------------------------------------

    def drive(self, poses: Sequence[Pose]) -> Route:
        """A route through the poses (the next injected navigation failure goes with it)."""
        failure, self._navigation_failure = self._navigation_failure, None
        return Route(self, poses, failure)

    def dock(self, dock_id: str | None, x: float, y: float, navigate: bool) -> Docking:
        """Dock on the named dock, or on the dock at (x, y)."""
        failure, self._dock_failure = self._dock_failure, None
        return Docking(self, dock_id, x, y, navigate, failure)

    def undock(self) -> Activity:
        """Back off the dock."""
        return Undocking(self)

    def set_deck(self, down: bool) -> tuple[bool, str]:
        """Lower or raise the cleaning deck: success and a message."""
        if down and self.battery_level() <= 0:
            return False, "battery empty"
        if down and self._deck_load is None:
            self._deck_load = self.battery.add_load(self.battery.figures.work("clean"))
        elif not down and self._deck_load is not None:
            self.battery.remove_load(self._deck_load)
            self._deck_load = None
        return True, "deck down" if down else "deck up"

    def speak(self, text: str) -> None:
        """Say the words: recorded, logged, and paid for while they are spoken."""
        self.spoken.append(text)
        log.info("%s says: %s", self.serial_number, text)
        language = "en" if text.isascii() else "zh"
        end = self.clock() + speech_seconds(text, language) / self.speed_factor
        load = self.battery.add_load(self.battery.figures.work("announce"))
        self._speech_loads.append((end, load))
        self._speech_loads.sort()

    def fail_next_navigation(self, code: int, message: str, after_poses: int = 0) -> None:
        """Make the next route end with Nav2's error `code` after `after_poses` (0: no failure)."""
        if after_poses < 0:
            raise ValueError("after_poses must not be negative")
        failure = InjectedFailure(code, message, after_poses) if code else None
        self._navigation_failure = failure

    def fail_next_dock(self, code: int, message: str) -> None:
        """Make the next docking end with DockRobot's error `code` (0: no failure)."""
        self._dock_failure = InjectedFailure(code, message) if code else None

    # -- used by the activities -------------------------------------------------------------

    def start_driving(self) -> float:
        """Off the dock and the charger, the battery held by the motion: the motion's start."""
        if self._driving:
            raise RuntimeError(f"{self.serial_number} is already driving")
        self._driving = True
        self.leave_dock()
        return self.battery.hold()

    def stop_driving(self) -> None:
        """Standing again: the battery settled from the motion's last step."""
        self._driving = False
        self.body.speed = 0.0
        self.battery.release()

    def leave_dock(self) -> None:
        """Off the dock and the charger."""
        self.docked = None
        if self.battery.charging:
            self.battery.stop_charging()


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
