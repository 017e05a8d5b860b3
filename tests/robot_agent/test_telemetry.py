"""Driver readings as VDA 5050 position, velocity and battery objects."""

from __future__ import annotations

import math

from fleet_protocol.order import Node, NodePosition
from robot_agent.driver import BatteryReading, Pose
from robot_agent.telemetry import agv_position, battery_state, distance_since, velocity
from tests.robot_agent.messages import MAP


def test_heading_is_brought_into_minus_pi_to_pi() -> None:
    position = agv_position(Pose(1.0, 2.0, 4.0, MAP))
    assert math.isclose(position.theta, 4.0 - 2 * math.pi)
    assert (position.x, position.y, position.map_id, position.position_initialized) == (
        1.0,
        2.0,
        MAP,
        True,
    )
    assert math.isclose(agv_position(Pose(0.0, 0.0, -math.pi, MAP)).theta, -math.pi)


def test_battery_charge_is_kept_within_percent() -> None:
    assert battery_state(BatteryReading(charge=100.4, charging=True)).battery_charge == 100.0
    low = battery_state(BatteryReading(charge=-0.2, charging=False, voltage=23.9))
    assert (low.battery_charge, low.charging, low.battery_voltage) == (0.0, False, 23.9)


def test_velocity_is_forward_speed() -> None:
    assert velocity(1.25).to_wire() == {"vx": 1.25, "vy": 0.0}


def test_distance_since_the_last_node() -> None:
    node = Node(
        node_id="A",
        sequence_id=0,
        released=True,
        node_position=NodePosition(x=1.0, y=1.0, map_id=MAP),
    )
    assert distance_since(node, Pose(4.0, 5.0, 0.0, MAP)) == 5.0
    assert distance_since(None, Pose(4.0, 5.0, 0.0, MAP)) is None
