"""Unified Social Credit Codes (统一社会信用代码, GB 32100-2015): what is wrong with one, if any."""

from __future__ import annotations

from fleet_server.errors import Invalid
from fleet_server.texts import Text
from fleet_server.vouchers.texts import (
    USCC_CHARACTER,
    USCC_CHECK_CHARACTER,
    USCC_LENGTH,
    USCC_REFUSALS,
)

LENGTH = 18
# The 31 characters in value order: digits, then capitals without I, O, Z, S, V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MODULUS = len(CHARSET)
_VALUE = {char: value for value, char in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(MODULUS - total % MODULUS) % MODULUS]


def uscc_problem(code: str) -> Text | None:
    """None for a valid code, else the reason in words an officer understands."""
    if len(code) != LENGTH:
        return USCC_LENGTH.of(length=LENGTH, code=code, count=len(code))
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            return USCC_CHARACTER.of(position=position, char=char)
    expected = check_character(code[:17])
    if code[17] != expected:
        return USCC_CHECK_CHARACTER.of(char=code[17], expected=expected)
    return None


def checked_uscc(code: str, field: str = "uscc") -> str:
    """The code with spaces trimmed and letters in capitals, or Invalid naming the field and
    saying what is wrong."""
    normal = code.strip().upper()
    problem = uscc_problem(normal)
    if problem is not None:
        raise Invalid(USCC_REFUSALS[problem.phrase].of(field=field, **problem.params), field=field)
    return normal
