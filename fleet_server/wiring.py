"""The server's parts wired together: what the lifespan builds and the routes use."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from fleet_protocol.state import ErrorLevel
from fleet_server.accounts.accounts import AccountService
from fleet_server.accounts.login_throttle import Limits, LoginThrottle, ThrottleRules
from fleet_server.alerts.alerts import AlertService
from fleet_server.alerts.incident_alerts import IncidentAlerts
from fleet_server.alerts.robot_alerts import RobotAlertRules, RobotAlerts
from fleet_server.alerts.store import AlertStore
from fleet_server.audit.audit import AuditLog
from fleet_server.broker.accounts import MqttAccounts
from fleet_server.errors import NotFound
from fleet_server.feed.hub import LiveFeed
from fleet_server.fleet.activity import ActivityTracker
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.energy import EnergyRates
from fleet_server.fleet.energy_model import EnergyModel
from fleet_server.fleet.energy_store import EnergyStore
from fleet_server.fleet.gateway import Gateway
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.store import RobotStore
from fleet_server.incidents.fleet_records import FleetControlRecorder, restore_fleet_control
from fleet_server.incidents.incidents import IncidentPolicy, IncidentService
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.responses import CleanArea
from fleet_server.incidents.store import IncidentStore
from fleet_server.incidents.visit_records import UnexpectedOrderRecorder, VisitRecorder
from fleet_server.isolation import LoopFailures
from fleet_server.metrics.collector import FleetCollector
from fleet_server.metrics.model import ServerMetrics
from fleet_server.missions.activity import MissionActivity
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.fleet_control import FleetControl
from fleet_server.missions.legs import LegRules
from fleet_server.missions.orders import ReleasePolicy
from fleet_server.missions.service import MissionService
from fleet_server.missions.store import MissionStore
from fleet_server.schedules.schedules import ScheduleService
from fleet_server.schedules.store import ScheduleStore
from fleet_server.schedules.templates import TemplateService
from fleet_server.schema import open_configured_database
from fleet_server.settings import FleetSettings
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.claims import ClaimService
from fleet_server.vouchers.clawbacks import ClawbackService
from fleet_server.vouchers.contracts import ContractService
from fleet_server.vouchers.parties import EnterpriseService, InstitutionService
from fleet_server.vouchers.programmes import ProgrammeService
from fleet_server.vouchers.record_store import RecordStore
from fleet_server.vouchers.settlement import SettlementService
from fleet_server.vouchers.units import UnitService
from fleet_server.vouchers.vouchers import VoucherService

log = logging.getLogger(__name__)


@dataclass
class Fleet:
    """Everything the routes use, built by the lifespan and kept on app.state.fleet."""

    settings: FleetSettings
    engine: Engine
    robot_store: RobotStore
    sites: SiteRegistry
    registry: FleetRegistry
    gateway: Gateway
    missions: MissionService
    schedules: ScheduleService
    templates: TemplateService
    accounts: AccountService
    logbook: Logbook
    incidents: IncidentService
    audit: AuditLog
    programmes: ProgrammeService
    enterprises: EnterpriseService
    institutions: InstitutionService
    vouchers: VoucherService
    contracts: ContractService
    units: UnitService
    claims: ClaimService
    settlements: SettlementService
    clawbacks: ClawbackService
    feed: LiveFeed
    failures: LoopFailures
    mqtt_accounts: MqttAccounts
    logins: LoginThrottle
    fleet_control: FleetControl
    metrics: ServerMetrics
    alerts: AlertService


def _token_secret(settings: FleetSettings) -> str:
    """The configured secret for login tokens, or a random one for this run."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    log.warning(
        "FLEET_JWT_SECRET is not set: using a random one, so tokens will not survive a restart"
    )
    return secrets.token_urlsafe(32)


def _login_rules(settings: FleetSettings) -> ThrottleRules:
    return ThrottleRules(
        per_name=Limits(settings.login_free_failures, settings.login_lockout_failures),
        per_address=Limits(
            settings.login_address_free_failures, settings.login_address_lockout_failures
        ),
        lockout_s=settings.login_lockout_s,
        window_s=settings.login_failure_window_s,
    )


def _energy_model(settings: FleetSettings, engine: Engine, failures: LoopFailures) -> EnergyModel:
    """Each robot's learned energy use, starting from the settings' figures."""
    defaults = EnergyRates(
        drive_per_km=settings.battery_percent_per_km,
        idle_per_min=settings.energy_idle_percent_per_min,
        charge_per_min=settings.energy_charge_percent_per_min,
        work_per_min=settings.energy_work_percent_per_min,
    )
    return EnergyModel(
        defaults,
        EnergyStore(engine),
        write_interval_s=settings.energy_write_interval_s,
        failures=failures,
    )


def battery_model(rates: EnergyRates, reserve_percent: float) -> BatteryModel:
    """What the missions plan with: a robot's learned figures and the settings' reserve."""
    return BatteryModel(
        percent_per_km=rates.drive_per_km,
        reserve_percent=reserve_percent,
        idle_percent_per_min=rates.idle_per_min,
        work_percent_per_min=dict(rates.work_per_min),
        charge_percent_per_min=rates.charge_per_min,
        metres_per_min=rates.metres_per_min,
    )


def _alerts(
    settings: FleetSettings,
    engine: Engine,
    missions: MissionService,
    incidents: IncidentService,
    feed: LiveFeed,
) -> AlertService:
    """The alert inbox, told of incidents, robots and foreign orders, telling the live feed."""
    alerts = AlertService(AlertStore(engine), clock=missions.clock)
    alerts.listeners.append(feed)
    incidents.listeners.append(IncidentAlerts(alerts))

    def active_mission(robot: Robot) -> int | None:
        if robot.mission_id is None:
            return None
        try:
            finished = missions.get(robot.mission_id).status.finished
        except NotFound:
            return None
        return None if finished else robot.mission_id

    rules = RobotAlertRules(
        error_levels=[ErrorLevel(level) for level in settings.alert_error_levels],
        low_battery_percent=settings.alert_low_battery_percent,
    )
    robot_alerts = RobotAlerts(alerts, rules, active_mission)
    missions.registry.listeners.append(robot_alerts)
    missions.reconciler.listeners.append(robot_alerts)
    return alerts


def build_fleet(settings: FleetSettings) -> Fleet:
    """Wire the server's parts together (no I/O beyond opening the database and reading sites)."""
    engine = open_configured_database(settings)
    # Its own registry per built fleet: several servers may run in one process (the tests).
    metrics = ServerMetrics()
    robot_store = RobotStore(engine)
    sites = SiteRegistry.from_directory(settings.sites_dir)
    activity = ActivityTracker(max_gap_s=settings.offline_timeout_s, sites=sites.all())
    # One record of every loop's set-aside items, shown in GET /health.
    failures = LoopFailures()
    energy = _energy_model(settings, engine, failures)
    registry = FleetRegistry(
        robot_store,
        offline_timeout_s=settings.offline_timeout_s,
        telemetry_interval_s=settings.telemetry_interval_s,
        activity=activity,
        activity_store=ActivityStore(engine),
        failures=failures,
        auto_register=settings.auto_register,
        energy=energy,
        metrics=metrics.ingest,
    )
    gateway = Gateway(
        registry,
        mqtt_url=settings.mqtt_url,
        interface=settings.interface,
        max_payload_bytes=settings.mqtt_max_payload_bytes,
        ca_file=settings.mqtt_ca_file,
    )
    missions_service = MissionService(
        store=MissionStore(engine),
        registry=registry,
        sites=sites,
        outbox=gateway,
        offline_grace_s=settings.mission_offline_grace_s,
        battery_floor=settings.battery_floor_percent,
        idle_charge_below_percent=settings.idle_charge_below_percent,
        priorities=settings.kind_priorities,
        battery=BatteryModel(
            percent_per_km=settings.battery_percent_per_km,
            reserve_percent=settings.battery_reserve_percent,
        ),
        default_speed_m_s=settings.robot_speed_m_s,
        policy=ReleasePolicy(
            base_nodes=settings.release_base_nodes,
            horizon_nodes=settings.release_horizon_nodes,
            lookahead=settings.release_lookahead,
        ),
        preemptible_kinds=settings.preemptible_kinds if settings.incident_preemption else (),
        lost_robot_policy=settings.lost_robot_policy,
        failures=failures,
    )
    # Legs and charger waits are timed by each robot's learned charging rate; these are the
    # figures for a robot the model cannot yet speak for.
    missions_service.leg_rules = LegRules(
        charge_percent_per_min=settings.energy_charge_percent_per_min,
        speed_m_s=settings.robot_speed_m_s,
    )
    registry.listeners.append(missions_service)
    missions_service.chooser.energy_of = lambda robot: battery_model(
        energy.rates(robot), settings.battery_reserve_percent
    )
    missions_service.charger_keeper.charge_percent_per_hour = (
        lambda robot: 60.0 * energy.rates(robot).charge_per_min
    )
    logbook = Logbook(engine)
    incidents = IncidentService(
        store=IncidentStore(engine),
        missions=missions_service,
        logbook=logbook,
        policy=IncidentPolicy(
            dispatch_timeout_s=settings.incident_dispatch_timeout_s,
            max_distance_m=settings.incident_max_distance_m,
            repeat_radius_m=settings.incident_repeat_radius_m,
            repeat_window_h=settings.incident_repeat_window_h,
            cooldown_h=settings.incident_cooldown_h,
            clean=CleanArea(
                half_side_m=settings.incident_clean_half_side_m,
                width_m=settings.incident_clean_width_m,
            ),
        ),
    )
    missions_service.listeners += [incidents, VisitRecorder(logbook, sites)]
    missions_service.reconciler.listeners.append(UnexpectedOrderRecorder(logbook))
    missions_service.listeners.append(MissionActivity(activity, registry.clock))
    missions_service.listeners.append(metrics.missions)
    feed = LiveFeed(registry, missions_service.unfinished, incidents.store.unfinished_incidents)
    registry.change_listeners.append(feed.robot_changed)
    missions_service.listeners.append(feed)
    incidents.listeners += [feed, metrics.incidents]
    fleet_control = FleetControl(missions_service)
    fleet_control.listeners += [FleetControlRecorder(logbook, sites), feed]
    restore_fleet_control(fleet_control, logbook)
    alerts = _alerts(settings, engine, missions_service, incidents, feed)
    registry.load()
    energy.load()
    missions_service.load()
    schedule_store = ScheduleStore(engine)
    schedules = ScheduleService(
        store=schedule_store,
        sites=sites,
        missions=missions_service,
        check_interval_s=settings.schedule_check_interval_s,
        failures=failures,
    )
    templates = TemplateService(store=schedule_store, missions=missions_service)
    templates.load_directory(settings.templates_dir)
    accounts = AccountService(engine, _token_secret(settings), settings.token_ttl_s)
    audit = AuditLog(engine)
    records = RecordStore(engine, audit)
    metrics.add(FleetCollector(registry, gateway, missions_service, feed, failures))
    return Fleet(
        settings,
        engine,
        robot_store,
        sites,
        registry,
        gateway,
        missions_service,
        schedules,
        templates,
        accounts,
        logbook,
        incidents,
        audit,
        ProgrammeService(records, sites),
        EnterpriseService(records),
        InstitutionService(records),
        VoucherService(records, failures=failures),
        ContractService(records),
        UnitService(records, sites, registry.knows),
        ClaimService(records, sites),
        SettlementService(records, sites),
        ClawbackService(records, sites, failures=failures),
        feed,
        failures,
        MqttAccounts(
            engine, interface=settings.interface, broker_dir=settings.broker_config_dir
        ),
        LoginThrottle(_login_rules(settings)),
        fleet_control,
        metrics,
        alerts,
    )
