"""The vehicle's position, velocity and battery as VDA 5050 state objects, from driver readings."""

from __future__ import annotations

import math

from fleet_protocol.base import PI_BOUND
from fleet_protocol.order import Node
from fleet_protocol.state import AgvPosition, BatteryState, Velocity
from robot_agent.driver import BatteryReading, Pose


def agv_position(pose: Pose) -> AgvPosition:
    """The pose as agvPosition, its heading brought into the spec's [-pi, pi]."""
    theta = math.atan2(math.sin(pose.theta), math.cos(pose.theta))
    return AgvPosition(
        x=pose.x,
        y=pose.y,
        theta=max(-PI_BOUND, min(PI_BOUND, theta)),
        map_id=pose.map_id,
        position_initialized=True,
    )


def velocity(speed: float) -> Velocity:
    """A forward speed as the velocity in the vehicle's frame."""
    return Velocity(vx=speed, vy=0.0)


def battery_state(reading: BatteryReading) -> BatteryState:
    """A battery reading as batteryState, the charge clamped to 0..100 %."""
    return BatteryState(
        battery_charge=min(max(reading.charge, 0.0), 100.0),
        battery_voltage=reading.voltage,
        charging=reading.charging,
    )


def distance_since(node: Node | None, pose: Pose) -> float | None:
    """Straight-line distance from the last node passed, if it has a position."""
    position = node.node_position if node else None
    if position is None:
        return None
    return math.hypot(pose.x - position.x, pose.y - position.y)
