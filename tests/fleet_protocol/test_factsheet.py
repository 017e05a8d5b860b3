"""Tests of fleet_protocol.factsheet: factsheets of our kinds and of other vehicles."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from fleet_protocol.actions import BlockingType
from fleet_protocol.factsheet import Factsheet, MaxArrayLens
from fleet_protocol.kinds import KIND_ACTIONS, STANDARD_ACTIONS, RobotKind
from tests.fleet_protocol import samples
from tests.fleet_protocol.schema_walk import compare
from tests.vda_schemas import schema_errors, validate_message


@pytest.mark.parametrize("kind", list(RobotKind))
def test_factsheet_of_each_kind_validates_and_round_trips(kind: RobotKind) -> None:
    made = samples.factsheet(kind)
    validate_message("factsheet", made.to_json())
    assert Factsheet.model_validate_json(made.to_json()) == made


@pytest.mark.parametrize("kind", list(RobotKind))
def test_factsheet_declares_the_standard_and_the_kind_actions(kind: RobotKind) -> None:
    parsed = Factsheet.model_validate_json(samples.factsheet(kind).to_json())
    expected = {a.action_type for a in STANDARD_ACTIONS} | {
        a.action_type for a in KIND_ACTIONS[kind]
    }
    assert parsed.action_types() == expected
    assert "cancelOrder" in parsed.action_types()


def test_patrol_dog_announce_is_declared_with_its_parameters() -> None:
    wire = samples.factsheet(RobotKind.PATROL_DOG).to_wire()
    announce = next(
        a for a in wire["protocolFeatures"]["agvActions"] if a["actionType"] == "announce"
    )
    assert announce["actionScopes"] == ["NODE", "INSTANT"]
    assert [p["key"] for p in announce["actionParameters"]] == ["text", "language", "repeat"]
    assert announce["actionParameters"][0] == {
        "key": "text",
        "valueDataType": "STRING",
        "description": "What to say.",
        "isOptional": False,
    }


def test_max_array_lens_use_the_dotted_keys_of_the_spec() -> None:
    wire = samples.factsheet(RobotKind.SERVICE).to_wire()["protocolLimits"]["maxArrayLens"]
    assert wire == {
        "order.nodes": 200,
        "order.edges": 199,
        "node.actions": 8,
        "edge.actions": 4,
        "actions.actionsParameters": 8,
        "instantActions": 16,
        "state.nodeStates": 200,
        "state.edgeStates": 199,
        "state.actionStates": 400,
        "state.errors": 32,
    }
    assert MaxArrayLens.model_validate(wire).order_nodes == 200


def test_top_level_keys_are_camel_case() -> None:
    wire = samples.factsheet(RobotKind.SANITATION).to_wire()
    assert {
        "typeSpecification",
        "physicalParameters",
        "protocolLimits",
        "protocolFeatures",
        "agvGeometry",
        "loadSpecification",
        "vehicleConfig",
    } <= set(wire)
    assert wire["typeSpecification"]["seriesName"] == "sanitation"
    assert wire["protocolLimits"]["timing"]["minOrderInterval"] == 0.5


def test_every_schema_property_is_modelled_or_kept() -> None:
    """Another vendor's factsheet may use any schema field; none may be rejected."""
    assert compare(Factsheet, "factsheet")["unmodelled"] == []


def test_no_schema_required_key_can_be_left_out() -> None:
    assert compare(Factsheet, "factsheet")["omittable"] == []


def full_third_party_factsheet() -> dict[str, Any]:
    """A forklift factsheet using the optional parts of the schema we do not use ourselves."""
    wire = copy.deepcopy(samples.factsheet(RobotKind.OTHER).to_wire())
    wire["typeSpecification"]["agvClass"] = "FORKLIFT"
    wire["protocolLimits"]["maxArrayLens"].update(
        {
            "trajectory.knotVector": 20,
            "trajectory.controlPoints": 16,
            "state.loads": 2,
            "state.information": 8,
            "error.errorReferences": 4,
            "information.infoReferences": 4,
        }
    )
    wire["agvGeometry"] = {
        "wheelDefinitions": [
            {
                "type": "DRIVE",
                "isActiveDriven": True,
                "isActiveSteered": False,
                "position": {"x": 0.5, "y": 0.2},
                "diameter": 0.2,
                "width": 0.05,
            }
        ],
        "envelopes2d": [
            {"set": "base", "polygonPoints": [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1}]}
        ],
    }
    wire["loadSpecification"] = {
        "loadPositions": ["front"],
        "loadSets": [{"setName": "euro", "loadType": "EPAL"}],
    }
    wire["vehicleConfig"]["network"] = {
        "dnsServers": ["10.0.0.1"],
        "ntpServers": ["10.0.0.2"],
        "localIpAddress": "10.0.3.7",
        "netmask": "255.255.0.0",
        "defaultGateway": "10.0.0.254",
    }
    return wire


def test_factsheet_of_another_vendor_with_every_optional_part_parses() -> None:
    wire = full_third_party_factsheet()
    validate_message("factsheet", wire)
    parsed = Factsheet.model_validate(wire)
    assert parsed.to_wire() == wire


def test_negative_limits_are_rejected() -> None:
    wire = samples.factsheet(RobotKind.PATROL_DOG).to_wire()
    wire["protocolLimits"]["maxArrayLens"]["order.nodes"] = -1
    with pytest.raises(ValidationError, match=r"order\.nodes"):
        Factsheet.model_validate(wire)


def test_action_without_scope_is_rejected() -> None:
    wire = samples.factsheet(RobotKind.PATROL_DOG).to_wire()
    wire["protocolFeatures"]["agvActions"][0]["actionScopes"] = []
    with pytest.raises(ValidationError, match="actionScopes"):
        Factsheet.model_validate(wire)


def test_unknown_field_is_ignored() -> None:
    """A vendor's factsheet with its own keys still describes the vehicle."""
    wire = samples.factsheet(RobotKind.PATROL_DOG).to_wire()
    wire["typeSpecification"]["colour"] = "orange"
    factsheet = Factsheet.model_validate(wire)
    assert factsheet.type_specification.series_name == wire["typeSpecification"]["seriesName"]
    assert "colour" not in factsheet.to_wire()["typeSpecification"]


def test_no_action_declares_blocking_types_because_the_v210_schema_rejects_them() -> None:
    """The v2.1.0 schema puts the enum on the array itself (a known erratum)."""
    wire = samples.factsheet(RobotKind.PATROL_DOG).to_wire()
    assert all("blockingTypes" not in a for a in wire["protocolFeatures"]["agvActions"])
    wire["protocolFeatures"]["agvActions"][0]["blockingTypes"] = ["HARD"]
    assert any("blockingTypes" in e for e in schema_errors("factsheet", wire))
    # A vehicle that sends them anyway (as the spec text allows) is still understood.
    parsed = Factsheet.model_validate(wire)
    assert parsed.protocol_features.agv_actions[0].blocking_types == [BlockingType.HARD]
