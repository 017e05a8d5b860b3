"""Camera frames stored as evidence photos: PNG from raw frames, JPEG/PNG kept as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fleet_robot_driver.photos import encode, store, stored_photo
from fleet_robot_driver.port import CapturedImage

from tests.robot_agent.png_reader import read_png


def _frame(encoding: str, width: int, height: int, step: int, data: bytes) -> CapturedImage:
    return CapturedImage(0.0, encoding, width, height, step, data)


def test_rgb_rows_drop_their_padding() -> None:
    # 2x2 rgb8 with a step of 8: two padding bytes (0xEE) at the end of each row.
    data = bytes([1, 2, 3, 4, 5, 6, 0xEE, 0xEE, 7, 8, 9, 10, 11, 12, 0xEE, 0xEE])
    suffix, image = encode(_frame("rgb8", 2, 2, 8, data))
    assert suffix == ".png"
    assert read_png(image) == (2, 2, 3, bytes(range(1, 13)))


def test_bgr_becomes_rgb_and_mono_becomes_pgm() -> None:
    _, colour = encode(_frame("bgr8", 2, 1, 6, bytes([3, 2, 1, 6, 5, 4])))
    assert read_png(colour) == (2, 1, 3, bytes([1, 2, 3, 4, 5, 6]))
    suffix, grey = encode(_frame("mono8", 3, 1, 3, b"\x00\x80\xff"))
    assert suffix == ".png" and read_png(grey) == (3, 1, 1, b"\x00\x80\xff")


def test_a_short_frame_is_refused_with_its_figures() -> None:
    with pytest.raises(ValueError, match=r"rgb8 frame 2x2 with step 6 has 6 bytes"):
        encode(_frame("rgb8", 2, 2, 6, bytes(6)))


def test_compressed_frames_are_kept_as_they_came() -> None:
    jpeg = CapturedImage(0.0, "rgb8; jpeg compressed bgr8", 0, 0, 0, b"\xff\xd8jpeg", True)
    png = CapturedImage(0.0, "png", 0, 0, 0, b"\x89PNG", True)
    assert encode(jpeg) == (".jpg", b"\xff\xd8jpeg")
    assert encode(png) == (".png", b"\x89PNG")


def test_other_encodings_are_stored_raw_with_their_layout(tmp_path: Path) -> None:
    frame = _frame("16UC1", 2, 1, 4, b"\x01\x00\x02\x00")
    path = store(frame, tmp_path / "photos", "photo-r1-abc")
    assert path.name == "photo-r1-abc.raw" and path.read_bytes() == b"\x01\x00\x02\x00"
    layout = json.loads(path.with_suffix(".json").read_text())
    assert layout == {"encoding": "16UC1", "width": 2, "height": 1, "step": 4}
    assert sorted(p.name for p in path.parent.iterdir()) == ["photo-r1-abc.json", path.name]


def test_the_stored_jpeg_or_png_is_handed_over_by_its_id(tmp_path: Path) -> None:
    store(_frame("mono8", 1, 1, 1, b"\x7f"), tmp_path, "photo-r1-0123456789abcdef")
    store(_frame("16UC1", 1, 1, 2, b"\x01\x00"), tmp_path, "photo-r1-fedcba9876543210")
    grey = stored_photo(tmp_path, "photo-r1-0123456789abcdef")
    assert grey is not None and read_png(grey) == (1, 1, 1, b"\x7f")
    assert stored_photo(tmp_path, "photo-r1-fedcba9876543210") is None  # raw: no image to send
    assert stored_photo(tmp_path, "photo-r1-0000000000000000") is None
