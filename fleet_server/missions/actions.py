"""Actions an operator puts in a mission, checked against the action vocabulary robots declare."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from fleet_protocol.actions import Action, ActionParameter, BlockingType
from fleet_protocol.factsheet import ActionScope, AgvAction, ValueDataType
from fleet_protocol.kinds import KIND_ACTIONS
from fleet_protocol.site import Identifier
from fleet_server.fields import single_line
from fleet_server.missions import texts
from fleet_server.texts import Text

# Every action type one of our robot kinds declares, with its parameters (one place: kinds.py).
VOCABULARY: dict[str, AgvAction] = {
    action.action_type: action for actions in KIND_ACTIONS.values() for action in actions
}

# Action types that can run again as instant actions, which is how a checkpoint retries them.
RETRYABLE = frozenset(
    action_type
    for action_type, spec in VOCABULARY.items()
    if ActionScope.INSTANT in spec.action_scopes
)

_PYTHON_TYPES: dict[ValueDataType, tuple[type, ...]] = {
    ValueDataType.STRING: (str,),
    ValueDataType.NUMBER: (int, float),
    ValueDataType.FLOAT: (int, float),
    ValueDataType.INTEGER: (int,),
    ValueDataType.BOOL: (bool,),
    ValueDataType.OBJECT: (dict,),
    ValueDataType.ARRAY: (list,),
}


# Parameters are numbers, flags and short text (what to say, whom to hand to); no action
# declares more than a few, and a number beyond a billion (seconds, percent) is a mistake.
MAX_PARAMS = 20
MAX_PARAM_NUMBER = 1_000_000_000
MAX_PARAM_TEXT = 500


def _param_value(value: Any) -> Any:
    """The value if it is a flag, a finite number within a billion, or one line of text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_PARAM_NUMBER:
            raise PydanticCustomError(
                "param_number",
                "must be a finite number from -{limit} to {limit}",
                {"limit": f"{MAX_PARAM_NUMBER:,}"},
            )
        return value
    if isinstance(value, str):
        if not 1 <= len(value) <= MAX_PARAM_TEXT:
            raise PydanticCustomError(
                "param_text",
                "must be text of 1 to {max_length} characters",
                {"max_length": MAX_PARAM_TEXT},
            )
        return single_line(value)
    raise PydanticCustomError("param_type", "must be text, a number or true/false")


_NUMBER = {"minimum": -MAX_PARAM_NUMBER, "maximum": MAX_PARAM_NUMBER}
ParamValue = Annotated[
    Any,
    PlainValidator(_param_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "number", **_NUMBER},
                {"type": "string", "minLength": 1, "maxLength": MAX_PARAM_TEXT},
            ]
        }
    ),
]
"""An action parameter's value: a flag, a finite number or a line of text."""


class MissionAction(BaseModel):
    """One action at a checkpoint: a type from the vocabulary and its parameters."""

    type: Identifier
    params: dict[Identifier, ParamValue] = Field(default_factory=dict, max_length=MAX_PARAMS)

    def problems(self) -> list[Text]:
        """What is wrong with this action, in words that name the parameter; empty if nothing."""
        spec = VOCABULARY.get(self.type)
        if spec is None:
            return [texts.UNKNOWN_ACTION.of(action=self.type, actions=sorted(VOCABULARY))]
        declared = {p.key: p for p in spec.action_parameters or []}
        found = [
            texts.NO_SUCH_PARAMETER.of(action=self.type, parameter=key)
            for key in self.params
            if key not in declared
        ]
        for key, param in declared.items():
            if key not in self.params:
                if not param.is_optional:
                    found.append(texts.NEEDS_PARAMETER.of(action=self.type, parameter=key))
                continue
            value = self.params[key]
            allowed = _PYTHON_TYPES[param.value_data_type]
            if (isinstance(value, bool) and bool not in allowed) or not isinstance(value, allowed):
                found.append(
                    texts.PARAMETER_TYPE.of(
                        action=self.type,
                        parameter=key,
                        expected=param.value_data_type.value.lower(),
                        given=type(value).__name__,
                    )
                )
        return found

    def to_action(self, action_id: str) -> Action:
        """The VDA 5050 action for an order node (blocking: the robot stands still meanwhile)."""
        return Action(
            action_type=self.type,
            action_id=action_id,
            blocking_type=BlockingType.HARD,
            action_parameters=[ActionParameter(key=k, value=v) for k, v in self.params.items()]
            or None,
        )
