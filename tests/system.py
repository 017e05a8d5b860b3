"""The whole system as a user runs it: `fleet serve`, `fleet-sim` and `robot-agent` processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from fleet_protocol.kinds import RobotKind
from fleet_server.broker.accounts import MqttAccounts
from fleet_server.fleet.models.robot import RobotCreate
from fleet_server.schema import open_database
from fleet_server.settings import DEFAULT_SITES_DIR
from simulation.fleet import FleetConfig, plan_robots
from simulation.site_file import load_site
from tests.broker import free_port
from tests.waiting import wait_until

DEMO_SITE_FILE = DEFAULT_SITES_DIR / "longgang-demo.yaml"


def script(name: str) -> str:
    """A console script of this installation (beside the running Python), as a user runs it."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"console script {name!r} not found: pip install -e . first")
    return found


class Process:
    """A child process with its output in a log file, stopped politely, then firmly."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        """SIGKILL: no goodbye, so the broker publishes the Last Will."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL if it does not end."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()

    def output(self) -> str:
        """What the process has logged."""
        return self.log_path.read_text(errors="replace")


def create_api_key(database_url: str, role: str, name: str) -> str:
    """A key made with `fleet apikey create` on the server's database, as an admin makes one."""
    done = subprocess.run(
        [script("fleet"), "apikey", "create", "--role", role, "--name", name],
        env={**os.environ, "FLEET_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def register_sim_robots(database_url: str, folder: Path, robots: int, kinds: str) -> Path:
    """fleet-sim's robots (as many, of these comma-separated kinds) registered each with its
    broker login, as `fleet robot add --save-credentials` does; returns the credentials file
    fleet-sim reads (its robots log in and upload their photos with it)."""
    config = FleetConfig(
        mqtt_url="mqtt://127.0.0.1",
        site=load_site(DEMO_SITE_FILE),
        robots=robots,
        kinds=[RobotKind(kind) for kind in kinds.split(",")],
    )
    requests = [
        RobotCreate(serial_number=r.serial_number, manufacturer=config.manufacturer, kind=r.kind)
        for r in plan_robots(config)
    ]
    engine = open_database(database_url, upgrade=True)
    try:
        accounts = MqttAccounts(engine, interface=config.interface, broker_dir=None)
        logins = accounts.add_robots(requests)
    finally:
        engine.dispose()
    path = folder / "robot-credentials"
    path.touch(mode=0o600)
    path.write_text("".join(f"{login.username} {login.password}\n" for login in logins))
    return path


class System:
    """A running server with its API client (an operator's key), and the agents beside it."""

    def __init__(
        self,
        mqtt_url: str,
        database_url: str,
        log_dir: Path,
        server_env: dict[str, str] | None = None,
    ) -> None:
        self.mqtt_url = mqtt_url
        self.database_url = database_url
        self.log_dir = log_dir
        # Settings of the server beyond the test defaults (they win over those).
        self.server_env = server_env or {}
        self.port = free_port()
        self.processes: list[Process] = []
        key = create_api_key(database_url, "operator", "tests-operator")
        self.api = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}/api/v1",
            headers={"X-API-Key": key},
            timeout=10,
        )
        self.server = self._start_server()

    def _start_server(self) -> Process:
        server = self.start(
            "server",
            [script("fleet"), "serve", "--port", str(self.port)],
            {
                "FLEET_DATABASE_URL": self.database_url,
                "FLEET_MQTT_URL": self.mqtt_url,
                "FLEET_AUTO_REGISTER": "true",
                "FLEET_OFFLINE_TIMEOUT_S": "5",
                "FLEET_MISSION_OFFLINE_GRACE_S": "20",
                "FLEET_FLUSH_INTERVAL_S": "0.2",
                # Photos robots upload go beside the logs, never into the working folder.
                "FLEET_DATA_DIR": str(self.log_dir / "data"),
                **self.server_env,
            },
        )
        wait_until(self._healthy, what="the server to connect to the broker")
        return server

    def restart_server(self) -> None:
        """Stop the server process and start a new one on the same database and port."""
        self.server.stop()
        self.processes.remove(self.server)
        self.server = self._start_server()

    def _healthy(self) -> bool:
        try:
            return bool(self.api.get("/health").json()["mqtt_connected"])
        except httpx.HTTPError:
            return False

    def start(self, name: str, args: list[str], env: dict[str, str]) -> Process:
        """Start a process that is stopped with the system."""
        process = Process(name, args, env, self.log_dir)
        self.processes.append(process)
        return process

    @property
    def base_url(self) -> str:
        """Where the server answers (the console, and the API under /api/v1)."""
        return f"http://127.0.0.1:{self.port}"

    def start_fleet(
        self, robots: int, kinds: str, speed_factor: float, credentials: Path | None = None
    ) -> Process:
        """`fleet-sim` with N robots on the demo site, state every second; with `credentials`
        (fleet robot add's file) each logs in as itself and uploads its photos to the server."""
        logins = [] if credentials is None else ["--credentials", str(credentials)]
        logins += [] if credentials is None else ["--server", self.base_url]
        return self.start(
            "fleet-sim",
            [
                script("fleet-sim"),
                "--mqtt",
                self.mqtt_url,
                "--site",
                str(DEMO_SITE_FILE),
                "--robots",
                str(robots),
                "--kinds",
                kinds,
                "--speed-factor",
                str(speed_factor),
                "--state-interval",
                "1",
                *logins,
            ],
            {},
        )

    def start_agent(
        self,
        serial: str,
        node: dict[str, float],
        speed_factor: float,
        env: dict[str, str] | None = None,
    ) -> Process:
        """One `robot-agent` process (sim driver) standing on a node of the demo site; `env`:
        more AGENT_* settings."""
        return self.start(
            f"agent-{serial}",
            [
                script("robot-agent"),
                "--driver-option",
                f"speed_factor={speed_factor}",
            ],
            {
                "AGENT_MQTT_URL": self.mqtt_url,
                "AGENT_SERIAL_NUMBER": serial,
                "AGENT_MANUFACTURER": "FleetSim",
                "AGENT_KIND": "patrol_dog",
                "AGENT_X": str(node["x"]),
                "AGENT_Y": str(node["y"]),
                "AGENT_MAP_ID": "longgang-demo",
                "AGENT_STATE_INTERVAL": "1",
                **(env or {}),
            },
        )

    def robot(self, serial: str) -> dict[str, Any]:
        """GET /robots/{serial}."""
        response = self.api.get(f"/robots/{serial}")
        return response.json() if response.status_code == 200 else {}

    def mission(self, mission_id: int) -> dict[str, Any]:
        """GET /missions/{id}."""
        return dict(self.api.get(f"/missions/{mission_id}").json())

    def wait_mission(self, mission_id: int, status: str, timeout: float = 60.0) -> dict[str, Any]:
        """Wait until the mission has the status; fail with its last state otherwise."""
        return dict(
            wait_until(
                lambda: (m := self.mission(mission_id))["status"] == status and m,
                timeout=timeout,
                what=f"mission {mission_id} to be {status}",
            )
        )

    def stop(self) -> None:
        """Stop agents first (they say goodbye), then the server."""
        for process in reversed(self.processes):
            process.stop()
        self.api.close()
