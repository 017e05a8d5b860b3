"""Serial numbers as ROS 2 namespaces: valid tokens, stable, and refusals named."""

from __future__ import annotations

import re

import pytest

from fleet_protocol.ros_names import ros_namespace

# A ROS 2 name token (rcl's rule for topic and namespace tokens).
TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@pytest.mark.parametrize(
    ("serial", "namespace"),
    [
        ("dog-01", "dog_01"),
        ("sweeper-12", "sweeper_12"),
        ("AGV.7:left", "AGV_7_left"),
        ("robot__1", "robot_1"),
        ("-edge-", "edge"),
        ("42", "r_42"),
        ("plain_name", "plain_name"),
    ],
)
def test_serial_numbers_become_valid_ros_tokens(serial: str, namespace: str) -> None:
    assert ros_namespace(serial) == namespace
    assert TOKEN.match(namespace)


def test_a_serial_without_letters_or_digits_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'-\.-'"):
        ros_namespace("-.-")
