"""The shapes of what the API takes in, each limit in one place: row ids in the databases' range,
finite coordinates, dates in the records' era, and text that is bounded and free of control
characters.

Every string a request may carry (body, query, path, form) is one of the text types below, so a
NUL byte (which PostgreSQL cannot store) or a megabyte of name is a 422 naming the field before
anything reads or stores it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints
from pydantic_core import PydanticCustomError

from fleet_protocol.site import LANGUAGES, Identifier, Language

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_COORDINATE_M",
    "MAX_ID",
    "Coordinate",
    "Day",
    "Description",
    "Id",
    "Identifier",
    "Label",
    "Moment",
    "Name",
    "NameInEach",
    "Note",
    "Phrase",
    "TextInEach",
    "WallClock",
    "single_line",
]

# PostgreSQL's INTEGER is 32-bit signed (SQLite's 64-bit): an id must fit both, and no row of
# ours has a bigger one, so a bigger id is refused (422) before any query is made.
MAX_ID = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row's id, in a path, a query or a body: 1 to 2^31 - 1."""

# A site map in metres: a district is tens of kilometres across; beyond this is a mistake.
MAX_COORDINATE_M = 1_000_000.0

Coordinate = Annotated[float, Field(ge=-MAX_COORDINATE_M, le=MAX_COORDINATE_M, allow_inf_nan=False)]
"""A finite position on a site's map in metres (NaN and Infinity are refused)."""

# Dates the fleet's records and schedules can mean: a year 1 or 9999 is a typing mistake, and
# date arithmetic on it (a deadline, a timezone, a next run) overflows.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _in_era(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError(
            "date_out_of_range",
            "must be between {first} and {last}",
            {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return value


Day = Annotated[dt.date, AfterValidator(_in_era)]
"""A calendar date from 2000-01-01 to 2099-12-31."""

Moment = Annotated[AwareDatetime, AfterValidator(_in_era)]
"""A date and time with its UTC offset, within 2000 to 2099."""

WallClock = Annotated[dt.datetime, AfterValidator(_in_era)]
"""A date and time, local (no offset) or with one, within 2000 to 2099."""

# C0 and C1 control characters, lone surrogates (not text; no database stores them), Unicode's
# line and paragraph separators, and the bidirectional overrides that can make a stored name
# read differently from what it is.
_NOT_IN_A_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Multi-line text (notes, descriptions) may also hold tabs and line breaks.
_NOT_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "must not contain control characters (found U+{code} at position {position})",
            {"code": f"{ord(found.group()):04X}", "position": found.start()},
        )
    return value


def single_line(value: str) -> str:
    """The value, if it is one line of text without control characters."""
    return _refuse(_NOT_IN_A_LINE, value)


def _text(value: str) -> str:
    return _refuse(_NOT_IN_TEXT, value)


Label = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(single_line)]
"""A short line of text (a source, a serial or document number, a model): 1 to 100 characters."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(single_line)]
"""A name or a reference: one line of 1 to 200 characters."""

Phrase = Annotated[
    str, StringConstraints(min_length=1, max_length=500), AfterValidator(single_line)
]
"""A sentence (what a robot says, a document's reference): one line of 1 to 500 characters."""

Note = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_text)]
"""A person's words (a reason, a note): 1 to 1000 characters; tabs and line breaks allowed."""

Description = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_text)]
"""A description: up to 2000 characters, possibly empty; tabs and line breaks allowed."""

NameInEach = Annotated[dict[Language, Name], Field(max_length=len(LANGUAGES))]
"""A name in each language (`{"zh": ..., "en": ...}`); other languages, empty names refused."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_text)]
TextInEach = Annotated[dict[Language, Text], Field(max_length=len(LANGUAGES))]
"""A description in each language: 1 to 2000 characters each; other languages are refused."""
