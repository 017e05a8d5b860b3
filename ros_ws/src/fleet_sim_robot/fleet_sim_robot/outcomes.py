"""How a simulated robot's goal ends, and the failures it can be asked to produce.

The codes are Nav2's (nav2_msgs FollowPath and DockRobot results), so the driver reads them as it
reads a real Nav2's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

FAILED_TO_MAKE_PROGRESS = 105  # the battery ran empty on the way
DOCK_NOT_IN_DB = 901
DOCK_NOT_VALID = 902
FAILED_TO_STAGE = 903


@dataclass(frozen=True)
class Outcome:
    """How a goal ended: success, or Nav2's error code and message."""

    succeeded: bool
    error_code: int = 0
    error_msg: str = ""


CANCELLED = Outcome(False, 0, "cancelled")


@dataclass(frozen=True)
class InjectedFailure:
    """A failure asked for by a test or an operator: Nav2's code, after so many poses."""

    code: int
    message: str
    after_poses: int = 0


class Activity(Protocol):
    """A goal's work on the robot, advanced by the node's timer."""

    def advance(self) -> Outcome | None:
        """Move on to now; the outcome once it has ended."""

    def cancel(self) -> None:
        """Stop where it is."""
