"""What the launch files hand each robot's fleet_robot_driver node.

The driver's parameters are overrides of its own config/driver.yaml; only what the fleet, the
site or the simulation decides is set here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fleet_bringup.docks import DOCK_PLUGIN, MAP_FRAME
from fleet_bringup.layout import GAZEBO, HUMBLE, SIM_ROBOT, LayoutError, RobotSpec
from fleet_bringup.nav2_config import GAZEBO_ROBOT_SPEED
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.kinds import RobotKind
from simulation.profiles import profile_for
from simulation.ros_backend import simulated_interfaces
from simulation.ros_spec import SPEECH_TOPIC

# Simulated robots speak (std_msgs/String) here, so a patrol dog's `announce` is offered; in
# gz sim and on loopback nothing listens (the text is on the topic to see), fleet_sim_robot
# records it.
SIM_TTS_TOPIC = SPEECH_TOPIC


@dataclass(frozen=True)
class DriverSetting:
    """What one robot's driver parameters depend on."""

    serial_number: str
    kind: RobotKind
    map_id: str
    distro: str
    mqtt_url: str = ""
    manufacturer: str = ""
    backend: str | None = None  # None: a real robot


def check_mqtt_url(url: str) -> str:
    """The `mqtt_url` launch argument: empty (the driver's default) or mqtt[s]://host[:port]."""
    url = url.strip()
    if url:
        try:
            parse_broker_url(url)
        except ValueError as error:
            raise LayoutError(f"mqtt_url: {error}") from None
    return url


def check_kind(text: str) -> RobotKind:
    """The `kind` launch argument of one robot."""
    try:
        return RobotKind(text.strip())
    except ValueError:
        kinds = ", ".join(kind.value for kind in RobotKind)
        raise LayoutError(f"kind: unknown robot kind {text!r} (choose from {kinds})") from None


def driver_parameters(setting: DriverSetting) -> dict[str, Any]:
    """The driver node's parameter overrides (names from fleet_robot_driver's parameters.py)."""
    parameters: dict[str, Any] = {
        "serial_number": setting.serial_number,
        "kind": setting.kind.value,
        "map_id": setting.map_id,
        "map_frame": MAP_FRAME,
        # AMCL runs on every robot, real or simulated; its pose is in the map frame.
        "pose_source": "amcl",
        "dock_type": DOCK_PLUGIN,
    }
    if setting.mqtt_url:
        parameters["mqtt_url"] = check_mqtt_url(setting.mqtt_url)
    if setting.manufacturer:
        parameters["manufacturer"] = setting.manufacturer
    if setting.distro == HUMBLE:
        # Humble's Nav2 has no docking server: leave dock and charge out of the factsheet.
        parameters["dock_action"] = ""
    if setting.backend is not None:
        if setting.backend == SIM_ROBOT:  # the simulated robot's speaker, camera and deck
            parameters.update(simulated_interfaces(setting.kind))
        else:
            parameters["tts_topic"] = SIM_TTS_TOPIC
        profile = profile_for(setting.kind)
        speed = GAZEBO_ROBOT_SPEED if setting.backend == GAZEBO else profile.speed
        parameters.update(
            speed_max=speed, width=profile.width, length=profile.length, height=profile.height
        )
    return parameters


def spec_driver_setting(
    spec: RobotSpec, map_id: str, distro: str, backend: str, mqtt_url: str
) -> DriverSetting:
    """The driver setting of a simulated robot."""
    return DriverSetting(
        serial_number=spec.serial_number,
        kind=spec.kind,
        map_id=map_id,
        distro=distro,
        mqtt_url=mqtt_url,
        backend=backend,
    )
