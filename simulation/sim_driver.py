"""SimDriver: a kinematic robot behind the agent's Driver protocol, faster than real time."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fleet_protocol.kinds import (
    CLEAN_MODES,
    DEFAULT_CHARGE_TARGET,
    KIND_ACTIONS,
    PHOTO_DIRECTIONS,
    RobotKind,
)
from robot_agent.action_parameters import choice_parameter, number_parameter, text_parameter
from robot_agent.driver import (
    BatteryReading,
    DriverContext,
    DriverError,
    Pose,
    PoseReached,
    VehicleDescription,
)
from robot_agent.errors import UNKNOWN_ACTION
from robot_agent.evidence import photo_id
from robot_agent.speech import LANGUAGES, speech_seconds
from simulation.battery import Activity, SimBattery
from simulation.profiles import KindProfile, profile_for

logger = logging.getLogger(__name__)

# The errorTypes this driver reports (VDA 5050 leaves errorType free text).
NAVIGATION_FAILED = "navigationFailed"
ACTION_FAILED = "actionFailed"
BATTERY_EMPTY = "batteryEmpty"

DEFAULT_TICK = 0.1  # wall seconds between motion updates of a moving robot
_REACHED = 1e-6  # metres / radians counted as "there"


@dataclass(frozen=True)
class _Failure:
    """A failure the test or operator has asked the robot to produce."""

    error_type: str
    description: str
    fatal: bool
    after_poses: int = 0

    def error(self) -> DriverError:
        return DriverError(self.error_type, self.description, fatal=self.fatal)


class SimDriver:
    """A simulated robot of one kind: drives, turns, drains and charges, runs its kind's actions."""

    def __init__(
        self,
        kind: RobotKind | str,
        initial_pose: Pose,
        *,
        speed_factor: float = 1.0,
        battery: float = 100.0,
        serial_number: str = "sim",
        tick: float = DEFAULT_TICK,
        profile: KindProfile | None = None,
    ) -> None:
        if speed_factor <= 0:
            raise ValueError(f"speed_factor must be positive, got {speed_factor}")
        self.kind = RobotKind(kind)
        self.serial_number = serial_number
        self.speed_factor = speed_factor
        self.profile = profile or profile_for(self.kind)
        self._tick = tick
        self._x, self._y, self._theta = initial_pose.x, initial_pose.y, initial_pose.theta
        self._map_id = initial_pose.map_id
        self._speed = 0.0
        self._deck_mode: str | None = None
        self._battery = SimBattery(self.profile, speed_factor, battery)
        self._navigation_failure: _Failure | None = None
        self._action_failures: dict[str, _Failure] = {}
        self._actions: dict[str, Callable[[Mapping[str, Any]], Awaitable[str | None]]] = {
            "announce": self._announce,
            "capturePhoto": self._capture_photo,
            "dwell": self._dwell,
            "clean": self._clean,
            "greet": self._greet,
            "handover": self._handover,
            "dock": self._dock,
            "charge": self._charge_battery,
        }

    # -- Driver protocol -------------------------------------------------------------------

    async def start(self) -> None:
        """Nothing to bring up: the simulated robot is ready at once."""
        logger.debug("%s started at (%.1f, %.1f)", self.serial_number, self._x, self._y)

    async def stop(self) -> None:
        """Stand still."""
        self._speed = 0.0

    async def navigate_through_poses(
        self,
        poses: Sequence[Pose],
        on_pose_reached: PoseReached,
        max_speed: float | None = None,
    ) -> None:
        """Drive through the poses in order at the kind's speed (capped by max_speed)."""
        self._check_battery()
        for pose in poses:
            if pose.map_id != self._map_id:
                raise DriverError(
                    NAVIGATION_FAILED,
                    f"pose on map {pose.map_id!r}, {self.serial_number} is on {self._map_id!r}",
                )
        speed = self.profile.speed if max_speed is None else min(self.profile.speed, max_speed)
        if speed <= 0:
            raise DriverError(NAVIGATION_FAILED, f"max speed {max_speed} leaves no speed to drive")
        failure, self._navigation_failure = self._navigation_failure, None
        limit = len(poses) if failure is None else min(failure.after_poses, len(poses))
        loop = asyncio.get_running_loop()
        self._battery.begin(Activity.CLEANING if self._deck_mode else Activity.DRIVING)
        try:
            index = self._advance(poses, 0, 0.0, speed, on_pose_reached, limit)
            last = loop.time()
            while index < len(poses):
                if index >= limit and failure is not None:
                    raise failure.error()
                await asyncio.sleep(self._tick)
                now = loop.time()
                sim_dt, last = (now - last) * self.speed_factor, now
                index = self._advance(poses, index, sim_dt, speed, on_pose_reached, limit)
                self._check_battery()
        finally:
            self._battery.begin(Activity.IDLE)
            self._speed = 0.0
            self._deck_mode = None

    async def run_action(self, action_type: str, parameters: Mapping[str, Any]) -> str | None:
        """Run one of the kind's declared actions in sim time; returns its result description."""
        declared = {action.action_type for action in KIND_ACTIONS[self.kind]}
        if action_type not in declared or action_type not in self._actions:
            raise DriverError(
                UNKNOWN_ACTION,
                f"{self.serial_number} ({self.kind.value}) cannot run action {action_type!r}",
            )
        if action_type != "charge":
            self._check_battery()
        failure = self._action_failures.pop(action_type, None)
        if failure is not None:
            logger.info("%s: %s fails as injected: %s", self.serial_number, action_type, failure)
            raise failure.error()
        result = await self._actions[action_type](parameters)
        logger.info(
            "%s: %s %s done at (%.1f, %.1f)%s",
            self.serial_number,
            action_type,
            dict(parameters),
            self._x,
            self._y,
            f" -> {result}" if result else "",
        )
        if action_type != "charge":
            self._check_battery()
        return result

    def current_pose(self) -> Pose:
        """Where the robot is now (updated every tick while it moves)."""
        return Pose(self._x, self._y, self._theta, self._map_id)

    def speed(self) -> float:
        """Forward speed in m/s: the cruising speed while driving, 0 while turning or standing."""
        return self._speed

    def battery(self) -> BatteryReading:
        """The battery now, with the drain or charge since the last reading applied."""
        return BatteryReading(
            charge=round(self._battery.level(), 2),
            charging=self._battery.activity is Activity.CHARGING,
        )

    def description(self) -> VehicleDescription:
        """Series = the kind's value (the server derives the kind from it), size, speed, actions."""
        return VehicleDescription(
            series_name=self.kind.value,
            series_description=self.profile.series_description,
            speed_max=self.profile.speed,
            width=self.profile.width,
            length=self.profile.length,
            height=self.profile.height,
            actions=KIND_ACTIONS[self.kind],
        )

    # -- failure injection -----------------------------------------------------------------

    def fail_next_navigation(
        self,
        error_type: str = NAVIGATION_FAILED,
        description: str = "simulated navigation failure",
        *,
        fatal: bool = False,
        after_poses: int = 0,
    ) -> None:
        """Make the next navigation raise DriverError once it has reached `after_poses` poses."""
        if after_poses < 0:
            raise ValueError("after_poses must not be negative")
        self._navigation_failure = _Failure(error_type, description, fatal, after_poses)

    def fail_action(
        self,
        action_type: str,
        error_type: str = ACTION_FAILED,
        description: str | None = None,
        *,
        fatal: bool = False,
    ) -> None:
        """Make the next run of `action_type` raise DriverError."""
        text = description or f"simulated failure of {action_type}"
        self._action_failures[action_type] = _Failure(error_type, text, fatal)

    def set_battery(self, charge: float) -> None:
        """Set the battery charge in percent (e.g. to provoke a low or empty battery)."""
        self._battery.set_level(charge)

    # -- motion ----------------------------------------------------------------------------

    def _advance(
        self,
        poses: Sequence[Pose],
        index: int,
        sim_dt: float,
        speed: float,
        on_pose_reached: PoseReached,
        limit: int,
    ) -> int:
        """Spend sim_dt seconds turning and driving towards poses[index:limit]; the next index."""
        budget = sim_dt
        while index < limit:
            target = poses[index]
            distance = math.hypot(target.x - self._x, target.y - self._y)
            if distance > _REACHED:
                heading = math.atan2(target.y - self._y, target.x - self._x)
                budget = self._turn_towards(heading, budget)
                if budget < 0:
                    return index
                if speed * budget < distance:
                    self._x += math.cos(heading) * speed * budget
                    self._y += math.sin(heading) * speed * budget
                    self._speed = speed
                    return index
                budget -= distance / speed
                self._x, self._y = target.x, target.y
            if index == len(poses) - 1:
                budget = self._turn_towards(target.theta, budget)
                if budget < 0:
                    return index
            on_pose_reached(index)
            index += 1
        self._speed = 0.0
        return index

    def _turn_towards(self, heading: float, budget: float) -> float:
        """Turn on the spot towards heading; the time left over, or -1 if still turning."""
        delta = math.remainder(heading - self._theta, math.tau)
        if abs(delta) <= _REACHED:
            return budget
        needed = abs(delta) / self.profile.turn_rate
        self._speed = 0.0
        if needed <= budget:
            self._theta = math.remainder(heading, math.tau)
            return budget - needed
        self._theta = math.remainder(
            self._theta + math.copysign(self.profile.turn_rate * budget, delta), math.tau
        )
        return -1.0

    def _check_battery(self) -> None:
        if self._battery.level() <= 0:
            raise DriverError(
                BATTERY_EMPTY, f"{self.serial_number}: battery empty, robot stopped", fatal=True
            )

    async def _sleep_sim(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed_factor)

    # -- actions ---------------------------------------------------------------------------

    async def _announce(self, parameters: Mapping[str, Any]) -> str | None:
        text = text_parameter(parameters, "text")
        language = choice_parameter(parameters, "language", LANGUAGES, "zh")
        repeat = int(number_parameter(parameters, "repeat", 1, minimum=1, maximum=10))
        await self._sleep_sim(speech_seconds(text, language) * repeat)
        return None

    async def _capture_photo(self, parameters: Mapping[str, Any]) -> str | None:
        choice_parameter(parameters, "direction", PHOTO_DIRECTIONS, "front")
        await self._sleep_sim(1.0)
        return photo_id(self.serial_number)

    async def _dwell(self, parameters: Mapping[str, Any]) -> str | None:
        await self._sleep_sim(number_parameter(parameters, "seconds", None, minimum=0))
        return None

    async def _clean(self, parameters: Mapping[str, Any]) -> str | None:
        mode = choice_parameter(parameters, "mode", CLEAN_MODES, "sweep")
        await self._sleep_sim(2.0)  # lowering the brushes
        # The deck runs (and drains more) until the current or next navigation ends.
        self._deck_mode = mode
        if self._battery.activity is Activity.DRIVING:
            self._battery.begin(Activity.CLEANING)
        return None

    async def _greet(self, parameters: Mapping[str, Any]) -> str | None:
        choice_parameter(parameters, "language", LANGUAGES, "zh")
        await self._sleep_sim(3.0)
        return None

    async def _handover(self, parameters: Mapping[str, Any]) -> str | None:
        recipient = text_parameter(parameters, "recipient")
        await self._sleep_sim(8.0)  # waiting for the recipient to confirm
        return f"handed over to {recipient}"

    async def _dock(self, parameters: Mapping[str, Any]) -> str | None:
        self._deck_mode = None
        await self._sleep_sim(5.0)
        return None

    async def _charge_battery(self, parameters: Mapping[str, Any]) -> str | None:
        target = number_parameter(
            parameters, "targetLevel", DEFAULT_CHARGE_TARGET, minimum=1, maximum=100
        )
        level = self._battery.level()
        if level >= target:
            return f"battery at {level:.0f}%"
        self._deck_mode = None
        self._battery.begin(Activity.CHARGING)
        try:
            await self._sleep_sim(self._battery.seconds_to_charge(target))
        finally:
            self._battery.begin(Activity.IDLE)
        self._battery.set_level(target)  # the charger stops at the target, however late we woke
        return f"charged to {target:.0f}%"


def _option(options: Mapping[str, str], key: str, default: float) -> float:
    raw = options.get(key)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"sim driver option {key}={raw!r} is not a number") from None


def create_driver(context: DriverContext) -> SimDriver:
    """Entry point `sim`: a SimDriver for the agent; options speed_factor and battery."""
    return SimDriver(
        context.kind,
        context.initial_pose,
        speed_factor=_option(context.options, "speed_factor", 1.0),
        battery=_option(context.options, "battery", 100.0),
        serial_number=context.serial_number,
    )
