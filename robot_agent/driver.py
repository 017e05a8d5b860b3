"""The Driver protocol: how the agent moves a robot, in Nav2's verbs, and how drivers are loaded."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from fleet_protocol.factsheet import AgvAction
from fleet_protocol.kinds import RobotKind

DRIVER_ENTRY_POINT_GROUP = "robot_agent.drivers"


@dataclass(frozen=True)
class Pose:
    """A pose on a map: metres and radians."""

    x: float
    y: float
    theta: float
    map_id: str


@dataclass(frozen=True)
class BatteryReading:
    """Battery charge in percent and whether it is charging."""

    charge: float
    charging: bool
    voltage: float | None = None


@dataclass(frozen=True)
class VehicleDescription:
    """What the factsheet says about the robot, as the driver knows it."""

    series_name: str
    series_description: str
    speed_max: float
    width: float
    length: float
    height: float
    actions: Sequence[AgvAction]


class DriverError(Exception):
    """A navigation or action failure, with a VDA 5050 errorType and whether it is fatal."""

    def __init__(self, error_type: str, description: str, *, fatal: bool = False) -> None:
        super().__init__(description)
        self.error_type = error_type
        self.description = description
        self.fatal = fatal


# Called with the index (into the poses given) of each pose the robot has reached, in order.
PoseReached = Callable[[int], None]


@runtime_checkable
class Driver(Protocol):
    """A robot as the agent drives it. Success returns, failure raises DriverError,
    cancellation is asyncio cancellation of the awaiting task (the robot stops)."""

    async def start(self) -> None:
        """Bring the robot's interfaces up (called once before anything else)."""

    async def stop(self) -> None:
        """Stop the robot and release its interfaces."""

    async def navigate_through_poses(
        self,
        poses: Sequence[Pose],
        on_pose_reached: PoseReached,
        max_speed: float | None = None,
    ) -> None:
        """Drive through the poses in one goal, calling on_pose_reached for each one passed."""

    async def run_action(self, action_type: str, parameters: Mapping[str, Any]) -> str | None:
        """Run one action to its end; returns an optional result description."""

    def current_pose(self) -> Pose:
        """Where the robot is now."""

    def speed(self) -> float:
        """The robot's current forward speed in m/s."""

    def battery(self) -> BatteryReading:
        """The battery as last read."""

    def description(self) -> VehicleDescription:
        """Series, size, speed and the actions this robot can run."""


@dataclass(frozen=True)
class DriverContext:
    """What a driver factory is given to build a driver."""

    kind: RobotKind
    serial_number: str
    initial_pose: Pose
    options: Mapping[str, str] = field(default_factory=dict)


DriverFactory = Callable[[DriverContext], Driver]


def load_driver(name: str, context: DriverContext) -> Driver:
    """Build the driver registered under `name` in the robot_agent.drivers entry-point group."""
    found = entry_points(group=DRIVER_ENTRY_POINT_GROUP, name=name)
    if not found:
        known = sorted(ep.name for ep in entry_points(group=DRIVER_ENTRY_POINT_GROUP))
        raise LookupError(
            f"no driver named {name!r}; installed drivers: {', '.join(known) or 'none'}"
        )
    factory: DriverFactory = next(iter(found)).load()
    return factory(context)
