"""Who is in the fleet: the robots the server holds, how an unknown serial number joins
(registered, or auto-registered), and what the API and the live feed show of each."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fleet_protocol.topics import TopicAddress
from fleet_server.errors import Conflict, NotFound
from fleet_server.fleet.models.robot import Robot, RobotCreate, RobotPublic, UnexpectedOrder
from fleet_server.fleet.rejections import MANUFACTURER, UNREGISTERED, Rejections
from fleet_server.fleet.store import RobotStore
from fleet_server.fleet.texts import ROBOT_EXISTS, ROBOT_NOT_FOUND
from fleet_server.fleet.unknown_robots import UnknownRobots

log = logging.getLogger(__name__)


class FleetRoster:
    """The robots by serial number; a message names one of them, or is refused and counted."""

    def __init__(self, store: RobotStore, *, auto_register: bool) -> None:
        self.store = store
        # Off: only robots in the database (registered by an admin) are heard.
        self.auto_register = auto_register
        self.unknown = UnknownRobots()
        self.rejections = Rejections()
        # Told the serial number of every robot whose shown state changed (the live feed).
        self.change_listeners: list[Callable[[str], None]] = []
        self._robots: dict[str, Robot] = {}
        # Robots changed since the last batch was written.
        self._dirty: set[str] = set()
        # Robots running an order they should not (see missions.reconcile).
        self._alerts: dict[str, UnexpectedOrder] = {}

    def load(self) -> None:
        """Read the robots from the database; all are offline until they are heard from."""
        for robot in self.store.load_robots():
            robot.online = False
            self._robots[robot.serial_number] = robot
            self._dirty.add(robot.serial_number)

    def all(self) -> list[Robot]:
        """Every robot, by serial number."""
        return [self._robots[k] for k in sorted(self._robots)]

    def public(self, robot: Robot) -> RobotPublic:
        """The robot as the API and the live feed show it."""
        return RobotPublic.of(robot, self._alerts.get(robot.serial_number))

    def alert_of(self, serial_number: str) -> UnexpectedOrder | None:
        """The order the robot runs but should not, if any."""
        return self._alerts.get(serial_number)

    def set_alert(self, serial_number: str, alert: UnexpectedOrder | None) -> None:
        """Show (or clear) an order the robot should not be running."""
        if alert is None:
            self._alerts.pop(serial_number, None)
        else:
            self._alerts[serial_number] = alert
        self.mark_dirty(serial_number)

    def knows(self, serial_number: str) -> bool:
        """Whether the fleet has this robot (connected or registered)."""
        return serial_number in self._robots

    def get(self, serial_number: str) -> Robot:
        """One robot, or NotFound naming it."""
        try:
            return self._robots[serial_number]
        except KeyError:
            raise NotFound(ROBOT_NOT_FOUND.of(robot=serial_number), field="robot") from None

    def register(self, request: RobotCreate) -> Robot:
        """Pre-register a robot before it connects; Conflict if the serial is taken."""
        taken = request.serial_number in self._robots
        # Registered from the shell (another process) but not heard from yet: in the DB only.
        if taken or self.store.get(Robot, request.serial_number) is not None:
            raise Conflict(ROBOT_EXISTS.of(robot=request.serial_number), field="serial_number")
        robot = Robot(
            serial_number=request.serial_number,
            manufacturer=request.manufacturer,
            kind=request.kind,
            registered=True,
        )
        self.store.insert_robot(robot)
        self._robots[robot.serial_number] = robot
        self.unknown.forget(robot.serial_number)
        self.mark_dirty(robot.serial_number)
        return robot

    def _robot_for(self, address: TopicAddress) -> Robot | None:
        robot = self._robots.get(address.serial_number) or self._new_robot(address)
        if robot is None:
            return None
        if robot.manufacturer != address.manufacturer:
            self.rejections.count(
                robot.serial_number,
                MANUFACTURER,
                f"sent as {address.manufacturer}, but the serial is {robot.manufacturer}'s",
            )
            return None
        return robot

    def _new_robot(self, address: TopicAddress) -> Robot | None:
        """A robot the registry does not hold yet: added (auto-register), or found in the
        database (registered by another process since the start), or None (counted, logged
        once, never stored)."""
        serial = address.serial_number
        if self.auto_register:
            robot = Robot(serial_number=serial, manufacturer=address.manufacturer)
            self.store.insert_robot(robot)
            log.info("robot %s/%s seen for the first time", address.manufacturer, serial)
        else:
            if not self.unknown.may_look_up(serial):
                self._unregistered(address)
                return None
            found = self.store.get(Robot, serial)
            if found is None:
                self.unknown.missed(serial)
                self._unregistered(address)
                return None
            robot = found
            robot.online = False
            self.unknown.forget(serial)
            log.info("robot %s/%s, registered elsewhere, is heard", robot.manufacturer, serial)
        self._robots[serial] = robot
        return robot

    def _unregistered(self, address: TopicAddress) -> None:
        self.rejections.count(
            address.serial_number,
            UNREGISTERED,
            f"robot {address.manufacturer}/{address.serial_number} is not registered "
            "(register it: fleet robot add, or POST /api/v1/robots)",
        )

    def mark_dirty(self, serial_number: str) -> None:
        """Have a robot written with the next batch, and tell the change listeners."""
        self._dirty.add(serial_number)
        for listener in self.change_listeners:
            listener(serial_number)
