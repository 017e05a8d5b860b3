"""The factsheet message: what a vehicle is and which actions it can run."""

from __future__ import annotations

from enum import Enum

from pydantic import ConfigDict, Field

from fleet_protocol.actions import BlockingType
from fleet_protocol.base import Bool, Header, NonEmptyStr, NonNegFloat, NonNegInt, WireModel


class AgvKinematic(str, Enum):
    """The vehicle's kinematics."""

    DIFF = "DIFF"
    OMNI = "OMNI"
    THREEWHEEL = "THREEWHEEL"


class AgvClass(str, Enum):
    """The simplified class of vehicle."""

    FORKLIFT = "FORKLIFT"
    CONVEYOR = "CONVEYOR"
    TUGGER = "TUGGER"
    CARRIER = "CARRIER"


class LocalizationType(str, Enum):
    """How the vehicle localises."""

    NATURAL = "NATURAL"
    REFLECTOR = "REFLECTOR"
    RFID = "RFID"
    DMC = "DMC"
    SPOT = "SPOT"
    GRID = "GRID"


class NavigationType(str, Enum):
    """How the vehicle navigates."""

    PHYSICAL_LINE_GUIDED = "PHYSICAL_LINE_GUIDED"
    VIRTUAL_LINE_GUIDED = "VIRTUAL_LINE_GUIDED"
    AUTONOMOUS = "AUTONOMOUS"


class TypeSpecification(WireModel):
    """Series and class of the vehicle."""

    series_name: NonEmptyStr
    series_description: str | None = None
    agv_kinematic: AgvKinematic
    agv_class: AgvClass
    max_load_mass: NonNegFloat
    localization_types: list[LocalizationType]
    navigation_types: list[NavigationType]


class PhysicalParameters(WireModel):
    """Speeds, accelerations and size."""

    speed_min: NonNegFloat
    speed_max: NonNegFloat
    acceleration_max: NonNegFloat
    deceleration_max: NonNegFloat
    height_min: NonNegFloat | None = None
    height_max: NonNegFloat
    width: NonNegFloat
    length: NonNegFloat


class MaxStringLens(WireModel):
    """Longest strings the vehicle accepts."""

    msg_len: NonNegInt | None = None
    topic_serial_len: NonNegInt | None = None
    topic_elem_len: NonNegInt | None = None
    id_len: NonNegInt | None = None
    id_numerical_only: Bool | None = None
    enum_len: NonNegInt | None = None
    load_id_len: NonNegInt | None = None


class MaxArrayLens(WireModel):
    """Longest arrays the vehicle accepts (keys contain dots on the wire)."""

    order_nodes: NonNegInt | None = Field(default=None, alias="order.nodes")
    order_edges: NonNegInt | None = Field(default=None, alias="order.edges")
    node_actions: NonNegInt | None = Field(default=None, alias="node.actions")
    edge_actions: NonNegInt | None = Field(default=None, alias="edge.actions")
    actions_actions_parameters: NonNegInt | None = Field(
        default=None, alias="actions.actionsParameters"
    )
    instant_actions: NonNegInt | None = Field(default=None, alias="instantActions")
    trajectory_knot_vector: NonNegInt | None = Field(default=None, alias="trajectory.knotVector")
    trajectory_control_points: NonNegInt | None = Field(
        default=None, alias="trajectory.controlPoints"
    )
    state_node_states: NonNegInt | None = Field(default=None, alias="state.nodeStates")
    state_edge_states: NonNegInt | None = Field(default=None, alias="state.edgeStates")
    state_loads: NonNegInt | None = Field(default=None, alias="state.loads")
    state_action_states: NonNegInt | None = Field(default=None, alias="state.actionStates")
    state_errors: NonNegInt | None = Field(default=None, alias="state.errors")
    state_information: NonNegInt | None = Field(default=None, alias="state.information")
    error_error_references: NonNegInt | None = Field(default=None, alias="error.errorReferences")
    information_info_references: NonNegInt | None = Field(
        default=None, alias="information.infoReferences"
    )


class Timing(WireModel):
    """Message intervals in seconds."""

    min_order_interval: NonNegFloat
    min_state_interval: NonNegFloat
    default_state_interval: NonNegFloat | None = None
    visualization_interval: NonNegFloat | None = None


class ProtocolLimits(WireModel):
    """String, array and timing limits."""

    max_string_lens: MaxStringLens
    max_array_lens: MaxArrayLens
    timing: Timing


class Support(str, Enum):
    """Whether an optional parameter is supported or required."""

    SUPPORTED = "SUPPORTED"
    REQUIRED = "REQUIRED"


class OptionalParameter(WireModel):
    """An optional protocol field and whether the vehicle uses it."""

    parameter: NonEmptyStr
    support: Support
    description: str | None = None


class ActionScope(str, Enum):
    """Where an action may be used."""

    INSTANT = "INSTANT"
    NODE = "NODE"
    EDGE = "EDGE"


class ValueDataType(str, Enum):
    """The type of an action parameter's value."""

    BOOL = "BOOL"
    NUMBER = "NUMBER"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    STRING = "STRING"
    OBJECT = "OBJECT"
    ARRAY = "ARRAY"


class ActionParameterSpec(WireModel):
    """A parameter an action takes."""

    key: NonEmptyStr
    value_data_type: ValueDataType
    description: str | None = None
    is_optional: Bool | None = None


class AgvAction(WireModel):
    """An action the vehicle can run, where, and with which parameters."""

    action_type: NonEmptyStr
    action_description: str | None = None
    action_scopes: list[ActionScope] = Field(min_length=1)
    action_parameters: list[ActionParameterSpec] | None = None
    result_description: str | None = None
    blocking_types: list[BlockingType] | None = None


class ProtocolFeatures(WireModel):
    """Optional parameters and actions the vehicle supports."""

    optional_parameters: list[OptionalParameter]
    agv_actions: list[AgvAction]


class AgvGeometry(WireModel):
    """Vehicle geometry; wheels and envelopes are optional and kept as sent, unmodelled."""

    model_config = ConfigDict(extra="allow")


class LoadSpecification(WireModel):
    """Load positions and sets; our robots carry no loads, so load sets stay unmodelled."""

    model_config = ConfigDict(extra="allow")

    load_positions: list[str] | None = None


class VersionInfo(WireModel):
    """A software or hardware version of the vehicle."""

    key: NonEmptyStr
    value: str


class Network(WireModel):
    """The vehicle's network settings."""

    dns_servers: list[str] | None = None
    ntp_servers: list[str] | None = None
    local_ip_address: str | None = None
    netmask: str | None = None
    default_gateway: str | None = None


class VehicleConfig(WireModel):
    """Software and hardware versions of the vehicle, and its network settings."""

    versions: list[VersionInfo] | None = None
    network: Network | None = None


class Factsheet(Header):
    """What a vehicle is and what it can do; retained on the factsheet topic."""

    type_specification: TypeSpecification
    physical_parameters: PhysicalParameters
    protocol_limits: ProtocolLimits
    protocol_features: ProtocolFeatures
    agv_geometry: AgvGeometry
    load_specification: LoadSpecification
    vehicle_config: VehicleConfig | None = None

    def action_types(self) -> set[str]:
        """The action types this vehicle declares."""
        return {a.action_type for a in self.protocol_features.agv_actions}
