"""The driver node's parameters: defaults in step with config/driver.yaml, and checks that name."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml
from fleet_robot_driver.parameters import (
    PARAMETER_DEFAULTS,
    DriverParameters,
    ParameterError,
    offered_actions,
    option_values,
)

from tests.ros_driver.conftest import PACKAGE_ROOT


def _yaml_parameters() -> dict[str, Any]:
    document = yaml.safe_load((PACKAGE_ROOT / "config" / "driver.yaml").read_text())
    assert list(document) == ["/**/fleet_robot_driver"], "applies to the node in any namespace"
    return dict(document["/**/fleet_robot_driver"]["ros__parameters"])


def test_the_shipped_yaml_holds_exactly_the_declared_defaults() -> None:
    assert _yaml_parameters() == PARAMETER_DEFAULTS
    names = {f.name for f in dataclasses.fields(DriverParameters)}
    assert names == set(PARAMETER_DEFAULTS)


def test_the_yaml_values_have_the_declared_types() -> None:
    # rclpy would refuse a YAML 30 for a parameter declared 30.0 without dynamic typing.
    for name, value in _yaml_parameters().items():
        assert type(value) is type(PARAMETER_DEFAULTS[name]), name


def test_serial_number_falls_back_to_the_namespace() -> None:
    assert DriverParameters.from_values({}, "/dog_01").serial_number == "dog_01"
    assert DriverParameters.from_values({"serial_number": "dog-01"}, "/x").serial_number == "dog-01"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "serial_number: not set, and the node has no namespace"),
        ({"serial_number": "r", "kind": "drone"}, "kind: 'drone' is not one of patrol_dog"),
        ({"serial_number": "r", "pose_source": "gps"}, "pose_source: 'gps' is not one of amcl"),
        ({"serial_number": "r", "speed_max": 0.0}, "speed_max: must be a positive number"),
        ({"serial_number": "r", "startup_timeout": "soon"}, "startup_timeout: expected float"),
        ({"serial_number": "r", "image_compressed": 1}, "image_compressed: expected bool"),
        ({"serial_number": "r", "width": True}, "width: expected float"),
        ({"serial_number": "r", "battery_topic": " "}, "battery_topic: must not be empty"),
        ({"serial_number": "r", "pose_source": "odom", "odom_topic": ""}, "odom_topic: must not"),
        ({"serial_number": "r", "tts": "x"}, "unknown parameter(s): tts"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        DriverParameters.from_values(values)
    assert message in str(caught.value)


def test_integers_are_taken_where_floats_are_declared() -> None:
    parameters = DriverParameters.from_values({"serial_number": "r", "startup_timeout": 45})
    assert parameters.startup_timeout == 45.0 and isinstance(parameters.startup_timeout, float)


def test_pose_topic_follows_the_pose_source() -> None:
    amcl = DriverParameters.from_values({"serial_number": "r"})
    odom = DriverParameters.from_values({"serial_number": "r", "pose_source": "odom"})
    assert (amcl.pose_topic, odom.pose_topic) == ("amcl_pose", "odom")


@pytest.mark.parametrize(
    ("kind", "configured", "offered"),
    [
        ("patrol_dog", {}, ["dwell", "dock", "charge"]),
        (
            "patrol_dog",
            {"tts_topic": "tts", "image_topic": "camera/image_raw"},
            ["announce", "capturePhoto", "dwell", "dock", "charge"],
        ),
        ("patrol_dog", {"dock_action": ""}, ["dwell"]),
        ("sanitation", {"clean_service": "deck/enable"}, ["clean", "dwell", "dock", "charge"]),
        ("sanitation", {"tts_topic": "tts"}, ["dwell", "dock", "charge"]),
        # greet and handover need hardware this driver does not speak to: never offered.
        ("service", {"tts_topic": "tts"}, ["announce", "dwell", "dock", "charge"]),
        ("other", {"tts_topic": "tts"}, []),
    ],
)
def test_only_configured_actions_of_the_kind_are_offered(
    kind: str, configured: dict[str, str], offered: list[str]
) -> None:
    parameters = DriverParameters.from_values({"serial_number": "r", "kind": kind, **configured})
    assert [a.action_type for a in offered_actions(parameters)] == offered


def test_agent_settings_carry_only_what_is_set() -> None:
    parameters = DriverParameters.from_values(
        {"serial_number": "dog-01", "mqtt_url": "mqtt://fleet:1883", "kind": "service"}
    )
    assert parameters.agent_settings() == {
        "serial_number": "dog-01",
        "mqtt_url": "mqtt://fleet:1883",
        "kind": "service",
    }


def test_driver_options_are_typed_by_their_defaults() -> None:
    values = option_values({"image_compressed": "True", "startup_timeout": "12", "tts_topic": "t"})
    assert values == {"image_compressed": True, "startup_timeout": 12.0, "tts_topic": "t"}
    with pytest.raises(ParameterError, match="startup_timeout: expected a number, got 'x'"):
        option_values({"startup_timeout": "x"})
    with pytest.raises(ParameterError, match="image_compressed: expected true or false"):
        option_values({"image_compressed": "yes"})
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\): speed_factor"):
        option_values({"speed_factor": "5"})
