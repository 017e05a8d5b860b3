"""Error entries of the state: type, level and references as strings in the given order."""

from __future__ import annotations

from fleet_protocol.state import ErrorLevel
from robot_agent.errors import ORDER_ERROR, make_error


def test_references_keep_their_order_and_become_strings() -> None:
    error = make_error(ORDER_ERROR, "bad", {"topic": "order", "headerId": 7, "orderUpdateId": 0})
    assert error.to_wire() == {
        "errorType": "orderError",
        "errorDescription": "bad",
        "errorReferences": [
            {"referenceKey": "topic", "referenceValue": "order"},
            {"referenceKey": "headerId", "referenceValue": "7"},
            {"referenceKey": "orderUpdateId", "referenceValue": "0"},
        ],
        "errorLevel": "WARNING",
    }


def test_fatal_error_without_references() -> None:
    error = make_error("batteryEmpty", "stopped", {}, ErrorLevel.FATAL)
    assert error.error_references is None
    assert error.error_level is ErrorLevel.FATAL
