"""The state and visualization messages (vehicle → master control)."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from fleet_protocol.base import (
    Angle,
    Bool,
    Header,
    NonEmptyStr,
    NonNegFloat,
    NonNegInt,
    Number,
    WireModel,
)
from fleet_protocol.order import NodePosition, Trajectory


class MapStatus(str, Enum):
    """Whether a map on the vehicle is in use."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class MapInfo(WireModel):
    """A map the vehicle has."""

    map_id: NonEmptyStr
    map_version: NonEmptyStr
    map_description: str | None = None
    map_status: MapStatus


class OperatingMode(str, Enum):
    """Who controls the vehicle."""

    AUTOMATIC = "AUTOMATIC"
    SEMIAUTOMATIC = "SEMIAUTOMATIC"
    MANUAL = "MANUAL"
    SERVICE = "SERVICE"
    TEACHIN = "TEACHIN"


class NodeState(WireModel):
    """A node of the current order that the vehicle has not yet passed."""

    node_id: NonEmptyStr
    sequence_id: NonNegInt
    node_description: str | None = None
    node_position: NodePosition | None = None
    released: Bool


class EdgeState(WireModel):
    """An edge of the current order that the vehicle has not yet traversed."""

    edge_id: NonEmptyStr
    sequence_id: NonNegInt
    edge_description: str | None = None
    released: Bool
    trajectory: Trajectory | None = None


class AgvPosition(WireModel):
    """The vehicle's pose on a map."""

    x: Number
    y: Number
    theta: Angle
    map_id: NonEmptyStr
    map_description: str | None = None
    position_initialized: Bool
    localization_score: Number | None = Field(default=None, ge=0.0, le=1.0)
    deviation_range: NonNegFloat | None = None


class Velocity(WireModel):
    """The vehicle's velocity in its own frame."""

    vx: Number | None = None
    vy: Number | None = None
    omega: Number | None = None


class BoundingBoxReference(WireModel):
    """Where a load's bounding box is referenced."""

    x: Number
    y: Number
    z: Number
    theta: Number | None = None


class LoadDimensions(WireModel):
    """A load's size in metres."""

    length: NonNegFloat
    width: NonNegFloat
    height: NonNegFloat | None = None


class Load(WireModel):
    """A load the vehicle carries."""

    load_id: str | None = None
    load_type: str | None = None
    load_position: str | None = None
    bounding_box_reference: BoundingBoxReference | None = None
    load_dimensions: LoadDimensions | None = None
    weight: NonNegFloat | None = None


class ActionStatus(str, Enum):
    """Where an action is in its life."""

    WAITING = "WAITING"
    INITIALIZING = "INITIALIZING"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


# The v2.1.0 JSON schema's enum lacks PAUSED although the spec text lists it; we never send it.
TERMINAL_ACTION_STATUSES = frozenset({ActionStatus.FINISHED, ActionStatus.FAILED})


class ActionState(WireModel):
    """The state of one action of the current order or of an instant action."""

    action_id: NonEmptyStr
    action_type: str | None = None
    action_description: str | None = None
    action_status: ActionStatus
    result_description: str | None = None


class BatteryState(WireModel):
    """Battery charge (percent), whether charging, and optional extras."""

    battery_charge: Number = Field(ge=0.0, le=100.0)
    battery_voltage: Number | None = None
    battery_health: Number | None = Field(default=None, ge=0.0, le=100.0)
    charging: Bool
    reach: NonNegFloat | None = None


class ErrorLevel(str, Enum):
    """How bad an error is."""

    WARNING = "WARNING"
    FATAL = "FATAL"


class Reference(WireModel):
    """What an error or an information entry refers to (headerId, orderId, nodeId, actionId ...);
    the spec's errorReference and infoReference have the same two fields."""

    reference_key: NonEmptyStr
    reference_value: str


ErrorReference = Reference
InfoReference = Reference


class Error(WireModel):
    """An error the vehicle reports."""

    error_type: NonEmptyStr
    error_references: list[ErrorReference] | None = None
    error_description: str | None = None
    error_hint: str | None = None
    error_level: ErrorLevel


class InfoLevel(str, Enum):
    """How important a piece of information is."""

    INFO = "INFO"
    DEBUG = "DEBUG"


class Information(WireModel):
    """Information the vehicle reports, for visualisation or debugging."""

    info_type: NonEmptyStr
    info_references: list[InfoReference] | None = None
    info_description: str | None = None
    info_level: InfoLevel


class EStop(str, Enum):
    """Which emergency stop is active."""

    AUTOACK = "AUTOACK"
    MANUAL = "MANUAL"
    REMOTE = "REMOTE"
    NONE = "NONE"


class SafetyState(WireModel):
    """Emergency stop and protective field state."""

    e_stop: EStop
    field_violation: Bool


class State(Header):
    """The vehicle's full state."""

    maps: list[MapInfo] | None = None
    order_id: str
    order_update_id: NonNegInt
    zone_set_id: str | None = None
    last_node_id: str
    last_node_sequence_id: NonNegInt
    driving: Bool
    paused: Bool | None = None
    new_base_request: Bool | None = None
    distance_since_last_node: NonNegFloat | None = None
    operating_mode: OperatingMode
    node_states: list[NodeState]
    edge_states: list[EdgeState]
    agv_position: AgvPosition | None = None
    velocity: Velocity | None = None
    loads: list[Load] | None = None
    action_states: list[ActionState]
    battery_state: BatteryState
    errors: list[Error]
    information: list[Information] | None = None
    safety_state: SafetyState


class Visualization(Header):
    """Position and velocity at a higher rate than state, for display only."""

    agv_position: AgvPosition | None = None
    velocity: Velocity | None = None
