"""Money and other whole-number settings in API bodies: integer fen, never a float."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field


def _whole_number(value: Any) -> Any:
    # Lax pydantic would turn 1.0 into 1; an amount must never have passed through a float.
    if isinstance(value, float):
        raise ValueError(f"must be a whole number (integer), not the float {value!r}")
    if isinstance(value, bool):
        raise ValueError("must be a whole number (integer), not true/false")
    return value


def _fen(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(
            f"money is a whole number of fen (1 yuan = 100 fen), not the float {value!r}"
        )
    return _whole_number(value)


Fen = Annotated[int, BeforeValidator(_fen), Field(ge=0, strict=True)]
"""An amount of money in fen (1 yuan = 100 fen), zero or more."""

BasisPoints = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=10_000, strict=True)]
"""A share in basis points: 10,000 is 100 %, 5,000 is 50 %."""

Days = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, strict=True)]
"""A whole number of days or months, one or more."""
