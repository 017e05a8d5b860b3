"""Tests of fleet_protocol.actions: actions and their parameters on the wire."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from fleet_protocol.actions import Action, ActionParameter, BlockingType
from fleet_protocol.order import InstantActions
from tests.fleet_protocol import samples
from tests.vda_schemas import validate_message


def test_action_keys_are_camel_case() -> None:
    wire = samples.announce("a-1").to_wire()
    assert set(wire) == {
        "actionType",
        "actionId",
        "actionDescription",
        "blockingType",
        "actionParameters",
    }
    assert wire["blockingType"] == "HARD"
    assert wire["actionParameters"][2] == {"key": "repeat", "value": 2}


def test_parameters_as_a_dict() -> None:
    action = samples.announce("a-1", "hello")
    assert action.parameters() == {"text": "hello", "language": "zh", "repeat": 2}
    bare = Action(action_type="dock", action_id="d-1", blocking_type=BlockingType.HARD)
    assert bare.parameters() == {}


@pytest.mark.parametrize(
    "value",
    ["left", 103.2, 3, True, False, ["arrays", "are", "valid"], {"mode": "scrub", "passes": 2}],
)
def test_every_json_value_type_the_schema_allows_is_kept(value: Any) -> None:
    action = Action(
        action_type="clean",
        action_id="c-1",
        blocking_type=BlockingType.NONE,
        action_parameters=[ActionParameter(key="mode", value=value)],
    )
    message = InstantActions(**samples.HEADER, actions=[action])
    validate_message("instantActions", message.to_json())
    parsed = InstantActions.model_validate_json(message.to_json())
    assert parsed.actions[0].parameters() == {"mode": value}


def test_a_parameter_value_of_null_is_rejected() -> None:
    """The schema requires a value that is not null; exclude_none would drop the key."""
    with pytest.raises(ValidationError, match="value"):
        ActionParameter(key="mode", value=None)
    with pytest.raises(ValidationError, match="value"):
        ActionParameter.model_validate({"key": "mode", "value": None})


def test_a_parameter_without_value_is_rejected() -> None:
    with pytest.raises(ValidationError, match="value"):
        ActionParameter.model_validate({"key": "mode"})


@pytest.mark.parametrize("blocking", ["NONE", "SOFT", "HARD"])
def test_blocking_types_parse_from_the_wire(blocking: str) -> None:
    action = Action.model_validate(
        {"actionType": "dwell", "actionId": "w-1", "blockingType": blocking}
    )
    assert action.blocking_type is BlockingType(blocking)


def test_unknown_blocking_type_is_rejected() -> None:
    with pytest.raises(ValidationError, match="blockingType"):
        Action.model_validate(
            {"actionType": "dwell", "actionId": "w-1", "blockingType": "SOMETIMES"}
        )


@pytest.mark.parametrize("key", ["actionType", "actionId"])
def test_empty_action_identity_is_rejected(key: str) -> None:
    wire = {"actionType": "dwell", "actionId": "w-1", "blockingType": "HARD", key: ""}
    with pytest.raises(ValidationError, match=key):
        Action.model_validate(wire)


def test_unknown_action_field_is_ignored() -> None:
    """A master's vendor key on an action (spec section 4) does not cost the robot its order."""
    action = Action.model_validate(
        {"actionType": "dwell", "actionId": "w-1", "blockingType": "HARD", "priority": 1}
    )
    assert action.action_id == "w-1" and "priority" not in action.to_wire()
