"""Broker logins of robots and of the server, kept in the database (hashes only), and the
broker's password and ACL files regenerated from them after every change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.broker.config import (
    ACL_FILE,
    PASSWORD_FILE,
    RobotAccess,
    acl_file,
    check_account_name,
    password_file,
)
from fleet_server.broker.files import (
    BrokerFilesError,
    FileOwner,
    check_config_dir,
    locked,
    reload_broker,
    rewrite_file,
    write_file,
)
from fleet_server.broker.models import BrokerUpdate, MqttAccount, MqttRole
from fleet_server.broker.password import hash_password, new_password, verify_password
from fleet_server.broker.texts import (
    NAME_OF_A_ROBOT,
    NO_ACCOUNT,
    REGISTERED_MEANWHILE,
    ROBOT_EXISTS,
    ROBOT_LOGIN_REFUSED,
    SERIAL_TWICE,
    SERIAL_UNFIT,
    SERVER_ACCOUNT_IS,
    SERVER_ACCOUNT_NAME,
    SERVER_NOT_ROBOT,
    UNKNOWN_ROBOT,
)
from fleet_server.db import session_scope
from fleet_server.errors import Conflict, Invalid, NotFound, Unauthorized
from fleet_server.fleet.models.robot import Robot, RobotCreate

NOT_CONFIGURED = (
    "broker files not written: FLEET_BROKER_CONFIG_DIR is not set (they are written from the "
    "database by `fleet broker config -o DIR`, or by any change once it is set)"
)


@dataclass(frozen=True)
class IssuedLogin:
    """A login just made: shown once, stored only as a hash."""

    username: str
    password: str


def robot_account_name(serial_number: str) -> str:
    """A robot's broker user name (its serial number); Invalid if the broker cannot hold it."""
    try:
        return check_account_name(serial_number, "serial number")
    except ValueError:
        raise Invalid(SERIAL_UNFIT.of(serial=serial_number), field="serial_number") from None


class MqttAccounts:
    """Adds, renews and revokes broker logins; keeps the broker's files in step with them."""

    def __init__(
        self,
        engine: Engine,
        *,
        interface: str,
        broker_dir: Path | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.interface = interface
        self.broker_dir = broker_dir
        self.clock = clock

    # ---- robots

    def add_robots(self, requests: list[RobotCreate]) -> list[IssuedLogin]:
        """Register new robots with a login each, all or none; Conflict naming a serial number
        that is taken, Invalid naming one the broker cannot hold."""
        serials = [request.serial_number for request in requests]
        for serial in serials:
            robot_account_name(serial)
            if serials.count(serial) > 1:
                raise Invalid(SERIAL_TWICE.of(serial=serial), field="serial_number")
        logins = [IssuedLogin(serial, new_password()) for serial in serials]
        try:
            with session_scope(self.engine) as session:
                for request in requests:
                    self._check_free(session, request.serial_number)
                for request, login in zip(requests, logins, strict=True):
                    session.add(
                        Robot(
                            serial_number=request.serial_number,
                            manufacturer=request.manufacturer,
                            kind=request.kind,
                            registered=True,
                        )
                    )
                    session.add(self._robot_account(login))
        except IntegrityError:
            raise Conflict(REGISTERED_MEANWHILE.of()) from None
        return logins

    def check_robot_name(self, serial_number: str) -> None:
        """Invalid if the broker cannot hold the serial number as a user name, Conflict if it
        is the server's account name: checked before a robot is registered elsewhere."""
        robot_account_name(serial_number)
        with Session(self.engine) as session:
            account = session.get(MqttAccount, serial_number)
        if account is not None and account.role is not MqttRole.ROBOT:
            raise Conflict(SERVER_ACCOUNT_NAME.of(serial=serial_number), field="serial_number")

    def issue(self, serial_number: str) -> IssuedLogin:
        """A new password for a robot the fleet has (its first, or one that replaces the old);
        NotFound if there is no such robot."""
        robot_account_name(serial_number)
        login = IssuedLogin(serial_number, new_password())
        with session_scope(self.engine) as session:
            if session.get(Robot, serial_number) is None:
                raise NotFound(UNKNOWN_ROBOT.of(serial=serial_number), field="robot")
            account = session.get(MqttAccount, serial_number)
            if account is not None and account.role is not MqttRole.ROBOT:
                raise Conflict(SERVER_NOT_ROBOT.of(serial=serial_number))
            if account is None:
                session.add(self._robot_account(login))
            else:
                account.password_hash = hash_password(login.password)
                account.created_at = self.clock()
                account.revoked_at = None
        return login

    def revoke(self, serial_number: str) -> MqttAccount:
        """Take a robot's login away (again, if it already was: the broker files are rewritten
        either way); NotFound if the robot has none."""
        with session_scope(self.engine) as session:
            account = session.get(MqttAccount, serial_number)
            if account is None or account.role is not MqttRole.ROBOT:
                raise NotFound(NO_ACCOUNT.of(serial=serial_number), field="robot")
            if account.revoked_at is None:
                account.revoked_at = self.clock()
            account.password_hash = ""
        return account

    def authenticate_robot(self, username: str, password: str) -> str:
        """The serial number of the robot whose active MQTT login this is (photo uploads);
        Unauthorized for a wrong, revoked or non-robot login."""
        with Session(self.engine) as session:
            account = session.get(MqttAccount, username)
        valid = (
            account is not None
            and account.role is MqttRole.ROBOT
            and account.active
            and verify_password(password, account.password_hash)
        )
        if not valid or account is None:
            raise Unauthorized(ROBOT_LOGIN_REFUSED.of(), scheme="Basic")
        return account.serial_number or account.username

    def robots(self) -> list[tuple[Robot, MqttAccount | None]]:
        """Every robot with its login, if it has one, by serial number."""
        with Session(self.engine) as session:
            accounts = {a.username: a for a in session.exec(select(MqttAccount))}
            robots = session.exec(select(Robot).order_by(col(Robot.serial_number)))
            return [(robot, accounts.get(robot.serial_number)) for robot in robots]

    # ---- the server

    def server_login(self, username: str, *, renew: bool) -> IssuedLogin | None:
        """Make the server's login if there is none (or a new password with `renew`); None if
        it exists and is kept. Conflict if the name is a robot's."""
        check_account_name(username, "server user name")
        with session_scope(self.engine) as session:
            servers = list(
                session.exec(select(MqttAccount).where(MqttAccount.role == MqttRole.SERVER))
            )
            if any(account.username != username for account in servers):
                raise Conflict(SERVER_ACCOUNT_IS.of(account=servers[0].username, name=username))
            taken = session.get(Robot, username) is not None or (
                (account := session.get(MqttAccount, username)) is not None
                and account.role is not MqttRole.SERVER
            )
            if taken:
                raise Conflict(NAME_OF_A_ROBOT.of(name=username))
            if servers and not renew:
                return None
            login = IssuedLogin(username, new_password())
            if servers:
                servers[0].password_hash = hash_password(login.password)
                servers[0].created_at = self.clock()
            else:
                session.add(
                    MqttAccount(
                        username=username,
                        role=MqttRole.SERVER,
                        password_hash=hash_password(login.password),
                        created_at=self.clock(),
                    )
                )
        return login

    # ---- the broker's files

    def write_broker_files(self, directory: Path, owner: FileOwner | None = None) -> None:
        """Write the password and ACL files of the accounts now in the database into the
        directory (the caller holds its lock), owned by `owner` or else by whoever owned them."""
        with Session(self.engine) as session:
            accounts = [a for a in session.exec(select(MqttAccount)) if a.active]
            manufacturers = {
                robot.serial_number: robot.manufacturer
                for robot in session.exec(
                    select(Robot).where(
                        col(Robot.serial_number).in_([a.username for a in accounts])
                    )
                )
            }
        server = next((a.username for a in accounts if a.role is MqttRole.SERVER), None)
        robots = [
            RobotAccess(a.username, manufacturers[a.username])
            for a in accounts
            if a.role is MqttRole.ROBOT and a.username in manufacturers
        ]
        passwords = password_file((a.username, a.password_hash) for a in accounts)
        rules = acl_file(self.interface, server, robots)
        # ACL first: a login is never in the password file without its rules in place.
        for name, text in ((ACL_FILE, rules), (PASSWORD_FILE, passwords)):
            if owner is None:
                rewrite_file(directory / name, text)
            else:
                write_file(directory / name, text, owner=owner)

    def sync_broker(self) -> BrokerUpdate:
        """Rewrite the broker's files from the database and have a running broker reload them
        (a revoked robot that is connected is disconnected). BrokerFilesError if that fails."""
        if self.broker_dir is None:
            return BrokerUpdate(files_written=False, reloaded=False, note=NOT_CONFIGURED)
        check_config_dir(self.broker_dir)
        try:
            with locked(self.broker_dir):
                self.write_broker_files(self.broker_dir)
                reloaded, note = reload_broker(self.broker_dir)
        except OSError as exc:
            raise BrokerFilesError(
                f"cannot write the broker's files in {self.broker_dir}: {exc.strerror or exc}"
            ) from None
        return BrokerUpdate(files_written=True, reloaded=reloaded, note=note)

    # ---- helpers

    def _robot_account(self, login: IssuedLogin) -> MqttAccount:
        return MqttAccount(
            username=login.username,
            role=MqttRole.ROBOT,
            serial_number=login.username,
            password_hash=hash_password(login.password),
            created_at=self.clock(),
        )

    @staticmethod
    def _check_free(session: Session, serial_number: str) -> None:
        if session.get(Robot, serial_number) is not None:
            raise Conflict(ROBOT_EXISTS.of(serial=serial_number), field="serial_number")
        if session.get(MqttAccount, serial_number) is not None:
            raise Conflict(SERVER_ACCOUNT_NAME.of(serial=serial_number), field="serial_number")
