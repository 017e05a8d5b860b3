"""Realistic VDA 5050 messages of a patrol dog on the demo site, built with our models."""

from __future__ import annotations

from datetime import datetime, timezone

from fleet_protocol.actions import Action, ActionParameter, BlockingType
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
    OptionalParameter,
    PhysicalParameters,
    ProtocolFeatures,
    ProtocolLimits,
    Support,
    Timing,
    TypeSpecification,
    VehicleConfig,
    VersionInfo,
)
from fleet_protocol.kinds import CANCEL_ORDER, KIND_ACTIONS, STANDARD_ACTIONS, RobotKind
from fleet_protocol.order import (
    ControlPoint,
    Edge,
    InstantActions,
    Node,
    NodePosition,
    Order,
    OrientationType,
    Trajectory,
)
from fleet_protocol.state import (
    ActionState,
    ActionStatus,
    AgvPosition,
    BatteryState,
    EdgeState,
    Error,
    ErrorLevel,
    ErrorReference,
    EStop,
    InfoLevel,
    InfoReference,
    Information,
    MapInfo,
    MapStatus,
    NodeState,
    OperatingMode,
    SafetyState,
    State,
    Velocity,
    Visualization,
)

MANUFACTURER = "district-robotics"
SERIAL = "dog-007"
MAP_ID = "district-demo"
# A fixed instant with milliseconds, so that wire text is predictable.
WHEN = datetime(2025, 3, 14, 9, 26, 53, 589000, tzinfo=timezone.utc)

HEADER = {
    "header_id": 42,
    "timestamp": WHEN,
    "manufacturer": MANUFACTURER,
    "serial_number": SERIAL,
}

# (node id, x, y): a stretch of the street loop.
ROUTE = [("gate", 0.0, 0.0), ("plaza-n", 12.5, 0.0), ("plaza-e", 12.5, 8.0), ("kiosk", 20.0, 8.0)]


def announce(action_id: str, text: str = "请勿占道经营 Please keep the pavement clear") -> Action:
    """The patrol dog's spoken warning."""
    return Action(
        action_type="announce",
        action_id=action_id,
        action_description="warn about a stall on the pavement",
        blocking_type=BlockingType.HARD,
        action_parameters=[
            ActionParameter(key="text", value=text),
            ActionParameter(key="language", value="zh"),
            ActionParameter(key="repeat", value=2),
        ],
    )


def order(released: int = 2, order_update_id: int = 0, first_sequence_id: int = 0) -> Order:
    """An order over ROUTE whose first `released` nodes are the base, the rest the horizon."""
    nodes = []
    edges = []
    for i, (node_id, x, y) in enumerate(ROUTE):
        actions = []
        if node_id == "plaza-e":
            actions = [
                Action(
                    action_type="capturePhoto",
                    action_id="photo-1",
                    blocking_type=BlockingType.HARD,
                    action_parameters=[ActionParameter(key="direction", value="left")],
                ),
                announce("announce-1"),
            ]
        nodes.append(
            Node(
                node_id=node_id,
                sequence_id=first_sequence_id + 2 * i,
                node_description=f"street loop {node_id}",
                released=i < released,
                node_position=NodePosition(
                    x=x,
                    y=y,
                    theta=0.0 if i % 2 == 0 else 1.5707963,
                    allowed_deviation_x_y=0.5,
                    allowed_deviation_theta=0.35,
                    map_id=MAP_ID,
                ),
                actions=actions,
            )
        )
    for i in range(len(ROUTE) - 1):
        start, end = ROUTE[i][0], ROUTE[i + 1][0]
        edges.append(
            Edge(
                edge_id=f"{start}--{end}",
                sequence_id=first_sequence_id + 2 * i + 1,
                released=i + 1 < released,
                start_node_id=start,
                end_node_id=end,
                max_speed=1.5,
                orientation_type=OrientationType.TANGENTIAL,
                rotation_allowed=True,
                length=12.5,
                trajectory=Trajectory(
                    degree=1,
                    knot_vector=[0.0, 0.0, 1.0, 1.0],
                    control_points=[
                        ControlPoint(x=ROUTE[i][1], y=ROUTE[i][2]),
                        ControlPoint(x=ROUTE[i + 1][1], y=ROUTE[i + 1][2], weight=1.0),
                    ],
                )
                if i == 0
                else None,
                actions=[
                    Action(
                        action_type="capturePhoto",
                        action_id=f"edge-photo-{i}",
                        blocking_type=BlockingType.NONE,
                    )
                ]
                if i == 1
                else [],
            )
        )
    return Order(
        **HEADER,
        order_id="mission-17-part-1",
        order_update_id=order_update_id,
        nodes=nodes,
        edges=edges,
    )


def instant_actions() -> InstantActions:
    """cancelOrder plus an instant announce."""
    return InstantActions(
        **HEADER,
        actions=[
            Action(
                action_type=CANCEL_ORDER, action_id="cancel-17", blocking_type=BlockingType.HARD
            ),
            announce("announce-now", "请让行 Please make way"),
        ],
    )


def state() -> State:
    """A dog halfway through `order()`, with a warning and a fatal error."""
    return State(
        **HEADER,
        maps=[MapInfo(map_id=MAP_ID, map_version="3", map_status=MapStatus.ENABLED)],
        order_id="mission-17-part-1",
        order_update_id=0,
        last_node_id="plaza-n",
        last_node_sequence_id=2,
        driving=True,
        paused=False,
        new_base_request=False,
        distance_since_last_node=3.2,
        operating_mode=OperatingMode.AUTOMATIC,
        node_states=[
            NodeState(
                node_id="plaza-e",
                sequence_id=4,
                released=False,
                node_position=NodePosition(x=12.5, y=8.0, theta=1.5707963, map_id=MAP_ID),
            ),
            NodeState(node_id="kiosk", sequence_id=6, released=False),
        ],
        edge_states=[
            EdgeState(edge_id="plaza-n--plaza-e", sequence_id=3, released=False),
            EdgeState(edge_id="plaza-e--kiosk", sequence_id=5, released=False),
        ],
        agv_position=AgvPosition(
            x=12.5,
            y=3.2,
            theta=1.57,
            map_id=MAP_ID,
            position_initialized=True,
            localization_score=0.93,
            deviation_range=0.08,
        ),
        velocity=Velocity(vx=1.2, vy=0.0, omega=0.05),
        loads=[],
        action_states=[
            ActionState(
                action_id="photo-1",
                action_type="capturePhoto",
                action_status=ActionStatus.WAITING,
            ),
            ActionState(
                action_id="announce-0",
                action_type="announce",
                action_status=ActionStatus.FINISHED,
                result_description="spoken twice",
            ),
            ActionState(
                action_id="photo-0",
                action_type="capturePhoto",
                action_status=ActionStatus.FAILED,
                result_description="camera busy",
            ),
        ],
        battery_state=BatteryState(
            battery_charge=76.5,
            battery_voltage=48.2,
            battery_health=97.0,
            charging=False,
            reach=4200.0,
        ),
        errors=[
            Error(
                error_type="orderUpdateError",
                error_references=[
                    ErrorReference(reference_key="orderId", reference_value="mission-17-part-1"),
                    ErrorReference(reference_key="orderUpdateId", reference_value="0"),
                ],
                error_description="orderUpdateId 0 is not newer than 0",
                error_level=ErrorLevel.WARNING,
            ),
            Error(
                error_type="legBlocked",
                error_description="front left leg motor overheated",
                error_hint="let it cool down",
                error_level=ErrorLevel.FATAL,
            ),
        ],
        information=[
            Information(
                info_type="driver",
                info_references=[InfoReference(reference_key="driver", reference_value="sim")],
                info_description="simulated robot",
                info_level=InfoLevel.INFO,
            )
        ],
        safety_state=SafetyState(e_stop=EStop.NONE, field_violation=False),
    )


def idle_state() -> State:
    """The state of a vehicle that never had an order: empty ids and lists."""
    return State(
        **HEADER,
        order_id="",
        order_update_id=0,
        last_node_id="",
        last_node_sequence_id=0,
        driving=False,
        operating_mode=OperatingMode.AUTOMATIC,
        node_states=[],
        edge_states=[],
        action_states=[],
        battery_state=BatteryState(battery_charge=100.0, charging=True),
        errors=[],
        safety_state=SafetyState(e_stop=EStop.AUTOACK, field_violation=True),
    )


def visualization() -> Visualization:
    """A position update."""
    return Visualization(
        **HEADER,
        agv_position=AgvPosition(
            x=-3.25, y=7.5, theta=-3.14, map_id=MAP_ID, position_initialized=True
        ),
        velocity=Velocity(vx=0.8, omega=-0.1),
    )


def connection(connection_state: ConnectionState) -> Connection:
    """A connection message."""
    return Connection(**HEADER, connection_state=connection_state)


def factsheet(kind: RobotKind) -> Factsheet:
    """A factsheet declaring the standard instant actions and the kind's own actions."""
    return Factsheet(
        **HEADER,
        type_specification=TypeSpecification(
            series_name=kind.value,
            series_description=f"{kind.value} robot of the district fleet",
            agv_kinematic=AgvKinematic.OMNI if kind is RobotKind.PATROL_DOG else AgvKinematic.DIFF,
            agv_class=AgvClass.CARRIER,
            max_load_mass=0.0,
            localization_types=[LocalizationType.NATURAL],
            navigation_types=[NavigationType.AUTONOMOUS],
        ),
        physical_parameters=PhysicalParameters(
            speed_min=0.0,
            speed_max=1.5,
            acceleration_max=1.0,
            deceleration_max=1.5,
            height_min=0.6,
            height_max=0.7,
            width=0.4,
            length=0.9,
        ),
        protocol_limits=ProtocolLimits(
            max_string_lens=MaxStringLens(msg_len=1_000_000, id_len=64, id_numerical_only=False),
            max_array_lens=MaxArrayLens(
                order_nodes=200,
                order_edges=199,
                node_actions=8,
                edge_actions=4,
                actions_actions_parameters=8,
                instant_actions=16,
                state_node_states=200,
                state_edge_states=199,
                state_action_states=400,
                state_errors=32,
            ),
            timing=Timing(
                min_order_interval=0.5,
                min_state_interval=0.5,
                default_state_interval=30.0,
                visualization_interval=1.0,
            ),
        ),
        protocol_features=ProtocolFeatures(
            optional_parameters=[
                OptionalParameter(
                    parameter="order.nodes.nodePosition.allowedDeviationTheta",
                    support=Support.SUPPORTED,
                ),
                OptionalParameter(parameter="state.agvPosition", support=Support.REQUIRED),
            ],
            agv_actions=[*STANDARD_ACTIONS, *KIND_ACTIONS[kind]],
        ),
        agv_geometry=AgvGeometry(),
        load_specification=LoadSpecification(),
        vehicle_config=VehicleConfig(versions=[VersionInfo(key="agent", value="0.1.0")]),
    )
