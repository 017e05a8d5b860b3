"""Reading back the PNGs robot_agent.png writes (8-bit, no interlace, filter 0), for tests."""

from __future__ import annotations

import struct
import zlib

from robot_agent.png import SIGNATURE

_CHANNELS = {0: 1, 2: 3}


def read_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, pixels) of a PNG, checking every chunk's CRC on the way."""
    assert data.startswith(SIGNATURE), "not a PNG"
    offset, chunks = len(SIGNATURE), {}
    idat = b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        if kind == b"IDAT":
            idat += body
        chunks[kind] = body
        offset += 12 + length
    assert b"IEND" in chunks
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and interlace == 0
    channels = _CHANNELS[colour]
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    rows = [raw[r * stride : (r + 1) * stride] for r in range(height)]
    assert all(row[0] == 0 for row in rows), "only filter type 0 is written"
    return width, height, channels, b"".join(row[1:] for row in rows)
