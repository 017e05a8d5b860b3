"""Action parameters: numbers from strings, choices with defaults, and errors naming the key."""

from __future__ import annotations

import pytest

from robot_agent.action_parameters import (
    ACTION_PARAMETER_ERROR,
    choice_parameter,
    number_parameter,
    text_parameter,
)
from robot_agent.driver import DriverError


def test_numbers_may_arrive_as_strings_and_default_when_absent() -> None:
    assert number_parameter({"seconds": "12.5"}, "seconds", None) == 12.5
    assert number_parameter({"seconds": 3}, "seconds", None) == 3
    assert number_parameter({}, "repeat", 1) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "'n' is required"),
        ("ten", "'n' must be a number, got 'ten'"),
        (True, "'n' must be a number"),
        ("nan", "'n' must be a number"),
        (-1, "'n' must be at least 0"),
        (101, "'n' must be at most 100"),
    ],
)
def test_bad_numbers_are_named(value: object, message: str) -> None:
    with pytest.raises(DriverError, match=message) as caught:
        number_parameter({"n": value}, "n", None, minimum=0, maximum=100)
    assert caught.value.error_type == ACTION_PARAMETER_ERROR


def test_choices_and_text() -> None:
    assert choice_parameter({}, "mode", ("sweep", "scrub"), "sweep") == "sweep"
    assert choice_parameter({"mode": "scrub"}, "mode", ("sweep", "scrub"), "sweep") == "scrub"
    with pytest.raises(DriverError, match="'mode' must be one of sweep, scrub"):
        choice_parameter({"mode": "mop"}, "mode", ("sweep", "scrub"), "sweep")
    assert text_parameter({"text": "请让一让"}, "text") == "请让一让"
    with pytest.raises(DriverError, match="'text' must be a non-empty string"):
        text_parameter({"text": "  "}, "text")
