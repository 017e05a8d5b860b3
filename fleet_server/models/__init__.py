"""SQLModel tables and API schemas, one family per entity."""

from fleet_server.models.mission import Mission, MissionCreate, MissionPublic, MissionStatus
from fleet_server.models.robot import Robot, RobotCreate, RobotPublic
from fleet_server.models.telemetry import TelemetrySample

__all__ = [
    "Mission",
    "MissionCreate",
    "MissionPublic",
    "MissionStatus",
    "Robot",
    "RobotCreate",
    "RobotPublic",
    "TelemetrySample",
]
