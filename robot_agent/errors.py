"""The errorTypes the vehicle reports in its state (VDA 5050 v2.1 §6.6.4) and how to build them."""

from __future__ import annotations

from collections.abc import Mapping

from fleet_protocol.state import Error, ErrorLevel, ErrorReference

VALIDATION_ERROR = "validationError"
ORDER_ERROR = "orderError"
ORDER_UPDATE_ERROR = "orderUpdateError"
NO_ORDER_TO_CANCEL = "noOrderToCancel"
# v2.1 names no errorType for an instant action the vehicle cannot run (v3: INVALID_INSTANT_ACTION).
INSTANT_ACTION_ERROR = "instantActionError"
# Used when a driver fails with an exception that is not a DriverError.
NAVIGATION_ERROR = "navigationError"
ACTION_ERROR = "actionError"
# A driver asked for an action its robot does not offer.
UNKNOWN_ACTION = "unknownAction"


def make_error(
    error_type: str,
    description: str,
    references: Mapping[str, object],
    level: ErrorLevel = ErrorLevel.WARNING,
) -> Error:
    """An Error with its references in the given order; values are turned into strings."""
    return Error(
        error_type=error_type,
        error_description=description,
        error_references=[
            ErrorReference(reference_key=key, reference_value=str(value))
            for key, value in references.items()
        ]
        or None,
        error_level=level,
    )
