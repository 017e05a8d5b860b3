"""Common base of every VDA 5050 message: camelCase on the wire, strict fields, the header."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, Strict
from pydantic.alias_generators import to_camel

PROTOCOL_VERSION = "2.1.0"

# The spec's theta range, with the schema's own rounding of pi.
PI_BOUND = 3.14159265359


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a timezone (ISO 8601 with Z or an offset)")
    utc = value.astimezone(timezone.utc)
    # Keep only what goes on the wire (milliseconds), so a message equals its own parsed wire form.
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def _format_timestamp(value: datetime) -> str:
    # The spec's format is YYYY-MM-DDTHH:mm:ss.ffZ; we keep milliseconds.
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{value.microsecond // 1000:03d}Z"
    )


Timestamp = Annotated[
    datetime,
    AfterValidator(_require_aware),
    PlainSerializer(_format_timestamp, return_type=str, when_used="json"),
]
# No coercion of numbers and booleans: "5" is not a headerId and "true" is not `released`,
# as the schemas say (a JSON integer is still a valid number).
Int = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
Bool = Annotated[bool, Strict()]
NonNegInt = Annotated[int, Strict(), Field(ge=0)]
NonNegFloat = Annotated[float, Strict(), Field(ge=0.0)]
Angle = Annotated[float, Strict(), Field(ge=-PI_BOUND, le=PI_BOUND)]
NonEmptyStr = Annotated[str, Field(min_length=1)]


class WireModel(BaseModel):
    """Base of all wire objects: camelCase aliases, snake_case in Python; tolerant of vendor
    fields, intolerant of non-finite numbers."""

    # Unknown fields are ignored, not refused: the spec (section 4) lets vendors extend messages
    # and the official schemas allow additional properties, so one extra key must never lock a
    # vehicle (or a master) out. What we send stays strict: mypy's pydantic plugin refuses an
    # unknown keyword in our own code (init_forbid_extra), and the tests validate every message
    # on the wire against the schemas. NaN and Infinity are no numbers a pose or a battery can
    # have (and SQLite would store NaN as NULL): they are refused at parse.
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        allow_inf_nan=False,
        frozen=False,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict as it goes on the wire (camelCase, no unset optionals)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json(self) -> bytes:
        """The message as UTF-8 JSON bytes for an MQTT payload."""
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()


class Header(WireModel):
    """The header every VDA 5050 message starts with."""

    header_id: NonNegInt
    timestamp: Timestamp
    version: NonEmptyStr = PROTOCOL_VERSION
    manufacturer: NonEmptyStr
    serial_number: NonEmptyStr
