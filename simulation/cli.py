"""`fleet-sim`: run N simulated robots until SIGINT/SIGTERM, or export a site to Gazebo and Nav2.

`fleet-sim --site S --robots N` runs the simulator (`--backend ros`: as ROS 2 robots, each with
an agent on the ROS driver); `fleet-sim export-gazebo S` and `fleet-sim export-map S` write a
gz sim world and a Nav2 map of the same site.
"""

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

from fleet_protocol.broker_url import redact_url
from fleet_protocol.kinds import RobotKind
from fleet_protocol.ros_names import ros_namespace
from fleet_protocol.site import SiteError
from fleet_protocol.topics import DEFAULT_INTERFACE
from simulation.fleet import (
    DEFAULT_ENERGY_VARIATION,
    DEFAULT_MANUFACTURER,
    SIMULATED_KINDS,
    Fleet,
    FleetConfig,
    read_credentials,
)
from simulation.ros_backend import MAX_DOMAIN_ID, RosFleet, RosUnavailable
from simulation.site_file import load_site
from simulation.world_export import write_map, write_world

logger = logging.getLogger("simulation")

# A first word naming one of these selects an export; anything else is the simulator's options.
EXPORT_COMMANDS = ("export-gazebo", "export-map")


def _kinds(text: str) -> list[RobotKind]:
    """A comma-separated list of simulated robot kinds."""
    known = {kind.value: kind for kind in SIMULATED_KINDS}
    kinds = []
    for name in (part.strip() for part in text.split(",")):
        if name not in known:
            raise argparse.ArgumentTypeError(
                f"unknown robot kind {name!r} (choose from {', '.join(known)})"
            )
        kinds.append(known[name])
    return kinds


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _spread(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 0 and below 1")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _domain_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_DOMAIN_ID:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0..{MAX_DOMAIN_ID}")
    return value


def _default_domain_id() -> int:
    text = os.environ.get("ROS_DOMAIN_ID", "")
    return int(text) if text.isdigit() and int(text) <= MAX_DOMAIN_ID else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fleet-sim",
        description="Run simulated robots, each a real VDA 5050 agent with its own MQTT "
        "connection, on a site map.",
        epilog="Exports of the same site: `fleet-sim export-gazebo SITE [-o world.sdf]` and "
        "`fleet-sim export-map SITE [--resolution 0.1] [-o map]`.",
    )
    parser.add_argument("--mqtt", default="mqtt://127.0.0.1:1883", help="broker URL")
    parser.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="broker logins, 'serial password' lines (fleet robot add --save-credentials)",
    )
    parser.add_argument(
        "--mqtt-ca-file",
        type=Path,
        metavar="FILE",
        help="CA certificate (PEM) the broker's certificate must be signed by (mqtts://)",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="the fleet server's base URL (http[s]://host:port): robots upload their photos "
        "there with their broker logins (--credentials)",
    )
    parser.add_argument("--site", required=True, help="site YAML, e.g. missions/sites/X.yaml")
    parser.add_argument("--robots", type=_count, default=3, help="how many robots (default 3)")
    parser.add_argument(
        "--kinds",
        type=_kinds,
        default=list(SIMULATED_KINDS),
        help="comma-separated kinds, assigned round robin (default: all three)",
    )
    parser.add_argument(
        "--speed-factor", type=_positive, default=1.0, help="sim time per wall time (default 1)"
    )
    parser.add_argument("--manufacturer", default=DEFAULT_MANUFACTURER)
    parser.add_argument("--interface", default=DEFAULT_INTERFACE)
    parser.add_argument("--state-interval", type=_positive, help="seconds between states")
    parser.add_argument(
        "--visualization-interval", type=_positive, help="seconds between visualizations"
    )
    parser.add_argument(
        "--energy-variation",
        type=_spread,
        default=DEFAULT_ENERGY_VARIATION,
        metavar="SPREAD",
        help="each robot's energy figures are its kind's, each times a factor drawn from "
        f"1 ± SPREAD (default {DEFAULT_ENERGY_VARIATION:g}; 0: the kind's figures)",
    )
    parser.add_argument(
        "--charge-rate",
        type=_positive,
        metavar="PERCENT_PER_HOUR",
        help="charge gained per hour on a dock, for every kind (default: each kind's own)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="placement, battery and energy variation seed"
    )
    parser.add_argument(
        "--connect-interval",
        type=float,
        default=0.01,
        help="seconds between two robots' first connects (default 0.01)",
    )
    parser.add_argument(
        "--backend",
        choices=("sim", "ros"),
        default="sim",
        help="sim: agents with the kinematic SimDriver in this process (default); ros: simulated "
        "ROS 2 robots (ros_ws fleet_sim_robot) and one `robot-agent --driver ros` process each",
    )
    parser.add_argument(
        "--ros-domain-id",
        type=_domain_id,
        default=_default_domain_id(),
        help="ROS_DOMAIN_ID of the ROS backend's processes (default: $ROS_DOMAIN_ID, else 0); "
        "DDS stays on this machine (shared memory, localhost discovery)",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING ...")
    return parser


async def _serve(fleet: Fleet) -> None:
    """Run the fleet until SIGINT or SIGTERM, then stop every agent."""
    task = asyncio.ensure_future(fleet.run())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fleet-sim", description="Export a site file to the other simulation worlds."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gazebo = commands.add_parser(
        "export-gazebo", help="write a gz sim world (SDF) with walls, no-go kerbs and docks"
    )
    gazebo.add_argument("site", help="site YAML, e.g. missions/sites/X.yaml")
    gazebo.add_argument("-o", "--output", default="world.sdf", help="SDF file (default world.sdf)")
    nav2 = commands.add_parser("export-map", help="write a Nav2 map (PGM image + YAML)")
    nav2.add_argument("site", help="site YAML, e.g. missions/sites/X.yaml")
    nav2.add_argument(
        "--resolution", type=_positive, default=0.1, help="metres per pixel (default 0.1)"
    )
    nav2.add_argument(
        "-o", "--output", default="map", help="writes OUTPUT.pgm and OUTPUT.yaml (default map)"
    )
    return parser


def _export(argv: Sequence[str]) -> None:
    """Run `export-gazebo` or `export-map`."""
    parser = _export_parser()
    args = parser.parse_args(argv)
    try:
        site = load_site(args.site)
    except SiteError as error:
        parser.error(str(error))
    try:
        if args.command == "export-gazebo":
            written = [write_world(site, Path(args.output))]
        else:
            written = list(write_map(site, Path(args.output), args.resolution))
    except OSError as error:
        parser.error(f"cannot write {error.filename}: {error.strerror}")
    for path in written:
        print(f"fleet-sim: wrote {path}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `fleet-sim` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in EXPORT_COMMANDS:
        _export(argv)
        return
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        site = load_site(args.site)
    except SiteError as error:
        parser.error(str(error))
    try:
        credentials = read_credentials(args.credentials) if args.credentials else None
    except OSError as error:
        parser.error(f"cannot read {args.credentials}: {error.strerror}")
    except ValueError as error:
        parser.error(str(error))
    fleet: Fleet | RosFleet
    try:
        config = FleetConfig(
            mqtt_url=args.mqtt,
            credentials=credentials,
            mqtt_ca_file=args.mqtt_ca_file,
            server_url=args.server,
            site=site,
            robots=args.robots,
            kinds=args.kinds,
            speed_factor=args.speed_factor,
            manufacturer=args.manufacturer,
            interface=args.interface,
            state_interval=args.state_interval,
            visualization_interval=args.visualization_interval,
            seed=args.seed,
            connect_interval=args.connect_interval,
            energy_variation=args.energy_variation,
            charge_rate=args.charge_rate,
        )
        if args.backend == "ros":
            fleet = RosFleet(config, args.ros_domain_id, log_level=args.log_level)
        else:
            fleet = Fleet(config)
    except ValueError as error:
        parser.error(str(error))
    if isinstance(fleet, RosFleet):
        _run_ros(fleet)
        return
    print(
        f"fleet-sim: {len(fleet.robots)} robots on site {site.id} via {redact_url(args.mqtt)} "
        f"(interface {args.interface}, manufacturer {args.manufacturer}, "
        f"speed x{args.speed_factor:g}); Ctrl-C stops"
    )
    for robot in fleet.robots:
        print(
            f"  {robot.serial_number:<12} {robot.kind.value:<11} at {robot.start_node:<16} "
            f"{robot.driver.energy.summary()}"
        )
    asyncio.run(_serve(fleet))
    print("fleet-sim: stopped")


def _run_ros(fleet: RosFleet) -> None:
    """Run the ROS 2 fleet until SIGINT or SIGTERM; exit 1 if a robot or agent ended early."""
    try:
        fleet.check()
    except RosUnavailable as error:
        print(f"fleet-sim: {error}", file=sys.stderr)
        sys.exit(2)
    config = fleet.config
    print(
        f"fleet-sim: {len(fleet.robots)} ROS 2 robots on site {config.site.id} via "
        f"{redact_url(config.mqtt_url)} (interface {config.interface}, manufacturer "
        f"{config.manufacturer}, speed x{config.speed_factor:g}, ROS_DOMAIN_ID "
        f"{fleet.env['ROS_DOMAIN_ID']}); Ctrl-C stops"
    )
    for robot in fleet.robots:
        namespace = "/" + ros_namespace(robot.serial_number)
        print(
            f"  {robot.serial_number:<12} {robot.kind.value:<11} at {robot.start_node:<16} "
            f"{namespace}"
        )
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, fleet.request_stop)
    code = fleet.run()
    print("fleet-sim: stopped" if code == 0 else "fleet-sim: stopped after a failure")
    sys.exit(code)
