"""Tests of tests/vda_schemas.py: the official schemas catch what they should."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.vda_schemas import (
    SCHEMA_DIR,
    SUBTOPICS,
    load_schema,
    schema_errors,
    schema_validator,
    validate_message,
)


def connection(**changes: Any) -> dict[str, Any]:
    message = {
        "headerId": 1,
        "timestamp": "2017-04-15T11:40:03.12Z",
        "version": "2.1.0",
        "manufacturer": "acme",
        "serialNumber": "x1",
        "connectionState": "ONLINE",
    }
    message.update(changes)
    return message


@pytest.mark.parametrize("subtopic", SUBTOPICS)
def test_each_schema_loads_with_its_draft(subtopic: str) -> None:
    assert (SCHEMA_DIR / f"{subtopic}.schema").exists()
    assert load_schema(subtopic)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert isinstance(schema_validator(subtopic), Draft202012Validator)


def test_schemas_are_loaded_once() -> None:
    assert load_schema("state") is load_schema("state")
    assert schema_validator("order") is schema_validator("order")


def test_valid_message_passes_as_dict_str_and_bytes() -> None:
    message = connection()
    validate_message("connection", message)
    validate_message("connection", json.dumps(message))
    validate_message("connection", json.dumps(message).encode())


def test_error_names_the_subtopic_and_every_violation() -> None:
    bad = connection(connectionState="SLEEPING", headerId="one")
    del bad["serialNumber"]
    with pytest.raises(AssertionError) as caught:
        validate_message("connection", bad)
    text = str(caught.value)
    assert text.startswith("connection message violates the VDA 5050 v2.1.0 schema (3 error(s))")
    assert "$.connectionState: 'SLEEPING' is not one of" in text
    assert "$.headerId: 'one' is not of type 'integer'" in text
    assert "'serialNumber' is a required property" in text


def test_payload_that_is_not_json_is_reported() -> None:
    assert schema_errors("state", b"{not json")[0].startswith("$: payload is not JSON")
    assert schema_errors("state", b"\xff\xfe")[0].startswith("$: payload is not JSON")
    with pytest.raises(AssertionError, match="state message violates"):
        validate_message("state", b"")


@pytest.mark.parametrize(
    "timestamp",
    ["2017-04-15T11:40:03.12Z", "2017-04-15T11:40:03Z", "2017-04-15T19:40:03.123+08:00"],
)
def test_rfc3339_timestamps_pass(timestamp: str) -> None:
    assert schema_errors("connection", connection(timestamp=timestamp)) == []


@pytest.mark.parametrize(
    "timestamp",
    [
        "yesterday",
        "2017-04-15 11:40:03",
        "2017-04-15T11:40:03.12",
        "2017-13-15T11:40:03.12Z",
        "2017-04-15T25:40:03.12Z",
        "2017-02-30T11:40:03Z",
    ],
)
def test_bad_timestamps_fail_the_date_time_format(timestamp: str) -> None:
    errors = schema_errors("connection", connection(timestamp=timestamp))
    assert errors == [f"$.timestamp: '{timestamp}' is not a 'date-time'"]


def test_unknown_subtopic_is_refused() -> None:
    with pytest.raises(ValueError, match="no VDA 5050 schema for subtopic 'status'"):
        validate_message("status", connection())


def test_the_known_schema_gaps_are_still_there() -> None:
    """What our models must avoid sending: if these change, revisit fleet_protocol."""
    action_status = load_schema("state")["properties"]["actionStates"]["items"]["properties"][
        "actionStatus"
    ]
    assert "PAUSED" not in action_status["enum"]
    agv_action = load_schema("factsheet")["properties"]["protocolFeatures"]["properties"][
        "agvActions"
    ]["items"]["properties"]
    assert "enum" in agv_action["blockingTypes"] and "items" not in agv_action["blockingTypes"]
