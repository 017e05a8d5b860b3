"""Evidence ids: unique, and naming the robot that took the photo."""

from __future__ import annotations

import re

from robot_agent.evidence import photo_id


def test_photo_ids_are_unique_and_name_the_robot() -> None:
    ids = {photo_id("dog-01") for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch(r"photo-dog-01-[0-9a-f]{16}", i) for i in ids)
