"""Actions as they appear in orders and instant actions, and the blocking types."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from fleet_protocol.base import NonEmptyStr, WireModel


class BlockingType(str, Enum):
    """How an action blocks driving and other actions."""

    NONE = "NONE"
    SOFT = "SOFT"
    HARD = "HARD"


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("an action parameter's value cannot be null")
    return value


# The schema allows array, boolean, number, string or object: any JSON value but null.
ParameterValue = Annotated[Any, AfterValidator(_not_null)]


class ActionParameter(WireModel):
    """One key/value parameter of an action; the value may be any JSON value but null."""

    key: NonEmptyStr
    value: ParameterValue = Field(...)


class Action(WireModel):
    """An action to run on a node, along an edge, or at once (instant)."""

    action_type: NonEmptyStr
    action_id: NonEmptyStr
    action_description: str | None = None
    blocking_type: BlockingType
    action_parameters: list[ActionParameter] | None = None

    def parameters(self) -> dict[str, Any]:
        """The parameters as a plain dict keyed by parameter key."""
        return {p.key: p.value for p in self.action_parameters or []}
