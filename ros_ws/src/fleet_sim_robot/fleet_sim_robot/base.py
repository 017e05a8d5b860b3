"""The simulated robot without ROS: its body, battery, deck, dock and speaker.

The kinematics and the battery are the fleet simulator's own (simulation.motion.Body,
simulation.battery.SimBattery, the kind's profile and energy figures), run here in wall time
times the speed factor. Nav2's goals become activities (activities.py), advanced by the node's
timer; each ends with an Outcome carrying Nav2's error code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from fleet_sim_robot.activities import Docking, Route, Undocking
from fleet_sim_robot.outcomes import Activity, InjectedFailure
from robot_agent.driver import Pose
from robot_agent.speech import speech_seconds
from simulation.battery import SimBattery
from simulation.motion import Body
from simulation.profiles import profile_for
from simulation.ros_spec import RobotSpec

log = logging.getLogger(__name__)


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
