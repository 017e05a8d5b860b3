"""Tests of fleet_protocol.state: state and visualization against the official schemas."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from fleet_protocol.state import (
    TERMINAL_ACTION_STATUSES,
    ActionStatus,
    State,
    Visualization,
)
from tests.fleet_protocol import samples
from tests.fleet_protocol.schema_walk import compare
from tests.vda_schemas import schema_errors, validate_message


def state_wire(**changes: Any) -> dict[str, Any]:
    wire = copy.deepcopy(samples.state().to_wire())
    wire.update(changes)
    return wire


def test_full_state_validates() -> None:
    validate_message("state", samples.state().to_json())


def test_idle_state_validates() -> None:
    wire = samples.idle_state().to_wire()
    validate_message("state", wire)
    assert wire["orderId"] == "" and wire["lastNodeId"] == ""
    assert wire["nodeStates"] == [] and wire["actionStates"] == [] and wire["errors"] == []


def test_visualization_validates() -> None:
    validate_message("visualization", samples.visualization().to_json())


def test_every_schema_property_is_modelled() -> None:
    """A third-party vehicle may send any of them; extra='forbid' would drop its state."""
    assert compare(State, "state")["unmodelled"] == []
    assert compare(Visualization, "visualization")["unmodelled"] == []


def test_no_schema_required_key_can_be_left_out() -> None:
    assert compare(State, "state")["omittable"] == []


def test_state_keys_are_camel_case() -> None:
    wire = samples.state().to_wire()
    assert {
        "orderUpdateId",
        "lastNodeId",
        "lastNodeSequenceId",
        "nodeStates",
        "edgeStates",
        "actionStates",
        "batteryState",
        "operatingMode",
        "safetyState",
        "agvPosition",
        "newBaseRequest",
        "distanceSinceLastNode",
    } <= set(wire)
    assert wire["safetyState"] == {"eStop": "NONE", "fieldViolation": False}
    assert wire["batteryState"] == {
        "batteryCharge": 76.5,
        "batteryVoltage": 48.2,
        "batteryHealth": 97.0,
        "charging": False,
        "reach": 4200.0,
    }
    assert set(wire["agvPosition"]) == {
        "x",
        "y",
        "theta",
        "mapId",
        "positionInitialized",
        "localizationScore",
        "deviationRange",
    }
    assert wire["errors"][0]["errorReferences"][0] == {
        "referenceKey": "orderId",
        "referenceValue": "mission-17-part-1",
    }
    assert wire["information"][0]["infoLevel"] == "INFO"


def test_state_round_trip() -> None:
    for made in (samples.state(), samples.idle_state()):
        assert State.model_validate_json(made.to_json()) == made
    assert Visualization.model_validate_json(samples.visualization().to_json()) == (
        samples.visualization()
    )


def test_state_timestamp_is_in_the_spec_format() -> None:
    assert samples.state().to_wire()["timestamp"] == "2025-03-14T09:26:53.589Z"


def test_paused_action_status_is_modelled_but_not_in_the_v210_schema() -> None:
    """The spec text lists PAUSED; the v2.1.0 schema's enum does not, so we must not send it."""
    wire = state_wire()
    wire["actionStates"][0]["actionStatus"] = "PAUSED"
    assert State.model_validate(wire).action_states[0].action_status is ActionStatus.PAUSED
    assert any("actionStatus" in error for error in schema_errors("state", wire))
    assert ActionStatus.PAUSED not in TERMINAL_ACTION_STATUSES
    assert {ActionStatus.FINISHED, ActionStatus.FAILED} == TERMINAL_ACTION_STATUSES


@pytest.mark.parametrize("charge", [100.1, -0.5])
def test_battery_charge_outside_0_to_100_is_rejected(charge: float) -> None:
    wire = state_wire()
    wire["batteryState"]["batteryCharge"] = charge
    assert schema_errors("state", wire) == []  # the schema lets it through; the spec does not
    with pytest.raises(ValidationError, match="batteryCharge"):
        State.model_validate(wire)


def test_battery_health_above_100_is_rejected() -> None:
    wire = state_wire()
    wire["batteryState"]["batteryHealth"] = 101
    with pytest.raises(ValidationError, match="batteryHealth"):
        State.model_validate(wire)


@pytest.mark.parametrize("key", ["headerId", "orderUpdateId", "lastNodeSequenceId"])
def test_negative_counters_are_rejected(key: str) -> None:
    with pytest.raises(ValidationError, match=key):
        State.model_validate(state_wire(**{key: -1}))


def test_negative_node_state_sequence_id_is_rejected() -> None:
    wire = state_wire()
    wire["nodeStates"][0]["sequenceId"] = -4
    with pytest.raises(ValidationError, match="sequenceId"):
        State.model_validate(wire)


def test_localization_score_above_1_is_rejected() -> None:
    wire = state_wire()
    wire["agvPosition"]["localizationScore"] = 1.5
    with pytest.raises(ValidationError, match="localizationScore"):
        State.model_validate(wire)


def test_theta_outside_pi_is_rejected() -> None:
    wire = state_wire()
    wire["agvPosition"]["theta"] = 4.0
    with pytest.raises(ValidationError, match="theta"):
        State.model_validate(wire)


def test_unknown_enum_values_are_rejected() -> None:
    wire = state_wire(operatingMode="AUTOPILOT")
    with pytest.raises(ValidationError, match="operatingMode"):
        State.model_validate(wire)
    wire = state_wire()
    wire["errors"][0]["errorLevel"] = "CRITICAL"
    with pytest.raises(ValidationError, match="errorLevel"):
        State.model_validate(wire)


def test_vendor_fields_are_ignored_not_refused() -> None:
    """Spec section 4 lets vehicles extend messages: one extra key must not drop the state."""
    wire = state_wire(temperature=21.5)
    wire["batteryState"]["cellTemperatures"] = [30.1, 30.4]
    state = State.model_validate(wire)
    assert state.battery_state.battery_charge == wire["batteryState"]["batteryCharge"]
    assert "temperature" not in state.to_wire()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_rejected(token: str) -> None:
    wire = state_wire()
    wire["agvPosition"]["y"] = 1234.5
    text = json.dumps(wire).replace("1234.5", token)
    with pytest.raises(ValidationError, match="finite"):
        State.model_validate_json(text)


def test_missing_required_field_is_named() -> None:
    wire = state_wire()
    del wire["safetyState"]
    with pytest.raises(ValidationError, match="safetyState"):
        State.model_validate(wire)


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        State.model_validate(state_wire(timestamp="2025-03-14T09:26:53.589"))


def test_loads_are_modelled() -> None:
    wire = state_wire(
        loads=[
            {
                "loadId": "bin-3",
                "loadType": "litter bin",
                "loadPosition": "back",
                "boundingBoxReference": {"x": 0.0, "y": 0.0, "z": 0.3, "theta": 0.0},
                "loadDimensions": {"length": 0.4, "width": 0.3, "height": 0.5},
                "weight": 4.5,
            }
        ]
    )
    parsed = State.model_validate(wire)
    assert parsed.loads is not None and parsed.loads[0].weight == 4.5
    assert parsed.to_wire()["loads"] == wire["loads"]
    validate_message("state", parsed.to_json())
