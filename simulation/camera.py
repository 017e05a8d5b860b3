"""The simulated camera: a small PNG with the robot's serial number, the time and the place drawn
on it, so that a photo in the console shows which robot took it, when and where."""

from __future__ import annotations

import zlib
from datetime import datetime

from robot_agent.png import encode_png

WIDTH, HEIGHT = 320, 180
SCALE = 3  # screen pixels per font pixel
# A 3x5 pixel font: five rows of three pixels per character ('#' on).
_GLYPHS = {
    "0": "### #.# #.# #.# ###",
    "1": ".#. ##. .#. .#. ###",
    "2": "### ..# ### #.. ###",
    "3": "### ..# .## ..# ###",
    "4": "#.# #.# ### ..# ..#",
    "5": "### #.. ### ..# ###",
    "6": "### #.. ### #.# ###",
    "7": "### ..# .#. .#. .#.",
    "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ###",
    "A": ".#. #.# ### #.# #.#",
    "B": "##. #.# ##. #.# ##.",
    "C": ".## #.. #.. #.. .##",
    "D": "##. #.# #.# #.# ##.",
    "E": "### #.. ##. #.. ###",
    "F": "### #.. ##. #.. #..",
    "G": ".## #.. #.# #.# .##",
    "H": "#.# #.# ### #.# #.#",
    "I": "### .#. .#. .#. ###",
    "J": "..# ..# ..# #.# .#.",
    "K": "#.# #.# ##. #.# #.#",
    "L": "#.. #.. #.. #.. ###",
    "M": "#.# ### ### #.# #.#",
    "N": "##. #.# #.# #.# #.#",
    "O": ".#. #.# #.# #.# .#.",
    "P": "##. #.# ##. #.. #..",
    "Q": ".#. #.# #.# ##. .##",
    "R": "##. #.# ##. #.# #.#",
    "S": ".## #.. .#. ..# ##.",
    "T": "### .#. .#. .#. .#.",
    "U": "#.# #.# #.# #.# ###",
    "V": "#.# #.# #.# #.# .#.",
    "W": "#.# #.# ### ### #.#",
    "X": "#.# #.# .#. #.# #.#",
    "Y": "#.# #.# .#. .#. .#.",
    "Z": "### ..# .#. #.. ###",
    "-": "... ... ### ... ...",
    ":": "... .#. ... .#. ...",
    ".": "... ... ... ... .#.",
    "_": "... ... ... ... ###",
    " ": "... ... ... ... ...",
}
_INK = (255, 255, 255)


def _background(seed: str) -> list[bytearray]:
    """A diagonal gradient in a colour of the robot's own, so photos of two robots differ."""
    hue = zlib.crc32(seed.encode())
    base = (hue & 0x7F, (hue >> 8) & 0x7F, (hue >> 16) & 0x7F)
    # The shade depends on x + y only: each row is a window onto one long line of pixels.
    line = b"".join(
        bytes(min(255, channel + step * 96 // (WIDTH + HEIGHT)) for channel in base)
        for step in range(WIDTH + HEIGHT)
    )
    return [bytearray(line[3 * y : 3 * (y + WIDTH)]) for y in range(HEIGHT)]


def _draw(rows: list[bytearray], text: str, left: int, top: int) -> None:
    for index, char in enumerate(text.upper()):
        glyph = _GLYPHS.get(char, _GLYPHS[" "]).split()
        for gy, line in enumerate(glyph):
            for gx, pixel in enumerate(line):
                if pixel != "#":
                    continue
                for dy in range(SCALE):
                    y = top + gy * SCALE + dy
                    for dx in range(SCALE):
                        x = left + (index * 4 + gx) * SCALE + dx
                        if 0 <= x < WIDTH and 0 <= y < HEIGHT:
                            rows[y][3 * x : 3 * x + 3] = bytes(_INK)


def snapshot(serial_number: str, taken_at: datetime, x: float, y: float, direction: str) -> bytes:
    """A PNG photo naming the robot, the UTC time and the place it was taken from."""
    rows = _background(serial_number)
    lines = [
        serial_number,
        taken_at.strftime("%Y-%m-%d"),
        taken_at.strftime("%H:%M:%S UTC"),
        f"X {x:.1f} Y {y:.1f}",
        direction,
    ]
    for number, line in enumerate(lines):
        _draw(rows, line, 12, 12 + number * 6 * SCALE + number * 12)
    return encode_png(WIDTH, HEIGHT, [bytes(row) for row in rows])
