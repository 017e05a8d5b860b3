"""The evidence ids a robot's actions report as their result (capturePhoto's photo id)."""

from __future__ import annotations

import uuid


def photo_id(serial_number: str) -> str:
    """A fresh photo evidence id: photo-<serial>-<16 hex digits>."""
    return f"photo-{serial_number}-{uuid.uuid4().hex[:16]}"
