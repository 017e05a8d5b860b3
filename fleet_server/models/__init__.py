"""SQLModel tables and API schemas, one family per entity."""

from fleet_server.models.mission import Mission, MissionPublic, MissionStatus
from fleet_server.models.mission_requests import (
    Checkpoint,
    CleanCreate,
    DockCreate,
    MissionCreate,
    PatrolCreate,
    ServiceCreate,
)
from fleet_server.models.robot import Robot, RobotCreate, RobotPublic
from fleet_server.models.schedule import Schedule, ScheduleCreate, SchedulePublic, ScheduleUpdate
from fleet_server.models.telemetry import TelemetrySample
from fleet_server.models.template import (
    FromTemplate,
    Template,
    TemplateCreate,
    TemplatePublic,
    TemplateUpdate,
)

__all__ = [
    "Checkpoint",
    "CleanCreate",
    "DockCreate",
    "FromTemplate",
    "Mission",
    "MissionCreate",
    "MissionPublic",
    "MissionStatus",
    "PatrolCreate",
    "Robot",
    "RobotCreate",
    "RobotPublic",
    "Schedule",
    "ScheduleCreate",
    "SchedulePublic",
    "ScheduleUpdate",
    "ServiceCreate",
    "TelemetrySample",
    "Template",
    "TemplateCreate",
    "TemplatePublic",
    "TemplateUpdate",
]
