"""`robot-agent`: run one VDA 5050 vehicle agent until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from fleet_protocol.kinds import RobotKind
from fleet_protocol.logs import LOG_FORMATS, LogContext, configure_logging
from robot_agent.agent import Agent
from robot_agent.driver import Driver, DriverContext, DriverError, load_driver
from robot_agent.settings import AgentSettings

log = logging.getLogger("robot_agent")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="robot-agent",
        description="Run a VDA 5050 vehicle agent. Settings come from AGENT_* environment "
        "variables (e.g. AGENT_SERIAL_NUMBER, AGENT_MQTT_URL); flags override them.",
    )
    parser.add_argument("--mqtt-url", help="broker URL, mqtt[s]://[user:pass@]host[:port]")
    parser.add_argument(
        "--mqtt-username", help="broker user name (the serial number), instead of in the URL"
    )
    parser.add_argument(
        "--mqtt-password-file",
        type=Path,
        metavar="FILE",
        help="file whose first line is the broker password (or AGENT_MQTT_PASSWORD); keeps it "
        "out of the process list",
    )
    parser.add_argument(
        "--mqtt-ca-file",
        type=Path,
        metavar="FILE",
        help="CA certificate (PEM) the broker's certificate must be signed by (mqtts://)",
    )
    parser.add_argument(
        "--server-url",
        help="fleet server base URL, http[s]://host[:port]: photos are uploaded there with the "
        "MQTT login",
    )
    parser.add_argument("--interface", help="first topic level (default uagv)")
    parser.add_argument("--manufacturer", help="manufacturer topic level")
    parser.add_argument("--serial-number", help="the robot's serial number")
    parser.add_argument("--kind", choices=[k.value for k in RobotKind], help="robot kind")
    parser.add_argument("--map-id", help="map of the initial pose")
    parser.add_argument("--x", type=float, help="initial x in metres")
    parser.add_argument("--y", type=float, help="initial y in metres")
    parser.add_argument("--theta", type=float, help="initial heading in radians")
    parser.add_argument("--driver", help="driver entry point name (default sim)")
    parser.add_argument(
        "--driver-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="driver option, repeatable (sim: speed_factor, battery)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level (default INFO)",
    )
    parser.add_argument(
        "--log-format",
        default=os.environ.get("AGENT_LOG_FORMAT", "text"),
        type=str.lower,
        choices=LOG_FORMATS,
        help="text, or json: one JSON object a line (default AGENT_LOG_FORMAT, else text)",
    )
    return parser


def _settings(args: argparse.Namespace) -> AgentSettings:
    names = ("mqtt_url", "mqtt_username", "mqtt_ca_file", "server_url", "interface", "manufacturer")
    more = ("serial_number", "kind", "map_id", "x", "y", "theta", "driver")
    overrides: dict[str, Any] = {name: getattr(args, name) for name in (*names, *more)}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if args.mqtt_password_file is not None:
        overrides["mqtt_password"] = _read_password(args.mqtt_password_file)
    if args.driver_option:
        options = {}
        for item in args.driver_option:
            key, sep, value = item.partition("=")
            if not sep or not key:
                _usage_error(f"--driver-option {item!r} is not KEY=VALUE")
            options[key] = value
        overrides["driver_options"] = options
    return AgentSettings(**overrides)


def _read_password(path: Path) -> str:
    """The first line of the password file; exit 2 naming the file if it has none."""
    try:
        with path.open(encoding="utf-8") as stream:
            password = stream.readline().rstrip("\r\n")
    except OSError as exc:
        _usage_error(f"cannot read {path}: {exc.strerror or exc}")
    if not password:
        _usage_error(f"{path} holds no password on its first line")
    return password


def _usage_error(message: str) -> NoReturn:
    """A bad flag or file: say which, exit 2."""
    log.error("%s", message)
    sys.exit(2)


async def _serve(settings: AgentSettings) -> None:
    context = DriverContext(
        kind=settings.kind,
        serial_number=settings.serial_number,
        initial_pose=settings.initial_pose,
        options=settings.driver_options,
    )
    try:
        driver = load_driver(settings.driver, context)
    except ValueError as exc:  # the driver refused its options; it names the bad one
        log.error("driver %s: %s", settings.driver, exc)
        sys.exit(2)
    await run_until_signal(settings, driver, settings.driver)


async def run_until_signal(settings: AgentSettings, driver: Driver, driver_name: str) -> None:
    """Run the agent on the current loop until SIGINT or SIGTERM, then stop it cleanly."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    log.info(
        "robot-agent %s (%s, driver %s) for %s",
        settings.serial_number,
        settings.kind.value,
        driver_name,
        settings.broker.display,
    )
    with contextlib.suppress(asyncio.CancelledError):
        await Agent(settings, driver).run()
    log.info("robot-agent %s stopped", settings.serial_number)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `robot-agent` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.log_format not in LOG_FORMATS:  # argparse checks no default, AGENT_LOG_FORMAT's
        parser.error(f"AGENT_LOG_FORMAT {args.log_format!r}: choose from {', '.join(LOG_FORMATS)}")
    configure_logging(args.log_level, args.log_format)
    try:
        settings = _settings(args)
    except ValidationError as exc:
        log.error("invalid settings:\n%s", exc)
        sys.exit(2)
    # Every record of the run names the robot: the driver's and this command's own too.
    with LogContext(robot=settings.serial_number):
        try:
            asyncio.run(_serve(settings))
        except LookupError as exc:
            log.error("%s", exc)
            sys.exit(2)
        except DriverError as exc:  # the robot did not come up (start() failed)
            log.error("driver %s: %s", settings.driver, exc.description)
            sys.exit(1)
