"""Unified Social Credit Codes: valid ones pass, and each kind of mistake gets its reason."""

from __future__ import annotations

import pytest

from fleet_server.errors import Invalid
from fleet_server.vouchers.uscc import CHARSET, check_character, checked_uscc, uscc_problem

# Written out here, not imported, so the test does not share a mistake with the code.
ALLOWED = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

# Published codes: 91350100M000100Y43 is the example of GB 32100-2015 as cited by a JavaScript
# validator's documentation (its @see is the standard on zh.wikisource); 91230184MA1BUFLT44 and
# 92371000MA3MXH0E3W from the docs of winjs-dev/cloud-utils (src/isUnifiedSocialCreditCode.ts);
# 91350200776049653A and 91440101MA5CJQ4N59 from the sample list in
# 02020/vite (learn/utils/validateSocialCreditCode.js), all found with the search tool.
PUBLISHED = [
    "91350100M000100Y43",
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",
    "91350200776049653A",
    "91440101MA5CJQ4N59",
]


def _weighted_sum(first17: str) -> int:
    return sum(ALLOWED.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))


def _with_check(first17: str) -> str:
    value = 31 - _weighted_sum(first17) % 31
    return first17 + ALLOWED[0 if value == 31 else value]


def test_the_character_set_is_the_31_of_the_standard() -> None:
    assert CHARSET == ALLOWED
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None


def test_the_standards_example_by_hand() -> None:
    # 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + M(21)·20 + 1·8 + Y(30)·30 + 4·28 = 1640 = 52·31 + 28,
    # so the check value is 31 - 28 = 3, the code's last character.
    assert _weighted_sum("91350100M000100Y4") == 1640
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "first17", ["91440307MA5DXXXX0", "12100000400000924", "5144030050000000X", "Y1AB0000HJKLMNPQR"]
)
def test_constructed_codes_are_valid_and_any_other_check_character_is_named(first17: str) -> None:
    code = _with_check(first17)
    assert uscc_problem(code) is None
    wrong = next(c for c in ALLOWED if c != code[-1])
    problem = uscc_problem(first17 + wrong)
    assert problem is not None
    assert f"is {wrong!r}" in problem.message and f"give {code[-1]!r}" in problem.message
    assert "position 18" in problem.message
    assert problem.code == "uscc.problem.check_character"
    assert problem.params == {"char": wrong, "expected": code[-1]}


def test_a_check_value_of_31_is_written_0() -> None:
    # Boundary: when the weighted sum is a multiple of 31, the check character is 0, not
    # a 32nd character. Find such a prefix by varying character 17.
    first17 = next(p for c in ALLOWED if _weighted_sum(p := "9144030000000000" + c) % 31 == 0)
    assert check_character(first17) == "0"
    assert uscc_problem(first17 + "0") is None
    problem = uscc_problem(first17 + "Y")
    assert problem is not None and "give '0'" in problem.message


def test_a_check_value_of_30_is_the_last_character_y() -> None:
    first17 = next(p for c in ALLOWED if _weighted_sum(p := "9144030000000000" + c) % 31 == 1)
    assert uscc_problem(first17 + "Y") is None


@pytest.mark.parametrize("length", [0, 1, 17, 19])
def test_wrong_length_is_named(length: int) -> None:
    code = (PUBLISHED[0] * 2)[:length]
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.message == (
        f"a Unified Social Credit Code has 18 characters; {code!r} has {length}"
    )


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "a", "-", "统"])
def test_a_character_outside_the_set_is_named_with_its_position(bad: str) -> None:
    code = PUBLISHED[0][:9] + bad + PUBLISHED[0][10:]
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.message.startswith(f"character 10 ({bad!r}) is not allowed")


def test_checked_uscc_normalises_and_names_the_field() -> None:
    assert checked_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(Invalid) as raised:
        checked_uscc("91350100M000100Y44", field="uscc")
    assert raised.value.field == "uscc"
    assert "give '3'" in raised.value.message
    # The console words it by its code, with what is wrong as plain parameters.
    assert raised.value.code == "uscc.error.check_character"
    assert raised.value.params == {"field": "uscc", "char": "4", "expected": "3"}
