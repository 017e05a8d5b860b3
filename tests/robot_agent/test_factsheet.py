"""The factsheet built from a driver's description validates and declares the right actions."""

from __future__ import annotations

from typing import Any

from fleet_protocol.kinds import KIND_ACTIONS, STANDARD_ACTIONS, RobotKind
from robot_agent.driver import VehicleDescription
from robot_agent.factsheet import build_factsheet
from tests.vda_schemas import validate_message


def describe(kind: RobotKind) -> VehicleDescription:
    return VehicleDescription(
        series_name=kind.value,
        series_description="test robot",
        speed_max=1.5,
        width=0.5,
        length=1.1,
        height=0.7,
        actions=KIND_ACTIONS[kind],
    )


def build(kind: RobotKind) -> dict[str, Any]:
    factsheet = build_factsheet(
        describe(kind),
        header_id=3,
        manufacturer="acme",
        serial_number="dog-01",
        state_interval=30.0,
        state_min_interval=0.1,
        visualization_interval=1.0,
    )
    validate_message("factsheet", factsheet.to_json())
    return factsheet.to_wire()


def test_every_kind_gives_a_valid_factsheet() -> None:
    for kind in RobotKind:
        sheet = build(kind)
        assert sheet["headerId"] == 3
        assert sheet["typeSpecification"]["seriesName"] == kind.value


def test_actions_are_the_standard_ones_plus_the_robots_own() -> None:
    sheet = build(RobotKind.SANITATION)
    declared = [a["actionType"] for a in sheet["protocolFeatures"]["agvActions"]]
    expected = [a.action_type for a in (*STANDARD_ACTIONS, *KIND_ACTIONS[RobotKind.SANITATION])]
    assert declared == expected
    assert len(set(declared)) == len(declared)


def test_physical_and_timing_figures_come_from_the_description_and_settings() -> None:
    sheet = build(RobotKind.PATROL_DOG)
    physical = sheet["physicalParameters"]
    assert (physical["speedMax"], physical["width"], physical["length"]) == (1.5, 0.5, 1.1)
    timing = sheet["protocolLimits"]["timing"]
    assert (timing["defaultStateInterval"], timing["visualizationInterval"]) == (30.0, 1.0)
