"""Money and other whole-number settings in API bodies: integer fen, never a float, each bounded
so that it fits its column and every sum of them stays exact."""

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


# Ten trillion yuan, a hundred thousand times the district's whole pool: amounts and their sums
# stay far inside a BIGINT column and exact as JavaScript numbers (2^53) in the console.
MAX_FEN = 10**15
MAX_DAYS = 36_500  # a hundred years
MAX_MONTHS = 1_200  # a hundred years
MINUTES_A_DAY = 24 * 60

# The bounds come before the validator so that the OpenAPI document shows them.
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, strict=True), BeforeValidator(_fen)]
"""An amount of money in fen (1 yuan = 100 fen), zero to 10^15."""

BasisPoints = Annotated[int, Field(ge=0, le=10_000, strict=True), BeforeValidator(_whole_number)]
"""A share in basis points: 10,000 is 100 %, 5,000 is 50 %."""

Days = Annotated[int, Field(ge=1, le=MAX_DAYS, strict=True), BeforeValidator(_whole_number)]
"""A whole number of days, one to a hundred years' worth."""

Months = Annotated[int, Field(ge=1, le=MAX_MONTHS, strict=True), BeforeValidator(_whole_number)]
"""A whole number of months, one to a hundred years' worth."""

MinutesOfADay = Annotated[
    int, Field(ge=1, le=MINUTES_A_DAY, strict=True), BeforeValidator(_whole_number)
]
"""A whole number of minutes within one day: 1 to 1440."""
