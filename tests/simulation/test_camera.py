"""The simulated camera: each capturePhoto makes a real PNG, handed to the agent once."""

from __future__ import annotations

from fleet_protocol.kinds import RobotKind
from robot_agent.driver import Pose
from robot_agent.evidence import PhotoSource
from simulation.sim_driver import SimDriver
from tests.robot_agent.png_reader import read_png


async def test_a_photo_is_a_png_of_its_own_robot_handed_over_once() -> None:
    dog = SimDriver(RobotKind.PATROL_DOG, Pose(3, 4, 0, "m"), speed_factor=100, serial_number="d1")
    other = SimDriver(
        RobotKind.PATROL_DOG, Pose(3, 4, 0, "m"), speed_factor=100, serial_number="d2"
    )
    assert isinstance(dog, PhotoSource)
    first = await dog.run_action("capturePhoto", {"direction": "front"})
    theirs = await other.run_action("capturePhoto", {})
    assert first is not None and first.startswith("photo-d1-") and theirs is not None
    image, their_image = dog.photo(first), other.photo(theirs)
    assert image is not None and their_image is not None
    width, height, channels, pixels = read_png(image)
    assert (width, height, channels) == (320, 180, 3)
    assert pixels != read_png(their_image)[3], "each robot's photo is its own"
    assert dog.photo(first) is None, "handed over once"
