"""The simulated robot's inputs: loopback simulator, start pose, battery (sim_inputs)."""

from __future__ import annotations

import math

import pytest
import yaml
from fleet_bringup.layout import LayoutError, Pose2D
from fleet_bringup.sim_inputs import (
    LOOPBACK_SCAN_FRAME,
    battery_message,
    initial_pose_message,
    loopback_parameters,
)

from tests.ros_bringup.conftest import PACKAGE_ROOT


def test_the_initial_pose_message_is_the_start_pose_in_the_map_frame() -> None:
    message = yaml.safe_load(initial_pose_message(Pose2D(150.0, -40.0, -math.pi / 2)))
    assert message["header"]["frame_id"] == "map"
    pose = message["pose"]["pose"]
    assert (pose["position"]["x"], pose["position"]["y"]) == (150.0, -40.0)
    orientation = pose["orientation"]
    yaw = 2 * math.atan2(orientation["z"], orientation["w"])
    assert yaw == pytest.approx(-math.pi / 2)
    covariance = message["pose"]["covariance"]
    assert len(covariance) == 36
    assert covariance[0] > 0 and covariance[7] > 0 and covariance[35] > 0


def test_the_battery_message_is_a_fraction_of_a_discharging_battery() -> None:
    message = yaml.safe_load(battery_message(73.6))
    assert message == {"percentage": 0.736, "present": True, "power_supply_status": 2}
    for bad in (-1.0, 101.0, math.nan):
        with pytest.raises(LayoutError, match="battery charge"):
            battery_message(bad)


def test_loopback_frames_match_nav2s_and_it_leaves_map_to_odom_to_amcl() -> None:
    parameters = loopback_parameters()
    nav2 = yaml.safe_load((PACKAGE_ROOT / "config" / "nav2_params.yaml").read_text())
    amcl = nav2["amcl"]["ros__parameters"]
    assert parameters["base_frame_id"] == amcl["base_frame_id"]
    assert parameters["odom_frame_id"] == amcl["odom_frame_id"]
    assert parameters["map_frame_id"] == amcl["global_frame_id"]
    assert parameters["publish_map_odom_tf"] is False and amcl["tf_broadcast"] is True
    # One /clock per robot would fight: nothing in a loopback run uses simulated time.
    assert parameters["publish_clock"] is False and parameters["use_sim_time"] is False
    launch = (PACKAGE_ROOT / "launch" / "simulation.launch.py").read_text()
    assert "LOOPBACK_SCAN_FRAME" in launch and parameters["scan_frame_id"] == LOOPBACK_SCAN_FRAME
