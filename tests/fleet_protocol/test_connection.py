"""Tests of fleet_protocol.connection: each connection state against the official schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fleet_protocol.connection import Connection, ConnectionState
from tests.fleet_protocol import samples
from tests.fleet_protocol.schema_walk import compare
from tests.vda_schemas import validate_message


@pytest.mark.parametrize("connection_state", list(ConnectionState))
def test_each_connection_state_validates_and_round_trips(connection_state: ConnectionState) -> None:
    made = samples.connection(connection_state)
    validate_message("connection", made.to_json())
    assert made.to_wire()["connectionState"] == connection_state.value
    assert Connection.model_validate_json(made.to_json()) == made


def test_the_three_states_of_the_spec() -> None:
    assert {s.value for s in ConnectionState} == {"ONLINE", "OFFLINE", "CONNECTIONBROKEN"}


def test_wire_form_is_the_header_and_the_state() -> None:
    wire = samples.connection(ConnectionState.CONNECTIONBROKEN).to_wire()
    assert wire == {
        "headerId": 42,
        "timestamp": "2025-03-14T09:26:53.589Z",
        "version": "2.1.0",
        "manufacturer": samples.MANUFACTURER,
        "serialNumber": samples.SERIAL,
        "connectionState": "CONNECTIONBROKEN",
    }


def test_every_schema_property_is_modelled() -> None:
    assert compare(Connection, "connection") == {"unmodelled": [], "omittable": []}


def test_unknown_state_is_rejected() -> None:
    wire = samples.connection(ConnectionState.ONLINE).to_wire()
    wire["connectionState"] = "SLEEPING"
    with pytest.raises(ValidationError, match="connectionState"):
        Connection.model_validate(wire)


def test_negative_header_id_is_rejected() -> None:
    wire = samples.connection(ConnectionState.ONLINE).to_wire()
    wire["headerId"] = -1
    with pytest.raises(ValidationError, match="headerId"):
        Connection.model_validate(wire)


def test_unknown_field_is_ignored() -> None:
    """A vehicle that says why it went offline is still heard."""
    wire = samples.connection(ConnectionState.OFFLINE).to_wire()
    wire["reason"] = "battery swap"
    assert Connection.model_validate(wire).connection_state is ConnectionState.OFFLINE
