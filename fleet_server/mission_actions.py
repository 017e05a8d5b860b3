"""Actions an operator puts in a mission, checked against the action vocabulary robots declare."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from fleet_protocol.actions import Action, ActionParameter, BlockingType
from fleet_protocol.factsheet import ActionScope, AgvAction, ValueDataType
from fleet_protocol.kinds import KIND_ACTIONS

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


class MissionAction(BaseModel):
    """One action at a checkpoint: a type from the vocabulary and its parameters."""

    type: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)

    def problems(self) -> list[str]:
        """What is wrong with this action, in words that name the parameter; empty if nothing."""
        spec = VOCABULARY.get(self.type)
        if spec is None:
            known = ", ".join(sorted(VOCABULARY))
            return [f"unknown action {self.type!r} (known: {known})"]
        declared = {p.key: p for p in spec.action_parameters or []}
        found = [
            f"action {self.type!r} has no parameter {key!r}"
            for key in self.params
            if key not in declared
        ]
        for key, param in declared.items():
            if key not in self.params:
                if not param.is_optional:
                    found.append(f"action {self.type!r} needs parameter {key!r}")
                continue
            value = self.params[key]
            allowed = _PYTHON_TYPES[param.value_data_type]
            if (isinstance(value, bool) and bool not in allowed) or not isinstance(value, allowed):
                found.append(
                    f"action {self.type!r} parameter {key!r} must be "
                    f"{param.value_data_type.value.lower()}, not {type(value).__name__}"
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
