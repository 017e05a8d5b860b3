"""Tests of fleet_protocol.base: header, timestamps on the wire, camelCase, strictness."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from fleet_protocol import PROTOCOL_VERSION, Header, utc_now
from fleet_protocol.connection import Connection, ConnectionState
from tests.fleet_protocol import samples

# The spec's YYYY-MM-DDTHH:mm:ss.ffZ, with our milliseconds.
SPEC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def header(**changes: object) -> dict[str, object]:
    wire = {
        "headerId": 7,
        "timestamp": "2017-04-15T11:40:03.12Z",
        "version": "2.1.0",
        "manufacturer": "district-robotics",
        "serialNumber": "dog-007",
    }
    wire.update(changes)
    return wire


def test_protocol_version_is_2_1_0_and_the_default() -> None:
    made = Header(header_id=0, timestamp=utc_now(), manufacturer="m", serial_number="s")
    assert PROTOCOL_VERSION == "2.1.0"
    assert made.to_wire()["version"] == "2.1.0"


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert abs((datetime.now(timezone.utc) - now).total_seconds()) < 5


def test_header_keys_are_camel_case_on_the_wire() -> None:
    wire = Header(**samples.HEADER).to_wire()
    assert set(wire) == {"headerId", "timestamp", "version", "manufacturer", "serialNumber"}


def test_snake_case_names_and_camel_case_aliases_both_parse() -> None:
    by_alias = Header.model_validate(header())
    by_name = Header(
        header_id=7,
        timestamp=datetime(2017, 4, 15, 11, 40, 3, 120000, tzinfo=timezone.utc),
        manufacturer="district-robotics",
        serial_number="dog-007",
    )
    assert by_alias == by_name
    assert by_alias.serial_number == "dog-007"


def test_timestamp_is_written_in_the_spec_format_with_z() -> None:
    wire = Header(**samples.HEADER).to_wire()
    assert wire["timestamp"] == "2025-03-14T09:26:53.589Z"
    assert SPEC_TIMESTAMP.match(
        Header(**{**samples.HEADER, "timestamp": utc_now()}).to_wire()["timestamp"]
    )


def test_timestamp_with_an_offset_is_converted_to_utc() -> None:
    shanghai = timezone(timedelta(hours=8))
    made = Header(
        header_id=1,
        timestamp=datetime(2025, 1, 1, 8, 0, 0, 5000, tzinfo=shanghai),
        manufacturer="m",
        serial_number="s",
    )
    assert made.timestamp.utcoffset() == timedelta(0)
    assert made.to_wire()["timestamp"] == "2025-01-01T00:00:00.005Z"


def test_wire_timestamps_with_z_and_with_offsets_parse_to_the_same_instant() -> None:
    with_z = Header.model_validate(header(timestamp="2017-04-15T11:40:03.12Z"))
    with_offset = Header.model_validate(header(timestamp="2017-04-15T19:40:03.120+08:00"))
    assert with_z.timestamp == with_offset.timestamp
    assert with_z.to_wire()["timestamp"] == "2017-04-15T11:40:03.120Z"


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Header.model_validate(header(timestamp="2017-04-15T11:40:03.12"))
    with pytest.raises(ValidationError, match="timezone"):
        Header(header_id=1, timestamp=datetime(2025, 1, 1), manufacturer="m", serial_number="s")


def test_a_model_made_now_survives_the_wire_unchanged() -> None:
    """Sub-millisecond digits are not sent, so the model must not hold them either."""
    made = Header(header_id=3, timestamp=utc_now(), manufacturer="m", serial_number="s")
    assert Header.model_validate_json(made.to_json()) == made


def test_negative_header_id_is_rejected() -> None:
    with pytest.raises(ValidationError, match="headerId"):
        Header.model_validate(header(headerId=-1))


@pytest.mark.parametrize("key", ["manufacturer", "serialNumber"])
def test_empty_vehicle_names_are_rejected(key: str) -> None:
    with pytest.raises(ValidationError, match=key):
        Header.model_validate(header(**{key: ""}))


def test_unknown_field_is_ignored() -> None:
    parsed = Header.model_validate(header(vendorExtra=1))
    assert parsed.serial_number == header()["serialNumber"]
    assert "vendorExtra" not in parsed.to_wire()


def test_missing_header_field_is_named() -> None:
    wire = header()
    del wire["serialNumber"]
    with pytest.raises(ValidationError, match="serialNumber"):
        Header.model_validate(wire)


def test_to_json_is_utf8_json_without_unset_optionals() -> None:
    message = samples.instant_actions()
    payload = message.to_json()
    assert isinstance(payload, bytes)
    decoded = json.loads(payload.decode("utf-8"))
    assert decoded == message.to_wire()
    cancel = decoded["actions"][0]
    assert "actionDescription" not in cancel and "actionParameters" not in cancel
    assert "请让行" in payload.decode("utf-8")


def test_a_subclass_parses_its_own_wire_form() -> None:
    made = samples.connection(ConnectionState.ONLINE)
    assert Connection.model_validate_json(made.to_json()) == made
