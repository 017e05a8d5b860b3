"""The driver node's ROS parameters: names, defaults, checks, and which actions they make available.

Plain Python (no rclpy): the node declares every name in PARAMETER_DEFAULTS with its default's
type, reads the values back and hands them to DriverParameters.from_values, which names the
parameter that is wrong. The same defaults are in config/driver.yaml, and a test keeps the two
files in step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fleet_protocol.factsheet import AgvAction
from fleet_protocol.kinds import KIND_ACTIONS, RobotKind

POSE_SOURCES = ("amcl", "odom")

# Parameter name -> default. The type of the default is the parameter's type.
PARAMETER_DEFAULTS: dict[str, Any] = {
    # Who the robot is on the wire (empty: the agent's AGENT_* environment or its default;
    # serial_number falls back to the node's namespace).
    "serial_number": "",
    "kind": RobotKind.PATROL_DOG.value,
    "mqtt_url": "",
    "interface": "",
    "manufacturer": "",
    "map_id": "",
    # Frames and topics (relative names, so the node's namespace applies).
    "map_frame": "map",
    "pose_source": "amcl",
    "amcl_pose_topic": "amcl_pose",
    "odom_topic": "odom",
    "battery_topic": "battery_state",
    "navigate_action": "navigate_through_poses",
    "behavior_tree": "",
    "speed_limit_topic": "speed_limit",
    # Actions: an empty name leaves the action out of the factsheet.
    "tts_topic": "",
    "image_topic": "",
    "image_compressed": False,
    "image_max_age": 2.0,
    "photo_dir": "",
    "clean_service": "",
    "dock_action": "dock_robot",
    "undock_action": "undock_robot",
    "dock_type": "",
    "charge_start_timeout": 60.0,
    "charge_timeout": 14400.0,
    # Startup and server waits, seconds.
    "startup_timeout": 30.0,
    "server_timeout": 5.0,
    # What the factsheet says about the robot (series_name empty: the kind's name, from which
    # the fleet server derives the kind).
    "series_name": "",
    "series_description": "ROS 2 robot driven through Nav2",
    "speed_max": 1.0,
    "width": 0.6,
    "length": 0.8,
    "height": 1.0,
}

# Numbers that must be more than zero (sizes, speeds, timeouts).
POSITIVE_PARAMETERS = (
    *("speed_max", "width", "length", "height", "image_max_age", "startup_timeout"),
    *("charge_start_timeout", "charge_timeout", "server_timeout"),
)
# The agent's settings the node passes on when set (robot_agent.settings.AgentSettings names).
AGENT_SETTING_NAMES = ("serial_number", "mqtt_url", "interface", "manufacturer", "map_id")


class ParameterError(ValueError):
    """A parameter with a value the driver cannot use; the message names it."""


@dataclass(frozen=True)
class DriverParameters:
    """The checked parameters of one driver node."""

    serial_number: str
    kind: RobotKind
    mqtt_url: str
    interface: str
    manufacturer: str
    map_id: str
    map_frame: str
    pose_source: str
    amcl_pose_topic: str
    odom_topic: str
    battery_topic: str
    navigate_action: str
    behavior_tree: str
    speed_limit_topic: str
    tts_topic: str
    image_topic: str
    image_compressed: bool
    image_max_age: float
    photo_dir: str
    clean_service: str
    dock_action: str
    undock_action: str
    dock_type: str
    charge_start_timeout: float
    charge_timeout: float
    startup_timeout: float
    server_timeout: float
    series_name: str
    series_description: str
    speed_max: float
    width: float
    length: float
    height: float

    @classmethod
    def from_values(cls, values: Mapping[str, Any], namespace: str = "") -> DriverParameters:
        """Checked parameters from the node's values (missing names take their defaults)."""
        unknown = sorted(set(values) - set(PARAMETER_DEFAULTS))
        if unknown:
            raise ParameterError(f"unknown parameter(s): {', '.join(unknown)}")
        merged = {name: values.get(name, default) for name, default in PARAMETER_DEFAULTS.items()}
        for name, default in PARAMETER_DEFAULTS.items():
            merged[name] = _typed(name, merged[name], default)
        merged["serial_number"] = merged["serial_number"] or namespace.strip("/")
        if not merged["serial_number"]:
            raise ParameterError("serial_number: not set, and the node has no namespace to use")
        try:
            merged["kind"] = RobotKind(merged["kind"])
        except ValueError:
            kinds = ", ".join(k.value for k in RobotKind)
            raise ParameterError(f"kind: {merged['kind']!r} is not one of {kinds}") from None
        if merged["pose_source"] not in POSE_SOURCES:
            raise ParameterError(
                f"pose_source: {merged['pose_source']!r} is not one of {', '.join(POSE_SOURCES)}"
            )
        for name in ("map_frame", "battery_topic", "navigate_action", _pose_topic(merged)):
            if not merged[name]:
                raise ParameterError(f"{name}: must not be empty")
        for name in POSITIVE_PARAMETERS:
            _positive(name, merged[name])
        return cls(**merged)

    @property
    def pose_topic(self) -> str:
        """The topic the robot's map pose comes from."""
        return self.amcl_pose_topic if self.pose_source == "amcl" else self.odom_topic

    def agent_settings(self) -> dict[str, Any]:
        """The AgentSettings overrides these parameters make (unset ones are left out)."""
        chosen = {name: getattr(self, name) for name in AGENT_SETTING_NAMES}
        chosen = {name: value for name, value in chosen.items() if value}
        return {**chosen, "kind": self.kind.value}


def _pose_topic(merged: Mapping[str, Any]) -> str:
    return "amcl_pose_topic" if merged["pose_source"] == "amcl" else "odom_topic"


def _typed(name: str, value: Any, default: Any) -> Any:
    """The value in the type of its default; ints are accepted for floats (YAML writes 30)."""
    kind = type(default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ParameterError(f"{name}: expected {kind.__name__}, got {value!r}")
    return value.strip() if isinstance(value, str) else value


def _positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name}: must be a positive number, got {value!r}")


# Which parameter must be set for an action to be offered; actions not named here need nothing
# from the robot beyond navigation (dwell), or are not offered by this driver at all.
ACTION_REQUIREMENTS: dict[str, str] = {
    "announce": "tts_topic",
    "capturePhoto": "image_topic",
    "clean": "clean_service",
    "dock": "dock_action",
    "charge": "dock_action",
}
ALWAYS_OFFERED = frozenset({"dwell"})


def offered_actions(parameters: DriverParameters) -> tuple[AgvAction, ...]:
    """The kind's actions this robot can run as configured; the rest stay out of the factsheet."""
    configured = {
        action for action, name in ACTION_REQUIREMENTS.items() if getattr(parameters, name)
    }
    available = configured | ALWAYS_OFFERED
    return tuple(a for a in KIND_ACTIONS[parameters.kind] if a.action_type in available)




def option_values(options: Mapping[str, str]) -> dict[str, Any]:
    """Driver options (robot-agent --driver-option KEY=VALUE, all text) as typed parameters."""
    values: dict[str, Any] = {}
    for name, text in options.items():
        if name not in PARAMETER_DEFAULTS:
            raise ParameterError(f"unknown parameter(s): {name}")
        default = PARAMETER_DEFAULTS[name]
        if isinstance(default, bool):
            if text.lower() not in ("true", "false"):
                raise ParameterError(f"{name}: expected true or false, got {text!r}")
            values[name] = text.lower() == "true"
        elif isinstance(default, float):
            try:
                values[name] = float(text)
            except ValueError:
                raise ParameterError(f"{name}: expected a number, got {text!r}") from None
        else:
            values[name] = text
    return values
