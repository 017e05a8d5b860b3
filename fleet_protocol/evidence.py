"""Evidence photos as robots and the server share them: the photo id, its owner, its image type,
and where the robot uploads it."""

from __future__ import annotations

import re

# photo-<serial>-<16 hex digits>; a serial is a topic level (A-Z a-z 0-9 _ . : -).
PHOTO_ID = re.compile(r"photo-(?P<serial>[A-Za-z0-9_.:-]{1,64})-[0-9a-f]{16}")
# The server's upload route, below its base URL; the robot authenticates with its MQTT login.
PHOTO_UPLOAD_PATH = "/api/v1/photos/{photo_id}"

JPEG = "image/jpeg"
PNG = "image/png"
_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
MEDIA_TYPES = (JPEG, PNG)


def photo_owner(evidence_id: str) -> str | None:
    """The serial number a photo id names, or None if it is not a photo id."""
    match = PHOTO_ID.fullmatch(evidence_id)
    return match.group("serial") if match else None


def media_type(data: bytes) -> str | None:
    """image/jpeg or image/png by the image's first bytes, or None if it is neither."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None
