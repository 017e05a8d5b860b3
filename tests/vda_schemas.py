"""The official VDA 5050 v2.1.0 JSON schemas, loaded once, and a validator for wire messages.

The schemas live in the project's shared folder beside the repository
(``<repo>/../shared/vda5050/v2.1.0/<subtopic>.schema``); CI clones the repository with
``shared/`` next to it. Each schema declares its own draft (2020-12 for v2.1.0) and the matching
jsonschema validator class is used, with ``date-time`` format checking done here (RFC 3339) so
that it does not depend on jsonschema's optional format extras being installed.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

SCHEMA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "vda5050" / "v2.1.0"
SUBTOPICS = ("order", "instantActions", "state", "visualization", "connection", "factsheet")

# RFC 3339 date-time (the JSON Schema meaning of "date-time"): a full date, a full time with
# optional fraction, and Z or a numeric offset.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # JSON Schema formats only constrain strings
    if not _RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    # fromisoformat rejects impossible dates and times (month 13, 25 o'clock); Python 3.10 needs
    # the Z spelled as an offset and at most six fraction digits.
    normalised = re.sub(r"[Zz]$", "+00:00", value)
    normalised = re.sub(r"\.(\d{6})\d+", r".\1", normalised)
    normalised = re.sub(
        r"\.(\d{1,5})(?=[+-])", lambda m: "." + m.group(1).ljust(6, "0"), normalised
    )
    datetime.fromisoformat(normalised)
    return True


@cache
def load_schema(subtopic: str) -> dict[str, Any]:
    """The official schema of one subtopic, as a dict."""
    if subtopic not in SUBTOPICS:
        raise ValueError(f"no VDA 5050 schema for subtopic {subtopic!r}; known: {SUBTOPICS}")
    path = SCHEMA_DIR / f"{subtopic}.schema"
    if not path.exists():
        raise FileNotFoundError(
            f"VDA 5050 schema {path} not found: the shared/ folder must sit beside the repository"
        )
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def schema_validator(subtopic: str) -> Validator:
    """A validator of the schema's own draft, with date-time format checking."""
    schema = load_schema(subtopic)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=FORMAT_CHECKER)


def schema_errors(subtopic: str, payload: bytes | str | dict[str, Any]) -> list[str]:
    """Every violation of the subtopic's schema, as 'path: message' lines; empty if valid."""
    if isinstance(payload, (bytes, str)):
        try:
            document: Any = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return [f"$: payload is not JSON ({exc})"]
    else:
        document = payload
    errors = sorted(
        schema_validator(subtopic).iter_errors(document), key=lambda e: list(map(str, e.path))
    )
    return [f"{error.json_path}: {error.message}" for error in errors]


def validate_message(subtopic: str, payload: bytes | str | dict[str, Any]) -> None:
    """Assert that a message validates against the official schema of its subtopic.

    The AssertionError names the subtopic and lists every violation with its JSON path.
    """
    errors = schema_errors(subtopic, payload)
    if errors:
        listing = "\n  ".join(errors)
        raise AssertionError(
            f"{subtopic} message violates the VDA 5050 v2.1.0 schema "
            f"({len(errors)} error(s)):\n  {listing}"
        )
