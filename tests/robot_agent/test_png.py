"""PNGs made without an image library: valid files that decode to the pixels given."""

from __future__ import annotations

import pytest

from robot_agent.png import encode_png
from tests.robot_agent.png_reader import read_png


def test_rgb_and_grey_images_decode_to_their_pixels() -> None:
    rgb = [bytes([10, 20, 30, 40, 50, 60]), bytes([70, 80, 90, 100, 110, 120])]
    assert read_png(encode_png(2, 2, rgb)) == (2, 2, 3, b"".join(rgb))
    assert read_png(encode_png(3, 1, [b"\x00\x7f\xff"], channels=1)) == (3, 1, 1, b"\x00\x7f\xff")


def test_rows_of_the_wrong_size_are_refused() -> None:
    with pytest.raises(ValueError, match="every row must hold 6 bytes"):
        encode_png(2, 1, [b"\x00" * 5])
    with pytest.raises(ValueError, match="a 2x2 image needs 2 rows, got 1"):
        encode_png(2, 2, [b"\x00" * 6])
