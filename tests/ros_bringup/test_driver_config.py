"""The fleet_robot_driver parameters each robot is launched with (fleet_bringup.driver_config)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fleet_bringup.driver_config import (
    SIM_TTS_TOPIC,
    DriverSetting,
    check_kind,
    check_mqtt_url,
    driver_parameters,
    spec_driver_setting,
)
from fleet_bringup.layout import GAZEBO, LOOPBACK, SIM_ROBOT, LayoutError, plan_layout
from fleet_bringup.nav2_config import GAZEBO_ROBOT_SPEED
from fleet_robot_driver.parameters import PARAMETER_DEFAULTS, DriverParameters, offered_actions

from fleet_protocol.kinds import RobotKind
from fleet_protocol.site import Site
from simulation.profiles import profile_for
from tests.ros_bringup.conftest import DRIVER_ROOT


def _as_driver_sees_it(overrides: dict[str, Any]) -> DriverParameters:
    """The driver's checked parameters: its own driver.yaml, then the launch's overrides."""
    defaults = yaml.safe_load((DRIVER_ROOT / "config" / "driver.yaml").read_text())
    values = {**defaults["/**/fleet_robot_driver"]["ros__parameters"], **overrides}
    return DriverParameters.from_values(values)


def test_a_real_robot_carries_its_serial_kind_map_and_broker() -> None:
    setting = DriverSetting(
        "dog-07", RobotKind.PATROL_DOG, "longgang-demo", "jazzy", "mqtt://f:1883"
    )
    checked = _as_driver_sees_it(driver_parameters(setting))
    assert (checked.serial_number, checked.kind, checked.map_id, checked.mqtt_url) == (
        "dog-07",
        RobotKind.PATROL_DOG,
        "longgang-demo",
        "mqtt://f:1883",
    )
    assert checked.pose_source == "amcl" and checked.map_frame == "map"
    assert checked.dock_action  # Jazzy has a docking server


def test_only_known_driver_parameters_are_set(demo_site: Site) -> None:
    for backend in (GAZEBO, LOOPBACK):
        for spec in plan_layout(demo_site, 3, tuple(RobotKind)[:3], backend):
            setting = spec_driver_setting(spec, demo_site.map_id, "jazzy", backend, "mqtt://h")
            parameters = driver_parameters(setting)
            assert set(parameters) <= set(PARAMETER_DEFAULTS)
            assert _as_driver_sees_it(parameters).serial_number == spec.serial_number


def test_humble_robots_offer_no_docking() -> None:
    setting = DriverSetting("guide-01", RobotKind.SERVICE, "m", "humble")
    checked = _as_driver_sees_it(driver_parameters(setting))
    assert checked.dock_action == ""
    assert not {"dock", "charge"} & {a.action_type for a in offered_actions(checked)}


def test_empty_broker_and_manufacturer_are_left_to_the_driver() -> None:
    parameters = driver_parameters(DriverSetting("dog-01", RobotKind.PATROL_DOG, "m", "jazzy"))
    assert "mqtt_url" not in parameters and "manufacturer" not in parameters


def test_simulated_robots_speak_and_move_at_their_simulated_speed(demo_site: Site) -> None:
    dog = plan_layout(demo_site, 1, (RobotKind.PATROL_DOG,), LOOPBACK)[0]
    loopback = driver_parameters(spec_driver_setting(dog, "m", "jazzy", LOOPBACK, ""))
    assert loopback["tts_topic"] == SIM_TTS_TOPIC
    assert loopback["speed_max"] == profile_for(RobotKind.PATROL_DOG).speed
    assert "announce" in {a.action_type for a in offered_actions(_as_driver_sees_it(loopback))}
    gazebo = driver_parameters(spec_driver_setting(dog, "m", "jazzy", GAZEBO, ""))
    assert gazebo["speed_max"] == GAZEBO_ROBOT_SPEED


def test_on_simulated_ros_robots_each_kind_offers_what_the_simulated_robot_serves(
    demo_site: Site,
) -> None:
    dog, sweeper, guide = plan_layout(demo_site, 3, tuple(RobotKind)[:3], SIM_ROBOT)
    offered = {}
    for spec in (dog, sweeper, guide):
        parameters = driver_parameters(spec_driver_setting(spec, "m", "jazzy", SIM_ROBOT, ""))
        checked = _as_driver_sees_it(parameters)
        offered[spec.kind] = {action.action_type for action in offered_actions(checked)}
    assert {"announce", "capturePhoto", "dock", "charge"} <= offered[RobotKind.PATROL_DOG]
    assert {"clean", "dock", "charge"} <= offered[RobotKind.SANITATION]
    assert "clean" not in offered[RobotKind.PATROL_DOG]
    assert "announce" in offered[RobotKind.SERVICE]


def test_a_bad_broker_url_or_kind_is_named() -> None:
    assert check_mqtt_url(" mqtt://fleet:1884 ") == "mqtt://fleet:1884"
    assert check_mqtt_url("") == ""
    with pytest.raises(LayoutError, match=r"mqtt_url: .*scheme must be mqtt"):
        check_mqtt_url("http://fleet:1883")
    assert check_kind("sanitation") is RobotKind.SANITATION
    with pytest.raises(LayoutError, match="kind: unknown robot kind 'drone'"):
        check_kind("drone")
