"""The simulated camera's frames: small rgb8 pictures that change with where the robot looks."""

from __future__ import annotations

import math

WIDTH = 64
HEIGHT = 48
ENCODING = "rgb8"
CHANNELS = 3


def frame(x: float, y: float, theta: float, number: int) -> bytes:
    """One WIDTH x HEIGHT rgb8 frame, rows top to bottom.

    Sky over ground, split at a horizon that tilts with the heading, the ground tinted by the
    position, and a marker column that moves with the frame number (so two frames differ).
    """
    sky = bytes((110, 160, 220))
    ground = bytes((int(x * 13) % 256, 120, int(y * 17) % 256))
    marker = number % WIDTH
    horizon = HEIGHT // 2 + int(6 * math.sin(theta))
    rows = []
    for row in range(HEIGHT):
        colour = sky if row < horizon else ground
        line = bytearray(colour * WIDTH)
        line[marker * CHANNELS : marker * CHANNELS + CHANNELS] = b"\xff\xff\xff"
        rows.append(bytes(line))
    return b"".join(rows)
