"""Builds the vehicle's factsheet from what its driver says about the robot."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fleet_protocol.base import utc_now
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
from fleet_protocol.kinds import STANDARD_ACTIONS
from robot_agent.driver import VehicleDescription

# Not in the driver's description; conservative figures for small service robots (m/s²).
ACCELERATION_MAX = 0.5
DECELERATION_MAX = 1.0
MIN_ORDER_INTERVAL = 0.1  # seconds

# The optional order and state fields this agent reads or reports.
OPTIONAL_PARAMETERS = (
    OptionalParameter(
        parameter="order.nodes.nodePosition",
        support=Support.REQUIRED,
        description="The robot navigates to node positions; nodes without one are refused.",
    ),
    OptionalParameter(
        parameter="order.nodes.nodePosition.allowedDeviationXY",
        support=Support.SUPPORTED,
        description="Used to decide whether the first node of an order is trivially reachable.",
    ),
    OptionalParameter(parameter="order.nodes.nodePosition.theta", support=Support.SUPPORTED),
    OptionalParameter(parameter="order.edges.maxSpeed", support=Support.SUPPORTED),
    OptionalParameter(parameter="state.paused", support=Support.SUPPORTED),
    OptionalParameter(parameter="state.newBaseRequest", support=Support.SUPPORTED),
    OptionalParameter(parameter="state.agvPosition", support=Support.SUPPORTED),
    OptionalParameter(parameter="state.velocity", support=Support.SUPPORTED),
)


def _agent_version() -> str:
    try:
        return version("robot-fleet")
    except PackageNotFoundError:
        return "unknown"


def build_factsheet(
    description: VehicleDescription,
    *,
    header_id: int,
    manufacturer: str,
    serial_number: str,
    state_interval: float,
    state_min_interval: float,
    visualization_interval: float,
) -> Factsheet:
    """The factsheet: the driver's series, size and actions plus the standard instant actions."""
    standard = {a.action_type for a in STANDARD_ACTIONS}
    actions = [
        *STANDARD_ACTIONS,
        *(a for a in description.actions if a.action_type not in standard),
    ]
    return Factsheet(
        header_id=header_id,
        timestamp=utc_now(),
        manufacturer=manufacturer,
        serial_number=serial_number,
        type_specification=TypeSpecification(
            series_name=description.series_name,
            series_description=description.series_description or None,
            agv_kinematic=AgvKinematic.DIFF,
            agv_class=AgvClass.CARRIER,
            max_load_mass=0.0,
            localization_types=[LocalizationType.NATURAL],
            navigation_types=[NavigationType.AUTONOMOUS],
        ),
        physical_parameters=PhysicalParameters(
            speed_min=0.0,
            speed_max=description.speed_max,
            acceleration_max=ACCELERATION_MAX,
            deceleration_max=DECELERATION_MAX,
            height_max=description.height,
            width=description.width,
            length=description.length,
        ),
        protocol_limits=ProtocolLimits(
            max_string_lens=MaxStringLens(),
            max_array_lens=MaxArrayLens(),
            timing=Timing(
                min_order_interval=MIN_ORDER_INTERVAL,
                min_state_interval=state_min_interval,
                default_state_interval=state_interval,
                visualization_interval=visualization_interval,
            ),
        ),
        protocol_features=ProtocolFeatures(
            optional_parameters=list(OPTIONAL_PARAMETERS), agv_actions=actions
        ),
        agv_geometry=AgvGeometry(),
        load_specification=LoadSpecification(),
        vehicle_config=VehicleConfig(
            versions=[VersionInfo(key="robot-agent", value=_agent_version())]
        ),
    )
