"""The in-process fleet: N real robot agents, each with a SimDriver and its own MQTT connection."""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleet_protocol.broker_url import check_ca_file, parse_broker_url
from fleet_protocol.kinds import RobotKind
from fleet_protocol.site import Site
from fleet_protocol.topics import DEFAULT_INTERFACE
from robot_agent.agent import Agent
from robot_agent.driver import Pose
from robot_agent.settings import AgentSettings
from simulation.energy import EnergyFigures
from simulation.power import Docks
from simulation.profiles import profile_for
from simulation.sim_driver import SimDriver

logger = logging.getLogger(__name__)

SIMULATED_KINDS = (RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE)
DEFAULT_MANUFACTURER = "FleetSim"
# Initial battery levels are drawn from this range (percent), so robots do not all charge at once.
INITIAL_BATTERY = (70.0, 100.0)
# Each robot's energy figures are its kind's, each times a factor drawn from 1 ± this.
DEFAULT_ENERGY_VARIATION = 0.2


# The shortest default state interval (wall seconds) of a simulation faster than real time.
MIN_STATE_INTERVAL_S = 1.0


@dataclass(frozen=True)
class FleetConfig:
    """What to simulate: how many robots of which kinds, on which site, talking to which broker."""

    mqtt_url: str
    site: Site
    robots: int
    kinds: Sequence[RobotKind] = SIMULATED_KINDS
    speed_factor: float = 1.0
    manufacturer: str = DEFAULT_MANUFACTURER
    interface: str = DEFAULT_INTERFACE
    # None: the agent's default in simulated time (30 s at speed factor 1, 1 s of the wall
    # clock at least): a robot that stands draining its battery (a lowered deck, say) reports
    # it as often in simulated time as a real one would.
    state_interval: float | None = None
    visualization_interval: float | None = None
    seed: int = 1
    connect_interval: float = 0.01  # seconds between two agents' first connects
    # Broker logins by serial number (each robot logs in as itself); None: the URL's login.
    credentials: Mapping[str, str] | None = field(default=None, repr=False)
    mqtt_ca_file: Path | None = None
    # Where robots upload their photos (with their broker logins); None: photos stay on them.
    server_url: str | None = None
    energy_variation: float = DEFAULT_ENERGY_VARIATION  # 0: every robot has its kind's figures
    charge_rate: float | None = None  # percent per hour on a dock for every kind; None: the kind's
    # Figures for some robots by serial number, used as given (no variation, no charge rate).
    energy: Mapping[str, EnergyFigures] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.robots < 0:
            raise ValueError(f"robots must not be negative, got {self.robots}")
        if self.robots and not self.kinds:
            raise ValueError("kinds must name at least one robot kind")
        if self.speed_factor <= 0:
            raise ValueError(f"speed_factor must be positive, got {self.speed_factor}")
        if not 0 <= self.energy_variation < 1:
            raise ValueError(
                f"energy_variation must be at least 0 and below 1, got {self.energy_variation}"
            )
        rate = self.charge_rate
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"charge_rate must be a percentage per hour > 0, got {rate}")
        parse_broker_url(self.mqtt_url)
        check_ca_file(self.mqtt_ca_file, self.mqtt_url)


@dataclass(frozen=True)
class SimRobot:
    """One simulated robot: its identity, where it starts, and its driver (for failure hooks)."""

    serial_number: str
    kind: RobotKind
    start_node: str
    driver: SimDriver = field(repr=False)


def plan_robots(config: FleetConfig) -> list[SimRobot]:
    """Kinds round robin, serials by kind (dog-01, sweeper-01, ...), on distinct nodes, docks first.

    With more robots than nodes, nodes are used again in the same order. Each robot's energy
    figures vary around its kind's by a draw of its own (seed and serial number), so a robot
    keeps its figures however many robots run with it.
    """
    site = config.site
    rng = random.Random(config.seed)
    docks = list(dict.fromkeys(site.dock_nodes()))
    others = [node.id for node in site.nodes if node.id not in docks]
    rng.shuffle(others)
    order = docks + others
    positions = dock_positions(site)
    counters: dict[RobotKind, int] = dict.fromkeys(config.kinds, 0)
    robots = []
    for index in range(config.robots):
        kind = config.kinds[index % len(config.kinds)]
        node_id = order[index % len(order)]
        counters[kind] += 1
        serial = f"{profile_for(kind).serial_prefix}-{counters[kind]:02d}"
        node = site.node(node_id)
        driver = SimDriver(
            kind,
            Pose(node.x, node.y, 0.0, site.map_id),
            speed_factor=config.speed_factor,
            battery=round(rng.uniform(*INITIAL_BATTERY), 1),
            serial_number=serial,
            energy=robot_energy(config, kind, serial),
            docks=positions,
        )
        robots.append(SimRobot(serial, kind, node_id, driver))
    unknown = sorted(set(config.energy) - {robot.serial_number for robot in robots})
    if unknown:
        raise ValueError(f"energy figures for {', '.join(unknown)}, not a robot of this fleet")
    return robots


def robot_energy(config: FleetConfig, kind: RobotKind, serial_number: str) -> EnergyFigures:
    """A robot's energy figures: given in the config, or its kind's at the configured charge
    rate, varied by the robot's own draw."""
    given = config.energy.get(serial_number)
    if given is not None:
        return given
    figures = profile_for(kind).energy
    if config.charge_rate is not None:
        figures = figures.with_charge_per_hour(config.charge_rate)
    if not config.energy_variation:
        return figures
    # A string seed is hashed the same way in every run (unlike hash()), so draws reproduce.
    rng = random.Random(f"energy/{config.seed}/{serial_number}")
    return figures.varied(rng, config.energy_variation)


def dock_positions(site: Site) -> Docks:
    """Each dock's id and the position of its node."""
    return {dock.id: (site.node(dock.node).x, site.node(dock.node).y) for dock in site.docks}


def plan_robots_with_logins(config: FleetConfig) -> list[SimRobot]:
    """plan_robots, checking that each robot has its broker password when logins are given
    (ValueError naming those without)."""
    robots = plan_robots(config)
    if config.credentials is not None:
        missing = [r.serial_number for r in robots if r.serial_number not in config.credentials]
        if missing:
            raise ValueError(f"no broker password for {', '.join(missing)}")
    return robots


class Fleet:
    """The planned robots' agents on the current event loop: `await start()`, `await stop()`."""

    def __init__(self, config: FleetConfig) -> None:
        self.config = config
        self.robots = plan_robots_with_logins(config)
        # Built now so that a bad URL or topic level fails here, before any robot connects.
        self._agent_settings = {r.serial_number: self._settings(r) for r in self.robots}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def robot(self, serial_number: str) -> SimRobot:
        """The robot with this serial number; KeyError names it if there is none."""
        for robot in self.robots:
            if robot.serial_number == serial_number:
                return robot
        raise KeyError(f"the fleet has no robot {serial_number!r}")

    @property
    def running(self) -> bool:
        """Whether any agent is still running."""
        return any(not task.done() for task in self._tasks.values())

    async def start(self) -> None:
        """Start every agent, spaced by connect_interval so the broker is not stampeded."""
        if self._tasks:
            raise RuntimeError("the fleet is already started")
        for index, robot in enumerate(self.robots):
            if index:
                await asyncio.sleep(self.config.connect_interval)
            agent = Agent(self._agent_settings[robot.serial_number], robot.driver)
            task = asyncio.create_task(agent.run(), name=f"agent {robot.serial_number}")
            task.add_done_callback(_log_unexpected_end)
            self._tasks[robot.serial_number] = task
        logger.info(
            "fleet of %d robots started on site %s (broker %s, speed x%g)",
            len(self.robots),
            self.config.site.id,
            parse_broker_url(self.config.mqtt_url).display,
            self.config.speed_factor,
        )

    async def stop(self) -> None:
        """Stop every agent (each publishes OFFLINE) and wait for them to end."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._tasks.clear()
        logger.info("fleet stopped")

    async def run(self) -> None:
        """Start, then run until cancelled; stops the agents on the way out."""
        try:
            await self.start()
            await asyncio.Future()  # until cancelled
        finally:
            await self.stop()

    def _settings(self, robot: SimRobot) -> AgentSettings:
        pose = robot.driver.current_pose()
        config = self.config
        settings: dict[str, Any] = {
            "mqtt_url": config.mqtt_url,
            "interface": config.interface,
            "manufacturer": config.manufacturer,
            "serial_number": robot.serial_number,
            "kind": robot.kind,
            "x": pose.x,
            "y": pose.y,
            "theta": pose.theta,
            "map_id": pose.map_id,
            "mqtt_ca_file": config.mqtt_ca_file,
            "server_url": config.server_url,
        }
        if config.credentials is not None:
            settings["mqtt_username"] = robot.serial_number
            settings["mqtt_password"] = config.credentials[robot.serial_number]
        if config.state_interval is not None:
            settings["state_interval"] = config.state_interval
        elif config.speed_factor > 1:
            default = AgentSettings.model_fields["state_interval"].default
            settings["state_interval"] = max(MIN_STATE_INTERVAL_S, default / config.speed_factor)
        if config.visualization_interval is not None:
            settings["visualization_interval"] = config.visualization_interval
        return AgentSettings(**settings)


def read_credentials(path: Path) -> dict[str, str]:
    """`serial password` lines (as `fleet robot add --save-credentials` writes them; blank
    lines and # comments skipped, a later line for a serial wins). ValueError names a bad line
    by its number, never by its content."""
    credentials: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if len(words) != 2:
                raise ValueError(f"{path}, line {number}: expected 'serial password'")
            credentials[words[0]] = words[1]
    if path.stat().st_mode & 0o077:
        logger.warning("%s may be read by other users: chmod 600 it", path)
    return credentials


def _log_unexpected_end(task: asyncio.Task[None]) -> None:
    """An agent ends only when cancelled; anything else is a bug worth a traceback."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s ended with an error", task.get_name(), exc_info=task.exception())
