"""The robot's own actions over ROS: speech, photos, the cleaning deck, docking and charging.

Each handler reads its VDA 5050 action parameters with the agent's readers (a bad one fails
the action naming it), works through the RobotPort, and returns the result description.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from fleet_protocol.kinds import CLEAN_MODES, DEFAULT_CHARGE_TARGET
from fleet_robot_driver.conversions import pose_to_goal
from fleet_robot_driver.goals import run_goal
from fleet_robot_driver.outcomes import docking_failure, rejected
from fleet_robot_driver.parameters import DriverParameters
from fleet_robot_driver.photos import store
from fleet_robot_driver.port import CapturedImage, DockGoal, GoalRejected, RobotPort
from robot_agent.action_parameters import choice_parameter, number_parameter, text_parameter
from robot_agent.driver import BatteryReading, DriverError, Pose
from robot_agent.errors import ACTION_ERROR
from robot_agent.evidence import photo_id
from robot_agent.speech import LANGUAGES, speech_seconds

log = logging.getLogger(__name__)

DEFAULT_PHOTO_DIR = Path("~/.local/share/fleet_robot_driver/photos")
# The one camera a robot's image_topic names faces forward.
CAMERA_DIRECTIONS = ("front",)

Handler = Callable[[Mapping[str, Any]], Awaitable[str | None]]


class Docking:
    """DockRobot and UndockRobot goals, and whether the robot is on a dock."""

    def __init__(self, port: RobotPort, parameters: DriverParameters) -> None:
        self._port = port
        self._parameters = parameters
        self.docked = False

    async def dock(self, dock_id: str, here: Pose) -> None:
        """Dock at the named dock, or (no id) at the dock of the docking type at the robot."""
        if dock_id:
            goal = DockGoal(dock_id=dock_id, dock_type=self._parameters.dock_type)
            what = f"dock {dock_id}"
        else:
            goal = DockGoal(dock_pose=pose_to_goal(here), dock_type=self._parameters.dock_type)
            what = f"dock at ({here.x:.2f}, {here.y:.2f})"
        await self._run(self._port.dock(goal), what)
        self.docked = True

    async def undock(self) -> None:
        """Leave the dock (before driving off)."""
        await self._run(self._port.undock(self._parameters.dock_type), "undock")
        self.docked = False

    async def _run(self, sending: Awaitable[Any], what: str) -> None:
        try:
            outcome = await run_goal(sending, what)
        except GoalRejected as exc:
            raise rejected(what, str(exc), navigation=False) from None
        failure = docking_failure(outcome, what)
        if failure is not None:
            raise failure


class RobotActions:
    """The action handlers by actionType; the driver offers only those its parameters enable."""

    def __init__(
        self,
        port: RobotPort,
        parameters: DriverParameters,
        docking: Docking,
        pose: Callable[[], Pose],
        *,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.5,
    ) -> None:
        self._port = port
        self._parameters = parameters
        self._docking = docking
        self._pose = pose
        self._clock = clock
        self._poll = poll
        self.deck_on = False
        directory = Path(parameters.photo_dir) if parameters.photo_dir else DEFAULT_PHOTO_DIR
        self.photo_dir = directory.expanduser()
        self.handlers: dict[str, Handler] = {
            "announce": self._announce,
            "capturePhoto": self._capture_photo,
            "dwell": self._dwell,
            "clean": self._clean,
            "dock": self._dock,
            "charge": self._charge,
        }

    async def deck(self, on: bool) -> None:
        """Switch the cleaning deck; DriverError if the service refuses or is not there."""
        service = self._parameters.clean_service
        try:
            ok, message = await asyncio.wait_for(
                self._port.set_deck(on), self._parameters.server_timeout
            )
        except asyncio.TimeoutError:
            ok, message = False, f"no answer in {self._parameters.server_timeout:g} s"
        if not ok:
            verb = "start" if on else "stop"
            raise DriverError(ACTION_ERROR, f"cleaning deck ({service}) did not {verb}: {message}")
        self.deck_on = on

    async def _announce(self, parameters: Mapping[str, Any]) -> str | None:
        text = text_parameter(parameters, "text")
        language = choice_parameter(parameters, "language", LANGUAGES, "zh")
        repeat = int(number_parameter(parameters, "repeat", 1, minimum=1, maximum=10))
        for _ in range(repeat):
            self._port.say(text)
            # A TTS topic says nothing back: wait as long as the words take to speak.
            await asyncio.sleep(speech_seconds(text, language))
        return None

    async def _capture_photo(self, parameters: Mapping[str, Any]) -> str | None:
        choice_parameter(parameters, "direction", CAMERA_DIRECTIONS, "front")
        image = await self._fresh_image()
        evidence = photo_id(self._parameters.serial_number)
        path = await asyncio.to_thread(store, image, self.photo_dir, evidence)
        log.info("photo %s stored at %s", evidence, path)
        return evidence

    async def _fresh_image(self) -> CapturedImage:
        """A frame that arrived after the action began (not one from on the way)."""
        asked = self._clock()
        wait = self._parameters.image_max_age
        while True:
            image = self._port.latest_image()
            if image is not None and image.received >= asked:
                return image
            if self._clock() - asked >= wait:
                raise DriverError(
                    ACTION_ERROR,
                    f"no camera frame on {self._parameters.image_topic} within {wait:g} s",
                )
            await asyncio.sleep(min(self._poll, wait / 10))

    async def _dwell(self, parameters: Mapping[str, Any]) -> str | None:
        await asyncio.sleep(number_parameter(parameters, "seconds", None, minimum=0))
        return None

    async def _clean(self, parameters: Mapping[str, Any]) -> str | None:
        mode = choice_parameter(parameters, "mode", CLEAN_MODES, "sweep")
        # SetBool switches the deck on or off; the mode is the deck's own setting.
        await self.deck(True)
        log.info("cleaning deck on (asked for %s)", mode)
        return None

    async def _dock(self, parameters: Mapping[str, Any]) -> str | None:
        dock_id = text_parameter(parameters, "dockId") if "dockId" in parameters else ""
        await self._docking.dock(dock_id, self._pose())
        return f"docked at {dock_id}" if dock_id else "docked"

    async def _charge(self, parameters: Mapping[str, Any]) -> str | None:
        target = number_parameter(
            parameters, "targetLevel", DEFAULT_CHARGE_TARGET, minimum=1, maximum=100
        )
        level = self._battery().charge
        if level >= target:
            return f"battery at {level:.0f}%"
        if not self._docking.docked:
            await self._docking.dock("", self._pose())
        return await self._charge_until(target)

    async def _charge_until(self, target: float) -> str:
        """Wait on the dock until the battery reaches target; fail if it does not charge."""
        start = last_charging = self._clock()
        limits = self._parameters
        while True:
            reading = self._battery()
            now = self._clock()
            if reading.charge >= target:
                return f"charged to {reading.charge:.0f}%"
            if reading.charging:
                last_charging = now
            elif now - last_charging >= limits.charge_start_timeout:
                raise DriverError(
                    ACTION_ERROR,
                    f"not charging for {limits.charge_start_timeout:g} s on the dock "
                    f"(battery at {reading.charge:.0f}%)",
                )
            if now - start >= limits.charge_timeout:
                raise DriverError(
                    ACTION_ERROR,
                    f"battery at {reading.charge:.0f}%, short of {target:.0f}% after "
                    f"{limits.charge_timeout:g} s on the charger",
                )
            await asyncio.sleep(self._poll)

    def _battery(self) -> BatteryReading:
        reading = self._port.battery()
        if reading is None:
            raise DriverError(
                ACTION_ERROR, f"no battery reading on {self._parameters.battery_topic}"
            )
        return reading
