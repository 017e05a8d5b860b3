"""Headings between VDA 5050 theta and ROS quaternions: normalised, round trips, pi and -pi."""

from __future__ import annotations

import math

import pytest

from fleet_protocol.orientation import (
    Quaternion,
    normalize_angle,
    quaternion_to_yaw,
    yaw_to_quaternion,
)


@pytest.mark.parametrize(
    ("angle", "expected"),
    [
        (0.0, 0.0),
        (math.pi, math.pi),
        (-math.pi, math.pi),
        (3 * math.pi, math.pi),
        (2 * math.pi, 0.0),
        (-math.pi / 2, -math.pi / 2),
        (3 * math.pi / 2, -math.pi / 2),
        (-7.0, -7.0 + 2 * math.pi),
    ],
)
def test_angles_are_normalised_into_minus_pi_exclusive_to_pi(angle: float, expected: float) -> None:
    assert normalize_angle(angle) == pytest.approx(expected, abs=1e-12)
    assert -math.pi < normalize_angle(angle) <= math.pi


def test_yaw_quaternions_are_rotations_about_z() -> None:
    assert yaw_to_quaternion(0.0) == Quaternion(0.0, 0.0, 0.0, 1.0)
    quarter = yaw_to_quaternion(math.pi / 2)
    assert (quarter.x, quarter.y) == (0.0, 0.0)
    assert quarter.z == pytest.approx(math.sqrt(0.5)) and quarter.w == pytest.approx(math.sqrt(0.5))
    half = yaw_to_quaternion(math.pi)
    assert half.z == pytest.approx(1.0) and half.w == pytest.approx(0.0, abs=1e-15)


def test_plus_and_minus_pi_give_the_same_quaternion_and_come_back_as_pi() -> None:
    assert yaw_to_quaternion(-math.pi) == yaw_to_quaternion(math.pi)
    assert quaternion_to_yaw(yaw_to_quaternion(-math.pi)) == pytest.approx(math.pi)
    # The other sign of the same rotation (w = 0, z = -1) is pi too, not -pi.
    assert quaternion_to_yaw(Quaternion(0.0, 0.0, -1.0, 0.0)) == pytest.approx(math.pi)


@pytest.mark.parametrize(
    "yaw",
    [0.0, 0.3, -0.3, 1.0, -2.5, math.pi / 2, -math.pi / 2, math.pi - 1e-9, -math.pi + 1e-9],
)
def test_yaw_round_trips_through_a_quaternion(yaw: float) -> None:
    q = yaw_to_quaternion(yaw)
    assert q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w == pytest.approx(1.0)
    assert quaternion_to_yaw(q) == pytest.approx(yaw, abs=1e-9)


def test_a_yaw_beyond_pi_round_trips_to_its_normalised_angle() -> None:
    assert quaternion_to_yaw(yaw_to_quaternion(5.0)) == pytest.approx(5.0 - 2 * math.pi)


def test_an_unnormalised_or_negated_quaternion_has_the_same_yaw() -> None:
    q = yaw_to_quaternion(1.2)
    assert quaternion_to_yaw(Quaternion(3 * q.x, 3 * q.y, 3 * q.z, 3 * q.w)) == pytest.approx(1.2)
    assert quaternion_to_yaw(Quaternion(-q.x, -q.y, -q.z, -q.w)) == pytest.approx(1.2)


def test_a_zero_quaternion_has_no_yaw() -> None:
    with pytest.raises(ValueError, match="no heading"):
        quaternion_to_yaw(Quaternion(0.0, 0.0, 0.0, 0.0))
