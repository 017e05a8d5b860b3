"""SQLModel tables and API schemas, one family per entity."""

from fleet_server.models.account import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    Role,
    User,
    UserCreate,
    UserPublic,
)
from fleet_server.models.activity import RobotDay, RobotDayPublic
from fleet_server.models.audit import AuditEntry, AuditEntryPublic
from fleet_server.models.claim import Claim, ClaimKey, ClaimStatus
from fleet_server.models.clawback import ClawbackCase, ClawbackStatus
from fleet_server.models.contract import Contract
from fleet_server.models.header import HeaderCounter
from fleet_server.models.incident import (
    Incident,
    IncidentCreate,
    IncidentNote,
    IncidentPublic,
    IncidentStatus,
    IncidentType,
)
from fleet_server.models.logbook import EntryKind, LogbookEntry, LogbookEntryPublic
from fleet_server.models.mission import Mission, MissionPublic, MissionStatus
from fleet_server.models.mission_requests import (
    Checkpoint,
    CleanCreate,
    DockCreate,
    MissionCreate,
    PatrolCreate,
    ServiceCreate,
)
from fleet_server.models.mqtt_account import (
    BrokerUpdate,
    CredentialsRevoked,
    MqttAccount,
    MqttRole,
    RobotCredentials,
    RobotRegistered,
)
from fleet_server.models.party import Affiliation, Enterprise, Institution
from fleet_server.models.programme import Programme
from fleet_server.models.robot import (
    Robot,
    RobotCreate,
    RobotPublic,
    RobotStatus,
    UnexpectedOrder,
)
from fleet_server.models.schedule import Schedule, ScheduleCreate, SchedulePublic, ScheduleUpdate
from fleet_server.models.settlement import Payout, SettlementRound
from fleet_server.models.telemetry import TelemetrySample
from fleet_server.models.template import (
    FromTemplate,
    Template,
    TemplateCreate,
    TemplatePublic,
    TemplateUpdate,
)
from fleet_server.models.unit import DeployedUnit
from fleet_server.models.voucher import Voucher, VoucherStatus

__all__ = [
    "Affiliation",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "AuditEntry",
    "AuditEntryPublic",
    "BrokerUpdate",
    "Checkpoint",
    "Claim",
    "ClaimKey",
    "ClaimStatus",
    "ClawbackCase",
    "ClawbackStatus",
    "CleanCreate",
    "Contract",
    "CredentialsRevoked",
    "DeployedUnit",
    "DockCreate",
    "Enterprise",
    "EntryKind",
    "FromTemplate",
    "HeaderCounter",
    "Incident",
    "IncidentCreate",
    "IncidentNote",
    "IncidentPublic",
    "IncidentStatus",
    "IncidentType",
    "Institution",
    "LogbookEntry",
    "LogbookEntryPublic",
    "Mission",
    "MissionCreate",
    "MissionPublic",
    "MissionStatus",
    "MqttAccount",
    "MqttRole",
    "PatrolCreate",
    "Payout",
    "Programme",
    "Robot",
    "RobotCreate",
    "RobotCredentials",
    "RobotDay",
    "RobotDayPublic",
    "RobotPublic",
    "RobotRegistered",
    "RobotStatus",
    "Role",
    "Schedule",
    "ScheduleCreate",
    "SchedulePublic",
    "ScheduleUpdate",
    "ServiceCreate",
    "SettlementRound",
    "TelemetrySample",
    "Template",
    "TemplateCreate",
    "TemplatePublic",
    "TemplateUpdate",
    "UnexpectedOrder",
    "User",
    "UserCreate",
    "UserPublic",
    "Voucher",
    "VoucherStatus",
]
