"""What `fleet-sim --backend ros` hands the ROS 2 simulated robots: who, where, and their names.

The simulated robots run in a process of their own (ros_ws/src/fleet_sim_robot, on rclpy), which
imports this module to read the file written here; simulation itself never imports rclpy. The
topic and service names are the ones the agents' ROS driver is told to use, so both sides take
them from here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleet_protocol.kinds import RobotKind
from fleet_protocol.ros_names import ros_namespace
from simulation.energy import EnergyFigures

# Relative names: each robot's namespace applies.
SPEECH_TOPIC = "speech"  # std_msgs/String, the words an announce speaks
IMAGE_TOPIC = "camera/image_raw"  # sensor_msgs/Image
DECK_SERVICE = "cleaning_deck"  # std_srvs/SetBool
MAP_FRAME = "map"

SPEC_VERSION = 1


class SpecError(ValueError):
    """A robots file that cannot be used; the message names the field."""


@dataclass(frozen=True)
class RobotSpec:
    """One simulated ROS robot: identity, start pose, battery and energy figures."""

    serial_number: str
    kind: RobotKind
    x: float
    y: float
    theta: float
    map_id: str
    battery: float  # percent
    energy: EnergyFigures

    @property
    def namespace(self) -> str:
        """The robot's ROS namespace, absolute: /dog_01."""
        return "/" + ros_namespace(self.serial_number)


@dataclass(frozen=True)
class FleetSpec:
    """Every simulated robot of a run, the site's docks and the speed of simulated time."""

    robots: Sequence[RobotSpec]
    speed_factor: float = 1.0
    docks: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    map_frame: str = MAP_FRAME

    def to_json(self) -> str:
        """The file's text."""
        return json.dumps(
            {
                "version": SPEC_VERSION,
                "speed_factor": self.speed_factor,
                "map_frame": self.map_frame,
                "docks": {name: list(xy) for name, xy in self.docks.items()},
                "robots": [_robot_json(robot) for robot in self.robots],
            },
            indent=2,
        )

    def write(self, path: Path) -> None:
        """Write the file."""
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> FleetSpec:
        """Read a file written by `write`; SpecError names what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise SpecError(f"{path}: cannot read it ({error.strerror})") from None
        except json.JSONDecodeError as error:
            raise SpecError(f"{path}: not JSON: {error}") from None
        try:
            return cls.from_mapping(data)
        except SpecError as error:
            raise SpecError(f"{path}: {error}") from None

    @classmethod
    def from_mapping(cls, data: Any) -> FleetSpec:
        """The spec in parsed JSON; SpecError names the first wrong field."""
        if not isinstance(data, dict):
            raise SpecError("expected an object")
        if data.get("version") != SPEC_VERSION:
            raise SpecError(f"version: expected {SPEC_VERSION}, got {data.get('version')!r}")
        speed_factor = _number(data, "speed_factor")
        if speed_factor <= 0:
            raise SpecError(f"speed_factor: must be positive, got {speed_factor}")
        docks_data = data.get("docks", {})
        if not isinstance(docks_data, dict):
            raise SpecError("docks: expected an object of dock id -> [x, y]")
        docks = {}
        for name, xy in docks_data.items():
            if not (isinstance(xy, list) and len(xy) == 2):
                raise SpecError(f"docks.{name}: expected [x, y]")
            docks[str(name)] = (_finite(f"docks.{name}", xy[0]), _finite(f"docks.{name}", xy[1]))
        robots_data = data.get("robots")
        if not isinstance(robots_data, list) or not robots_data:
            raise SpecError("robots: expected a non-empty list")
        robots = [_robot(item, index) for index, item in enumerate(robots_data)]
        namespaces = [robot.namespace for robot in robots]
        if len(set(namespaces)) != len(namespaces):
            raise SpecError(f"robots: two robots share a ROS namespace: {sorted(namespaces)}")
        map_frame = data.get("map_frame", MAP_FRAME)
        if not isinstance(map_frame, str) or not map_frame:
            raise SpecError("map_frame: expected a frame name")
        return cls(robots, speed_factor, docks, map_frame)


def _robot_json(robot: RobotSpec) -> dict[str, Any]:
    figures = robot.energy
    return {
        "serial_number": robot.serial_number,
        "kind": robot.kind.value,
        "pose": {"x": robot.x, "y": robot.y, "theta": robot.theta, "map_id": robot.map_id},
        "battery": robot.battery,
        "energy": {
            "drive_per_km": figures.drive_per_km,
            "idle_per_min": figures.idle_per_min,
            "charge_per_min": figures.charge_per_min,
            "work_per_min": dict(figures.work_per_min),
        },
    }


def _robot(item: Any, index: int) -> RobotSpec:
    where = f"robots[{index}]"
    if not isinstance(item, dict):
        raise SpecError(f"{where}: expected an object")
    serial = item.get("serial_number")
    if not isinstance(serial, str) or not serial:
        raise SpecError(f"{where}.serial_number: expected a serial number")
    try:
        ros_namespace(serial)
        kind = RobotKind(item.get("kind"))
    except ValueError as error:
        raise SpecError(f"{where}: {error}") from None
    pose = item.get("pose")
    if not isinstance(pose, dict) or not isinstance(pose.get("map_id"), str):
        raise SpecError(f"{where}.pose: expected x, y, theta and map_id")
    battery = _number(item, "battery", where)
    if not 0 <= battery <= 100:
        raise SpecError(f"{where}.battery: must be a percentage 0..100, got {battery}")
    energy = item.get("energy")
    if not isinstance(energy, dict):
        raise SpecError(f"{where}.energy: expected the energy figures")
    try:
        figures = EnergyFigures(
            drive_per_km=_number(energy, "drive_per_km", f"{where}.energy"),
            idle_per_min=_number(energy, "idle_per_min", f"{where}.energy"),
            charge_per_min=_number(energy, "charge_per_min", f"{where}.energy"),
            work_per_min={str(k): float(v) for k, v in energy.get("work_per_min", {}).items()},
        )
    except (ValueError, TypeError, AttributeError) as error:
        raise SpecError(f"{where}.energy: {error}") from None
    return RobotSpec(
        serial_number=serial,
        kind=kind,
        x=_number(pose, "x", f"{where}.pose"),
        y=_number(pose, "y", f"{where}.pose"),
        theta=_number(pose, "theta", f"{where}.pose"),
        map_id=pose["map_id"],
        battery=battery,
        energy=figures,
    )


def _number(data: Mapping[str, Any], name: str, where: str = "") -> float:
    label = f"{where}.{name}" if where else name
    return _finite(label, data.get(name))


def _finite(label: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"{label}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise SpecError(f"{label}: must be finite, got {value!r}")
    return float(value)
