"""`fleet-sim --backend ros`: a ROS 2 fleet without `ros2 launch`, as processes.

One process hosts every simulated ROS robot (`python -m fleet_sim_robot`, from ros_ws), and each
robot gets a real agent on the ROS driver (`robot-agent --driver ros`), as a user would start
them, each robot in its own namespace. The robots, kinds and start nodes are the built-in
simulator's (plan_robots), on the same site. simulation never imports rclpy: the ROS side runs
in the children, which get DDS kept on this machine and the chosen domain.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from simulation.fleet import FleetConfig, SimRobot, dock_positions, plan_robots_with_logins
from simulation.profiles import profile_for
from simulation.ros_spec import (
    DECK_SERVICE,
    IMAGE_TOPIC,
    MAP_FRAME,
    SPEECH_TOPIC,
    FleetSpec,
    RobotSpec,
)

logger = logging.getLogger(__name__)

# Shared memory only and discovery on this machine: no DDS traffic leaves it.
DDS_ENVIRONMENT = {
    "FASTDDS_BUILTIN_TRANSPORTS": "SHM",
    "ROS_AUTOMATIC_DISCOVERY_RANGE": "LOCALHOST",
}
MAX_DOMAIN_ID = 232
SETUP_COMMAND = "ros_ws/tools/setup_ros2.sh VENV kilted|jazzy"
# Seconds a child has to stop after SIGINT (an agent says OFFLINE first) before it is killed.
STOP_TIMEOUT = 15.0
# Seconds between two looks at the children.
WATCH_INTERVAL = 0.5
# Seconds an agent's driver waits for its robot's servers, pose and battery: the driver's own
# default, or more in a large fleet. Every robot and agent shares one DDS domain here, so each
# driver discovers every robot's and agent's endpoints; on one core, 35 agents started together
# did not all find their robot within 30 s (bench/ros_fleet.py, 2026-12-06).
STARTUP_TIMEOUT = 30.0
STARTUP_SECONDS_PER_ROBOT = 2.0

# Run by the Python the children will use: what the ROS backend needs, or what is missing.
_PROBE = """
import importlib, importlib.metadata
missing = []
for module in ("rclpy", "nav2_msgs.action", "fleet_sim_robot.node"):
    try:
        importlib.import_module(module)
    except Exception as error:
        missing.append(f"{module} ({type(error).__name__}: {error})")
if not importlib.metadata.entry_points(group="robot_agent.drivers", name="ros"):
    missing.append("robot-agent's ros driver (the fleet_robot_driver package)")
print("; ".join(missing))
"""


class RosUnavailable(RuntimeError):
    """The ROS 2 side cannot run in this environment; the message says what is missing."""


def ros_environment(base: Mapping[str, str], domain_id: int) -> dict[str, str]:
    """The children's environment: DDS on this machine, in the given domain."""
    if not 0 <= domain_id <= MAX_DOMAIN_ID:
        raise ValueError(f"ROS domain id must be 0..{MAX_DOMAIN_ID}, got {domain_id}")
    return {**base, **DDS_ENVIRONMENT, "ROS_DOMAIN_ID": str(domain_id)}


def check_ros(python: Sequence[str], env: Mapping[str, str]) -> None:
    """RosUnavailable, naming what is missing, unless `python` can run the ROS side."""
    try:
        probe = subprocess.run(
            [*python, "-c", _PROBE], env=dict(env), capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RosUnavailable(f"cannot run {python[0]}: {error}") from None
    missing = probe.stdout.strip() or " ".join(probe.stderr.strip().splitlines()[-1:])
    if probe.returncode == 0 and not missing:
        return
    raise RosUnavailable(
        f"the ROS 2 backend needs rclpy, nav2_msgs and this repository's ROS packages in the "
        f"Python that runs fleet-sim ({python[0]}); missing: {missing}. Install them with "
        f"{SETUP_COMMAND} (rclpy and Fast DDS from PyPI wheels, nav2_msgs built, ros_ws's "
        "packages installed), or source a ROS 2 workspace where ros_ws is built with colcon."
    )


def fleet_spec(config: FleetConfig, robots: Sequence[SimRobot]) -> FleetSpec:
    """The robots file of the planned robots: their start poses, batteries and energy."""
    specs = []
    for robot in robots:
        pose = robot.driver.current_pose()
        specs.append(
            RobotSpec(
                serial_number=robot.serial_number,
                kind=robot.kind,
                x=pose.x,
                y=pose.y,
                theta=pose.theta,
                map_id=pose.map_id,
                battery=robot.driver.battery().charge,
                energy=robot.driver.energy,
            )
        )
    return FleetSpec(specs, config.speed_factor, dock_positions(config.site), MAP_FRAME)


def simulated_interfaces(kind: RobotKind) -> dict[str, str]:
    """The ROS driver's parameters naming what a simulated robot of this kind has: speaker,
    camera, cleaning deck (the simulated robot serves what its kind's actions need)."""
    actions = {action.action_type for action in KIND_ACTIONS[kind]}
    interfaces = {}
    if "announce" in actions:
        interfaces["tts_topic"] = SPEECH_TOPIC
    if "capturePhoto" in actions:
        interfaces["image_topic"] = IMAGE_TOPIC
    if "clean" in actions:
        interfaces["clean_service"] = DECK_SERVICE
    return interfaces


def driver_options(kind: RobotKind, fleet_size: int = 1) -> dict[str, str]:
    """The ROS driver's parameters for a simulated robot of this kind in a fleet of this many
    robots (robot-agent options)."""
    profile = profile_for(kind)
    startup = max(STARTUP_TIMEOUT, STARTUP_SECONDS_PER_ROBOT * fleet_size)
    return {
        "startup_timeout": f"{startup:g}",
        "pose_source": "amcl",
        "map_frame": MAP_FRAME,
        "speed_max": str(profile.speed),
        "width": str(profile.width),
        "length": str(profile.length),
        "height": str(profile.height),
        "series_description": profile.series_description,
        **simulated_interfaces(kind),
    }


def robot_agent_command(python: str) -> list[str]:
    """`robot-agent` beside this Python, as a user runs it (or the same through the module)."""
    script = Path(python).parent / "robot-agent"
    if script.exists():
        return [str(script)]
    return [python, "-c", "from robot_agent.cli import main; main()"]


@dataclass
class _Child:
    name: str
    process: subprocess.Popen[bytes]


class RosFleet:
    """The simulated ROS robots' process and one agent process per robot."""

    def __init__(
        self,
        config: FleetConfig,
        domain_id: int,
        *,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        log_level: str = "INFO",
    ) -> None:
        self.config = config
        self.robots = plan_robots_with_logins(config)
        self.env = ros_environment(os.environ if env is None else env, domain_id)
        self._python = python
        self._log_level = log_level.upper()
        self._stop = threading.Event()

    def check(self) -> None:
        """RosUnavailable if the children's Python cannot run the ROS side."""
        check_ros([self._python], self.env)

    def request_stop(self, signum: int = signal.SIGINT, frame: FrameType | None = None) -> None:
        """Stop the fleet (a signal handler)."""
        self._stop.set()

    def run(self) -> int:
        """Start the robots and agents, watch them until asked to stop: the exit code (0, or 1
        if a child ended by itself)."""
        with tempfile.TemporaryDirectory(prefix="fleet-sim-ros-") as folder:
            work = Path(folder)
            spec_path = work / "robots.json"
            fleet_spec(self.config, self.robots).write(spec_path)
            children: list[_Child] = []
            try:
                children.append(self._start("simulated robots", self._host_command(spec_path)))
                for index, robot in enumerate(self.robots):
                    if index and self._stop.wait(self.config.connect_interval):
                        break
                    command = self._agent_command(robot, work)
                    children.append(self._start(f"robot-agent {robot.serial_number}", command))
                failed = self._watch(children)
            finally:
                self._stop_all(children)
        return 1 if failed else 0

    def _host_command(self, spec_path: Path) -> list[str]:
        return [
            self._python,
            "-m",
            "fleet_sim_robot",
            "--spec",
            str(spec_path),
            "--log-level",
            self._log_level,
        ]

    def _agent_command(self, robot: SimRobot, work: Path) -> list[str]:
        config = self.config
        pose = robot.driver.current_pose()
        command = [
            *robot_agent_command(self._python),
            *("--driver", "ros", "--serial-number", robot.serial_number),
            *("--kind", robot.kind.value, "--mqtt-url", config.mqtt_url),
            *("--interface", config.interface, "--manufacturer", config.manufacturer),
            *("--map-id", pose.map_id, "--x", repr(pose.x), "--y", repr(pose.y)),
            *("--theta", repr(pose.theta), "--log-level", self._log_level),
        ]
        if config.credentials is not None:
            secret = work / f"{robot.serial_number}.password"
            secret.touch(mode=0o600)
            secret.write_text(config.credentials[robot.serial_number] + "\n", encoding="utf-8")
            command += ["--mqtt-username", robot.serial_number, "--mqtt-password-file", str(secret)]
        if config.mqtt_ca_file is not None:
            command += ["--mqtt-ca-file", str(config.mqtt_ca_file)]
        if config.server_url is not None:
            command += ["--server-url", config.server_url]
        for key, value in driver_options(robot.kind, len(self.robots)).items():
            command += ["--driver-option", f"{key}={value}"]
        return command

    def _start(self, name: str, command: list[str]) -> _Child:
        env = dict(self.env)
        if self.config.state_interval is not None:
            env["AGENT_STATE_INTERVAL"] = str(self.config.state_interval)
        if self.config.visualization_interval is not None:
            env["AGENT_VISUALIZATION_INTERVAL"] = str(self.config.visualization_interval)
        # A session of its own: Ctrl-C reaches fleet-sim alone, which stops the agents first
        # (each says OFFLINE and cancels its goal while the robots still answer), then the robots.
        process = subprocess.Popen(command, env=env, start_new_session=True)
        logger.debug("started %s (pid %d): %s", name, process.pid, " ".join(command))
        return _Child(name, process)

    def _watch(self, children: Sequence[_Child]) -> bool:
        """Wait for the stop request; True if a child ended before it."""
        while not self._stop.wait(WATCH_INTERVAL):
            for child in children:
                code = child.process.poll()
                if code is not None:
                    logger.error("%s ended by itself (exit code %d): stopping", child.name, code)
                    return True
        return False

    def _stop_all(self, children: Sequence[_Child]) -> None:
        """SIGINT to the agents, then to the robots; SIGKILL to what does not end in time."""
        agents = [child for child in children if child.name.startswith("robot-agent")]
        hosts = [child for child in children if child not in agents]
        for group in (agents, hosts):
            for child in group:
                if child.process.poll() is None:
                    child.process.send_signal(signal.SIGINT)
            for child in group:
                try:
                    child.process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    logger.warning("%s did not stop in %.0f s: killed", child.name, STOP_TIMEOUT)
                    child.process.kill()
                    child.process.wait()
