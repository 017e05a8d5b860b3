"""Lightweight VDA 5050 vehicles for server tests: messages built from fleet_protocol models."""

from __future__ import annotations

from fleet_protocol.base import utc_now
from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from fleet_protocol.state import (
    AgvPosition,
    BatteryState,
    EStop,
    OperatingMode,
    SafetyState,
    State,
)
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic
from robot_agent.driver import VehicleDescription
from robot_agent.factsheet import build_factsheet
from tests.wire import WireRecorder

MANUFACTURER = "TestWorks"


def topic_of(serial: str, subtopic: Subtopic, manufacturer: str = MANUFACTURER) -> str:
    """The topic of a test vehicle."""
    return topic(DEFAULT_INTERFACE, manufacturer, serial, subtopic)


def connection(serial: str, state: ConnectionState, header_id: int = 0) -> bytes:
    """A connection message."""
    return Connection(
        header_id=header_id,
        timestamp=utc_now(),
        manufacturer=MANUFACTURER,
        serial_number=serial,
        connection_state=state,
    ).to_json()


def state(
    serial: str,
    *,
    x: float = 0.0,
    y: float = 0.0,
    map_id: str = "square",
    battery: float = 80.0,
    header_id: int = 0,
    order_id: str = "",
    driving: bool = False,
    manufacturer: str = MANUFACTURER,
) -> bytes:
    """An idle state message at (x, y)."""
    return State(
        header_id=header_id,
        timestamp=utc_now(),
        manufacturer=manufacturer,
        serial_number=serial,
        order_id=order_id,
        order_update_id=0,
        last_node_id="",
        last_node_sequence_id=0,
        driving=driving,
        paused=False,
        operating_mode=OperatingMode.AUTOMATIC,
        node_states=[],
        edge_states=[],
        action_states=[],
        errors=[],
        agv_position=AgvPosition(x=x, y=y, theta=0.0, map_id=map_id, position_initialized=True),
        battery_state=BatteryState(battery_charge=battery, charging=False),
        safety_state=SafetyState(e_stop=EStop.NONE, field_violation=False),
    ).to_json()


def factsheet(serial: str, kind: RobotKind) -> bytes:
    """The factsheet our agent would publish for a robot of this kind."""
    description = VehicleDescription(
        series_name=kind.value,
        series_description=f"test {kind.value}",
        speed_max=1.5,
        width=0.4,
        length=0.8,
        height=0.8,
        actions=KIND_ACTIONS[kind],
    )
    return build_factsheet(
        description,
        header_id=0,
        manufacturer=MANUFACTURER,
        serial_number=serial,
        state_interval=30.0,
        state_min_interval=0.1,
        visualization_interval=1.0,
    ).to_json()


def announce(
    wire: WireRecorder,
    serial: str,
    *,
    kind: RobotKind = RobotKind.PATROL_DOG,
    x: float = 0.0,
    y: float = 0.0,
    map_id: str = "square",
    battery: float = 80.0,
) -> None:
    """Publish what a robot sends on connecting: retained ONLINE and factsheet, then a state."""
    wire.publish(topic_of(serial, Subtopic.CONNECTION), connection(serial, ConnectionState.ONLINE))
    wire.publish(topic_of(serial, Subtopic.FACTSHEET), factsheet(serial, kind))
    wire.publish(
        topic_of(serial, Subtopic.STATE), state(serial, x=x, y=y, map_id=map_id, battery=battery)
    )
