"""The broker accounts' refusals as phrases: a serial number the broker cannot hold or that is
taken, a robot without a login, a robot login that is wrong or revoked."""

from __future__ import annotations

from fleet_server.texts import Phrase

# What Mosquitto's files can hold as a user name (fleet_server.broker.config.ACCOUNT_NAME).
ACCOUNT_NAME_RULE = (
    "use 1 to 64 letters, digits, '_', '.' or '-' (':' would end the name in Mosquitto's "
    "password file)"
)

SERIAL_UNFIT = Phrase(
    "broker.serial_unfit",
    "serial number {serial!r} cannot be an MQTT account: " + ACCOUNT_NAME_RULE,
)
SERIAL_TWICE = Phrase("broker.serial_twice", "serial number {serial!r} is given twice")
REGISTERED_MEANWHILE = Phrase(
    "broker.registered_meanwhile", "another process registered one of these robots just now"
)
ROBOT_EXISTS = Phrase(
    "broker.robot_exists",
    "robot {serial!r} already exists; `fleet robot rotate {serial}` gives it a new password",
)
SERVER_ACCOUNT_NAME = Phrase(
    "broker.server_account_name", "{serial!r} is the server's MQTT account name"
)
SERVER_NOT_ROBOT = Phrase(
    "broker.server_not_robot", "{serial!r} is the server's MQTT account, not a robot's"
)
UNKNOWN_ROBOT = Phrase("broker.unknown_robot", "unknown robot {serial!r}")
NO_ACCOUNT = Phrase("broker.no_account", "robot {serial!r} has no MQTT account")
ROBOT_LOGIN_REFUSED = Phrase(
    "broker.robot_login_refused",
    "wrong or revoked robot login: the user name is the robot's serial number, the password its "
    "MQTT password",
)
SERVER_ACCOUNT_IS = Phrase(
    "broker.server_account_is", "the server's MQTT account is {account!r}, not {name!r}"
)
NAME_OF_A_ROBOT = Phrase(
    "broker.name_of_a_robot", "{name!r} is a robot's name; choose another server user name"
)
