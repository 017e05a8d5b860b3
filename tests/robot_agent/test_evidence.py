"""Evidence ids: unique, and naming the robot that took the photo; images by their kind."""

from __future__ import annotations

import re

from fleet_protocol.evidence import JPEG, PNG, media_type, photo_owner
from robot_agent.evidence import photo_id
from robot_agent.png import encode_png


def test_photo_ids_are_unique_and_name_the_robot() -> None:
    ids = {photo_id("dog-01") for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch(r"photo-dog-01-[0-9a-f]{16}", i) for i in ids)


def test_a_photo_id_names_its_robot_and_an_image_is_known_by_its_first_bytes() -> None:
    assert photo_owner(photo_id("dog-01")) == "dog-01"
    assert photo_owner("photo-dog-01-xyz") is None
    assert photo_owner("photo--0123456789abcdef") is None
    assert media_type(b"\xff\xd8\xff\xe0rest") == JPEG
    assert media_type(encode_png(1, 1, [b"\x00\x00\x00"])) == PNG
    assert media_type(b"GIF89a") is None
