"""Alerts from robots: an error of a level operators must see, a robot gone offline during a
mission, an order the server did not give, and a battery falling below the threshold (once per
crossing). A RobotListener of the registry and a listener of the order reconciler."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from fleet_protocol.state import ErrorLevel, State
from fleet_server.alerts.alerts import AlertDraft, AlertService
from fleet_server.alerts.models import AlertKind, AlertSeverity
from fleet_server.fleet.models.robot import Robot, UnexpectedOrder
from fleet_server.texts import Text

# A robot that went low is low again only after charging this far above the threshold, so a
# battery reading that wavers around the line does not alert at every state.
REARM_MARGIN_PERCENT = 5.0

ERROR_SEVERITY = {ErrorLevel.FATAL: AlertSeverity.HIGH, ErrorLevel.WARNING: AlertSeverity.LOW}


@dataclass(frozen=True)
class RobotAlertRules:
    """Which robot events become alerts: the error levels, and the low-battery threshold."""

    error_levels: Collection[ErrorLevel] = (ErrorLevel.FATAL,)
    # Percent of a full battery; 0 turns the low-battery alert off.
    low_battery_percent: float = 15.0


class RobotAlerts:
    """Watches robots' states, connections and orders for what an operator must hear of."""

    def __init__(
        self,
        alerts: AlertService,
        rules: RobotAlertRules,
        active_mission: Callable[[Robot], int | None],
    ) -> None:
        self.alerts = alerts
        self.rules = rules
        # The robot's mission while it is not finished (the missions service knows).
        self.active_mission = active_mission
        # Per robot: the errors of its last state, and whether its battery is below the line.
        self._errors: dict[str, set[tuple[str, str]]] = {}
        self._low: dict[str, bool] = {}

    # ---- RobotListener

    def on_robot_state(self, robot: Robot, state: State) -> None:
        """New errors of an alerting level, and the battery crossing the threshold."""
        self._check_errors(robot, state)
        self._check_battery(robot, state.battery_state.battery_charge)

    def on_robot_offline(self, robot: Robot, reason: Text) -> None:
        """A robot that drops off during a mission is an alert; an idle one is not."""
        mission = self.active_mission(robot)
        if mission is None:
            return
        self._raise(
            robot,
            AlertKind.ROBOT_OFFLINE,
            AlertSeverity.HIGH,
            mission_id=mission,
            mission=mission,
            reason=reason,
        )

    def on_robot_online(self, robot: Robot) -> None:
        """Nothing to raise: the offline alert stays until someone acknowledges it."""

    # ---- the order reconciler's listener

    def on_unexpected_order(self, robot: Robot, found: UnexpectedOrder) -> None:
        """The robot runs an order the server did not give (it has been told to cancel it)."""
        self._raise(
            robot,
            AlertKind.FOREIGN_ORDER,
            AlertSeverity.HIGH,
            mission_id=found.mission_id,
            order=found.order_id,
            mission=found.mission_id,
        )

    # ----

    def _check_errors(self, robot: Robot, state: State) -> None:
        serial = robot.serial_number
        current = {(e.error_type, e.error_level.value) for e in state.errors}
        before = self._errors.get(serial, set())
        self._errors[serial] = current
        for error in state.errors:
            key = (error.error_type, error.error_level.value)
            if key in before or error.error_level not in self.rules.error_levels:
                continue
            self._raise(
                robot,
                AlertKind.ROBOT_ERROR,
                ERROR_SEVERITY[error.error_level],
                mission_id=robot.mission_id,
                error_type=error.error_type,
                level=error.error_level.value,
                description=error.error_description or "",
            )

    def _check_battery(self, robot: Robot, charge: float) -> None:
        threshold = self.rules.low_battery_percent
        if threshold <= 0:
            return
        serial = robot.serial_number
        low = self._low.get(serial)
        if charge >= threshold + REARM_MARGIN_PERCENT or (low is None and charge >= threshold):
            self._low[serial] = False
            return
        if charge >= threshold or low:
            return
        self._low[serial] = True
        # First heard after a restart below the line: the alert from before still stands.
        if low is None and self.alerts.store.open_alert(AlertKind.LOW_BATTERY, serial, None):
            return
        self._raise(
            robot,
            AlertKind.LOW_BATTERY,
            AlertSeverity.MEDIUM,
            mission_id=robot.mission_id,
            battery=round(charge),
            threshold=threshold,
        )

    def _raise(
        self,
        robot: Robot,
        kind: AlertKind,
        severity: AlertSeverity,
        mission_id: int | None = None,
        **params: object,
    ) -> None:
        self.alerts.raise_alert(
            AlertDraft(
                kind=kind,
                severity=severity,
                params={"robot": robot.serial_number, **params},
                site_id=robot.map_id,
                robot=robot.serial_number,
                mission_id=mission_id,
            )
        )
