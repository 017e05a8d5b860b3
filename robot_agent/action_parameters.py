"""Reading action parameters as drivers need them; a DriverError names the bad parameter."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from robot_agent.driver import DriverError

ACTION_PARAMETER_ERROR = "actionParameterError"


def text_parameter(parameters: Mapping[str, Any], key: str) -> str:
    """A required non-empty string."""
    value = parameters.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DriverError(ACTION_PARAMETER_ERROR, f"parameter {key!r} must be a non-empty string")
    return value


def choice_parameter(
    parameters: Mapping[str, Any], key: str, allowed: Sequence[str], default: str
) -> str:
    """One of the allowed strings, or the default when absent."""
    value = parameters.get(key, default)
    if value not in allowed:
        raise DriverError(
            ACTION_PARAMETER_ERROR, f"parameter {key!r} must be one of {', '.join(allowed)}"
        )
    return str(value)


def number_parameter(
    parameters: Mapping[str, Any],
    key: str,
    default: float | None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """A number (it may arrive as a string), required when default is None, within the bounds."""
    value = parameters.get(key, default)
    if value is None:
        raise DriverError(ACTION_PARAMETER_ERROR, f"parameter {key!r} is required")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DriverError(
            ACTION_PARAMETER_ERROR, f"parameter {key!r} must be a number, got {value!r}"
        ) from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise DriverError(ACTION_PARAMETER_ERROR, f"parameter {key!r} must be a number")
    if minimum is not None and number < minimum:
        raise DriverError(ACTION_PARAMETER_ERROR, f"parameter {key!r} must be at least {minimum:g}")
    if maximum is not None and number > maximum:
        raise DriverError(ACTION_PARAMETER_ERROR, f"parameter {key!r} must be at most {maximum:g}")
    return number
