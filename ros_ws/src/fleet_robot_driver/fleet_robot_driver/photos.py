"""Storing camera frames as evidence photos: one file per photo, named by its evidence id.

Without numpy or an image library (the robot computer has few packages): raw 8-bit frames are
written as PNG (colour or grey, by robot_agent.png), compressed frames as the JPEG or PNG they
already are, and any other encoding as its bytes with a JSON note of the layout beside them. The
JPEG and PNG files are what the agent uploads to the server as evidence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fleet_robot_driver.port import CapturedImage
from robot_agent.png import encode_png

_CHANNELS = {"rgb8": 3, "bgr8": 3, "mono8": 1}


def encode(image: CapturedImage) -> tuple[str, bytes]:
    """The file suffix and bytes of a frame."""
    if image.compressed:
        kind = image.encoding.lower()
        return (".png" if "png" in kind else ".jpg"), image.data
    channels = _CHANNELS.get(image.encoding)
    if channels is None:
        return ".raw", image.data
    row = image.width * channels
    if image.step < row or len(image.data) < image.step * image.height:
        raise ValueError(
            f"{image.encoding} frame {image.width}x{image.height} with step {image.step} "
            f"has {len(image.data)} bytes, fewer than its rows need"
        )
    rows = [image.data[r * image.step : r * image.step + row] for r in range(image.height)]
    if image.encoding == "bgr8":
        rows = [_bgr_to_rgb(line) for line in rows]
    return ".png", encode_png(image.width, image.height, rows, channels)


def _bgr_to_rgb(line: bytes) -> bytes:
    swapped = bytearray(line)
    swapped[0::3], swapped[2::3] = line[2::3], line[0::3]
    return bytes(swapped)


def stored_photo(directory: Path, evidence_id: str) -> bytes | None:
    """The JPEG or PNG stored under an evidence id, or None (no such photo, or a raw frame)."""
    for suffix in (".png", ".jpg"):
        path = directory / f"{evidence_id}{suffix}"
        if path.is_file():
            return path.read_bytes()
    return None


def store(image: CapturedImage, directory: Path, evidence_id: str) -> Path:
    """Write the frame under its evidence id; the file appears whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    suffix, data = encode(image)
    path = directory / f"{evidence_id}{suffix}"
    partial = path.with_suffix(suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    if suffix == ".raw":
        layout = {
            "encoding": image.encoding,
            "width": image.width,
            "height": image.height,
            "step": image.step,
        }
        path.with_suffix(".json").write_text(json.dumps(layout), encoding="utf-8")
    return path
