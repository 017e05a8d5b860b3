"""SimDriver: a kinematic robot behind the agent's Driver protocol, faster than real time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fleet_protocol.base import utc_now
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
from simulation.battery import SimBattery
from simulation.camera import snapshot
from simulation.energy import EnergyFigures
from simulation.failures import ACTION_FAILED, NAVIGATION_FAILED, InjectedFailure
from simulation.motion import Body
from simulation.power import Docks, Power
from simulation.profiles import KindProfile, profile_for

logger = logging.getLogger(__name__)

DEFAULT_TICK = 0.1  # wall seconds between motion updates of a moving robot
DECK_LOWERING_SECONDS = 2.0
KEPT_PHOTOS = 16  # photos taken and not yet handed over to the agent's uploader


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
        energy: EnergyFigures | None = None,
        docks: Docks | None = None,
    ) -> None:
        """`energy`: this robot's figures (default: its kind's). `docks`: where it can dock and
        charge; None (a robot without a site map) docks wherever it is told to."""
        if speed_factor <= 0:
            raise ValueError(f"speed_factor must be positive, got {speed_factor}")
        self.kind = RobotKind(kind)
        self.serial_number = serial_number
        self.speed_factor = speed_factor
        self.profile = profile or profile_for(self.kind)
        self.energy = energy if energy is not None else self.profile.energy
        self._tick = tick
        self._clock = time.monotonic  # the event loop's clock too
        cell = SimBattery(self.energy, speed_factor, battery, self._clock)
        self._power = Power(cell, speed_factor, serial_number, docks, self._clock)
        self._body = Body(initial_pose, self.profile.turn_rate, cell)
        self._navigation_failure: InjectedFailure | None = None
        self._action_failures: dict[str, InjectedFailure] = {}
        self._photos: OrderedDict[str, bytes] = OrderedDict()
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
        logger.debug("%s started at (%.1f, %.1f)", self.serial_number, self._body.x, self._body.y)

    async def stop(self) -> None:
        """Stand still, the cleaning deck up."""
        self._body.speed = 0.0
        self._power.raise_deck()

    async def navigate_through_poses(
        self,
        poses: Sequence[Pose],
        on_pose_reached: PoseReached,
        max_speed: float | None = None,
    ) -> None:
        """Drive through the poses in order at the kind's speed (capped by max_speed)."""
        self._power.check()
        here = self._body.map_id
        for pose in poses:
            if pose.map_id != here:
                raise DriverError(
                    NAVIGATION_FAILED,
                    f"pose on map {pose.map_id!r}, {self.serial_number} is on {here!r}",
                )
        speed = self.profile.speed if max_speed is None else min(self.profile.speed, max_speed)
        if speed <= 0:
            raise DriverError(NAVIGATION_FAILED, f"max speed {max_speed} leaves no speed to drive")
        failure, self._navigation_failure = self._navigation_failure, None
        limit = len(poses) if failure is None else min(failure.after_poses, len(poses))
        # From here the motion pays for every step: the battery is settled with the pose.
        last = self._power.start_driving()
        try:
            index = self._body.advance(poses, 0, 0.0, speed, on_pose_reached, limit)
            self._power.check()
            while index < len(poses):
                if index >= limit and failure is not None:
                    raise failure.error()
                await asyncio.sleep(self._next_step(poses, index, speed, limit))
                now = self._clock()
                sim_dt, last = (now - last) * self.speed_factor, now
                index = self._body.advance(poses, index, sim_dt, speed, on_pose_reached, limit)
                self._power.check()
        finally:
            self._body.speed = 0.0
            self._power.stop_driving()

    def _next_step(self, poses: Sequence[Pose], index: int, speed: float, limit: int) -> float:
        """Wall seconds to the next motion step: a tick, or less to wake as the robot arrives
        (or may run empty), so that a faster sim does not stand longer at the goal."""
        tick = self._tick * self.speed_factor
        seconds = min(
            self._body.seconds_to(poses, index, speed, limit, horizon=tick),
            self._power.battery.seconds_to_empty(speed),
        )
        return min(tick, seconds) / self.speed_factor

    async def run_action(self, action_type: str, parameters: Mapping[str, Any]) -> str | None:
        """Run one of the kind's declared actions in sim time; returns its result description."""
        declared = {action.action_type for action in KIND_ACTIONS[self.kind]}
        if action_type not in declared or action_type not in self._actions:
            raise DriverError(
                UNKNOWN_ACTION,
                f"{self.serial_number} ({self.kind.value}) cannot run action {action_type!r}",
            )
        if action_type != "charge":
            self._power.check()
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
            self._body.x,
            self._body.y,
            f" -> {result}" if result else "",
        )
        if action_type != "charge":
            self._power.check()
        return result

    def current_pose(self) -> Pose:
        """Where the robot is now (updated every tick while it moves)."""
        return self._body.pose()

    def speed(self) -> float:
        """Forward speed in m/s: the cruising speed while driving, 0 while turning or standing."""
        return self._body.speed

    def battery(self) -> BatteryReading:
        """The battery now, with the drain or charge since the last reading applied."""
        return self._power.reading()

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
        self._navigation_failure = InjectedFailure(error_type, description, fatal, after_poses)

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
        self._action_failures[action_type] = InjectedFailure(error_type, text, fatal)

    def photo(self, evidence_id: str) -> bytes | None:
        """The PNG of a recent photo (the last KEPT_PHOTOS are kept until handed over)."""
        return self._photos.pop(evidence_id, None)

    def set_battery(self, charge: float) -> None:
        """Set the battery charge in percent (e.g. to provoke a low or empty battery)."""
        self._power.battery.set_level(charge)

    # -- actions ---------------------------------------------------------------------------

    async def _announce(self, parameters: Mapping[str, Any]) -> str | None:
        text = text_parameter(parameters, "text")
        language = choice_parameter(parameters, "language", LANGUAGES, "zh")
        repeat = int(number_parameter(parameters, "repeat", 1, minimum=1, maximum=10))
        await self._power.work(speech_seconds(text, language) * repeat, "announce")
        return None

    async def _capture_photo(self, parameters: Mapping[str, Any]) -> str | None:
        direction = choice_parameter(parameters, "direction", PHOTO_DIRECTIONS, "front")
        # The image is drawn while the camera works, so that drawing it costs no sim time.
        drawing = asyncio.ensure_future(
            asyncio.to_thread(
                snapshot, self.serial_number, utc_now(), self._body.x, self._body.y, direction
            )
        )
        try:
            await self._power.work(1.0, "capturePhoto")
        except BaseException:
            drawing.cancel()
            raise
        image = await drawing
        evidence = photo_id(self.serial_number)
        self._photos[evidence] = image
        while len(self._photos) > KEPT_PHOTOS:
            self._photos.popitem(last=False)
        return evidence

    async def _dwell(self, parameters: Mapping[str, Any]) -> str | None:
        await self._power.work(number_parameter(parameters, "seconds", None, minimum=0), "dwell")
        return None

    async def _clean(self, parameters: Mapping[str, Any]) -> str | None:
        choice_parameter(parameters, "mode", CLEAN_MODES, "sweep")
        # The deck runs (and drains) from now until the current or next navigation ends.
        self._power.lower_deck()
        await self._power.work(DECK_LOWERING_SECONDS)
        return None

    async def _greet(self, parameters: Mapping[str, Any]) -> str | None:
        choice_parameter(parameters, "language", LANGUAGES, "zh")
        await self._power.work(3.0, "greet")
        return None

    async def _handover(self, parameters: Mapping[str, Any]) -> str | None:
        recipient = text_parameter(parameters, "recipient")
        await self._power.work(8.0, "handover")  # waiting for the recipient to confirm
        return f"handed over to {recipient}"

    async def _dock(self, parameters: Mapping[str, Any]) -> str | None:
        dock_id = text_parameter(parameters, "dockId") if "dockId" in parameters else None
        await self._power.dock(dock_id, self._body.x, self._body.y)
        return None

    async def _charge_battery(self, parameters: Mapping[str, Any]) -> str | None:
        target = number_parameter(
            parameters, "targetLevel", DEFAULT_CHARGE_TARGET, minimum=1, maximum=100
        )
        return await self._power.charge(target, self._body.x, self._body.y)


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
