"""Lightweight VDA 5050 vehicles for server tests: messages built from fleet_protocol models."""

from __future__ import annotations

from fleet_protocol.base import utc_now
from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.factsheet import (
    AgvClass,
    AgvGeometry,
    AgvKinematic,
    Factsheet,
    LoadSpecification,
    LocalizationType,
    MaxArrayLens,
    MaxStringLens,
    NavigationType,
    PhysicalParameters,
    ProtocolFeatures,
    ProtocolLimits,
    Timing,
    TypeSpecification,
)
from fleet_protocol.kinds import KIND_ACTIONS, STANDARD_ACTIONS, RobotKind
from fleet_protocol.state import (
    AgvPosition,
    BatteryState,
    EStop,
    OperatingMode,
    SafetyState,
    State,
)
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic

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
) -> bytes:
    """An idle state message at (x, y)."""
    return State(
        header_id=header_id,
        timestamp=utc_now(),
        manufacturer=MANUFACTURER,
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
    """A factsheet declaring the kind's actions."""
    return Factsheet(
        header_id=0,
        timestamp=utc_now(),
        manufacturer=MANUFACTURER,
        serial_number=serial,
        type_specification=TypeSpecification(
            series_name=kind.value,
            agv_kinematic=AgvKinematic.DIFF,
            agv_class=AgvClass.CARRIER,
            max_load_mass=0,
            localization_types=[LocalizationType.NATURAL],
            navigation_types=[NavigationType.AUTONOMOUS],
        ),
        physical_parameters=PhysicalParameters(
            speed_min=0,
            speed_max=1.5,
            acceleration_max=1,
            deceleration_max=1,
            height_max=0.8,
            width=0.4,
            length=0.8,
        ),
        protocol_limits=ProtocolLimits(
            max_string_lens=MaxStringLens(),
            max_array_lens=MaxArrayLens(),
            timing=Timing(min_order_interval=0.5, min_state_interval=0.1),
        ),
        protocol_features=ProtocolFeatures(
            optional_parameters=[], agv_actions=[*STANDARD_ACTIONS, *KIND_ACTIONS[kind]]
        ),
        agv_geometry=AgvGeometry(),
        load_specification=LoadSpecification(),
    ).to_json()
