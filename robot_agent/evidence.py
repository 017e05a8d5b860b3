"""The evidence a robot's actions report: capturePhoto's photo id, and the photo behind it."""

from __future__ import annotations

import uuid
from typing import Protocol, runtime_checkable


def photo_id(serial_number: str) -> str:
    """A fresh photo evidence id: photo-<serial>-<16 hex digits> (fleet_protocol.evidence)."""
    return f"photo-{serial_number}-{uuid.uuid4().hex[:16]}"


@runtime_checkable
class PhotoSource(Protocol):
    """A driver that hands over the photos it took: an optional part of the Driver protocol."""

    def photo(self, evidence_id: str) -> bytes | None:
        """The JPEG or PNG bytes of a photo this driver took, or None if it has none by that id."""
