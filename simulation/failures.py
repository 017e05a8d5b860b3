"""The errorTypes the simulated robot reports, and the failures a test can ask it to produce."""

from __future__ import annotations

from dataclasses import dataclass

from robot_agent.driver import DriverError

# VDA 5050 leaves errorType free text.
NAVIGATION_FAILED = "navigationFailed"
ACTION_FAILED = "actionFailed"
BATTERY_EMPTY = "batteryEmpty"


@dataclass(frozen=True)
class InjectedFailure:
    """A failure the test or operator has asked the robot to produce."""

    error_type: str
    description: str
    fatal: bool
    after_poses: int = 0

    def error(self) -> DriverError:
        """The error to raise."""
        return DriverError(self.error_type, self.description, fatal=self.fatal)
