"""The deployment example (`deploy/`) as README's "Run it for real" walks through it, with the
same processes: `fleet db upgrade` on a fresh PostgreSQL database, the broker's accounts and
configuration from `fleet broker config`, `mosquitto -c` as the broker unit runs it, the server
unit's commands with both environment files, readiness, and robots online with their own logins
(issue 17, item 5). The systemd units are checked with `systemd-analyze verify` where it exists."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from fleet_server.settings import DEFAULT_SITES_DIR, DEFAULT_TEMPLATES_DIR, FleetSettings
from tests.broker import ConfiguredMosquitto, broker_home, free_port
from tests.databases import fresh_postgres_database, postgres_admin_url
from tests.system import DEMO_SITE_FILE, Process, script
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BROKER_UNIT = DEPLOY / "systemd" / "fleet-broker.service"
SERVER_UNIT = DEPLOY / "systemd" / "fleet-server.service"
ENV_EXAMPLE = DEPLOY / "fleet.env"
COMPOSE = DEPLOY / "compose.yaml"
# Where the README installs things; the test puts its own folders in their place.
INSTALL_BIN = "/opt/fleet/venv/bin/"
BROKER_DIR = "/etc/mosquitto/fleet"
SERVER_ENV = f"{BROKER_DIR}/fleet-server.env"
SETTINGS_ENV = "/etc/fleet/fleet.env"
README_PORT = "8000"
MANUFACTURER = "FleetSim"
SITE_ID = "longgang-demo"


def unit_service(path: Path) -> dict[str, list[str]]:
    """The [Service] settings of a unit file, each with its values in order (systemd's syntax:
    one `Key=value` a line, a key repeated adds a value)."""
    values: dict[str, list[str]] = {}
    section = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not Key=value: {line!r}"
        if section == "[Service]":
            values.setdefault(key, []).append(value)
    return values


def env_file(path: Path) -> dict[str, str]:
    """An environment file as systemd's EnvironmentFile= and `set -a; . FILE` read it."""
    settings = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f"{path.name}: not NAME=value: {line!r}"
        settings[name] = shlex.split(value)[0] if value else ""
    return settings


def command(line: str, port: str) -> list[str]:
    """A unit's command line, run from this environment's install, with the HTTP port."""
    words = shlex.split(line.replace(INSTALL_BIN, ""))
    words[0] = script(words[0])
    return [port if word == README_PORT else word for word in words]


def fleet(
    env: dict[str, str], *args: object, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A `fleet` command as the operator runs it in the README's shell (`typed`: its input)."""
    return subprocess.run(
        [script("fleet"), *(str(a) for a in args)],
        env={**_base_environment(), **env},
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _base_environment() -> dict[str, str]:
    """This process's environment without FLEET_* settings, which only the files give."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FLEET_")}


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_server_unit_runs_the_readme_steps() -> None:
    service = unit_service(SERVER_UNIT)
    assert service["EnvironmentFile"] == [SERVER_ENV, SETTINGS_ENV]
    assert service["ExecStartPre"] == [f"{INSTALL_BIN}fleet db upgrade"]
    assert service["ExecStart"] == [f"{INSTALL_BIN}fleet serve --host 127.0.0.1 --port 8000"]
    assert service["UnsetEnvironment"] == ["FLEET_BROKER_CONFIG_DIR"]
    assert service["Restart"] == ["on-failure"]
    for hardening in ("DynamicUser", "NoNewPrivileges"):
        assert service[hardening] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    broker = unit_service(BROKER_UNIT)
    assert broker["ExecStart"] == [f"/usr/sbin/mosquitto -c {BROKER_DIR}/mosquitto.conf"]
    assert broker["Restart"] == ["on-failure"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in (SERVER_UNIT, BROKER_UNIT, ENV_EXAMPLE):
        assert str(path.relative_to(ROOT)) in readme
    for name in env_file(ENV_EXAMPLE):
        assert f"`{name}`" in readme, f"{name} is not in the README's settings"


def test_the_compose_file_names_what_the_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only read: no Docker daemon runs where the tests run."""
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "broker", "migrate", "fleet", "admin"}
    assert services["broker"]["command"] == ["mosquitto", "-c", f"{BROKER_DIR}/mosquitto.conf"]
    assert services["broker"]["ports"] == ["8883:8883"]
    assert services["migrate"]["command"] == ["fleet", "db", "upgrade"]
    server = services["fleet"]
    assert server["command"] == ["fleet", "serve", "--host", "0.0.0.0", "--port", README_PORT]
    assert server["ports"] == [f"127.0.0.1:{README_PORT}:{README_PORT}"]
    assert server["env_file"] == [SERVER_ENV, SETTINGS_ENV]
    assert server["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert compose["secrets"]["db_password"]["file"] == "/etc/fleet/db-password"
    # The empty setting the server is given switches the broker's files off.
    assert server["environment"] == {"FLEET_BROKER_CONFIG_DIR": ""}
    monkeypatch.setenv("FLEET_BROKER_CONFIG_DIR", "")
    assert FleetSettings().broker_config_dir is None
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for named in (*(f"`{s}`" for s in services), "`postgres-data`", "8883", "Compose 2.24"):
        assert named in readme, named
    # The image holds every package the distribution installs.
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    # pyproject's [tool.setuptools.packages.find] include (tomllib is not in Python 3.10).
    found = re.search(r"^include = (\[.*\])$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert found is not None
    for pattern in json.loads(found.group(1)):
        package = pattern.rstrip("*")
        assert f"COPY {package} /src/{package}\n" in dockerfile, package


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
@pytest.mark.parametrize("unit", [BROKER_UNIT, SERVER_UNIT], ids=lambda p: p.name)
def test_systemd_analyze_verifies_the_unit(unit: Path, tmp_path: Path) -> None:
    # verify wants the programs to exist: the fleet's are this environment's.
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALL_BIN, f"{Path(sys.executable).parent}/"))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and not done.stdout + done.stderr, done.stdout + done.stderr


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database of the test's own, as step 2 creates it."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL reachable (set FLEET_TEST_POSTGRES_URL)")
    with fresh_postgres_database(admin, empty=True) as url:
        yield url


@pytest.fixture
def home() -> Iterator[Path]:
    """Stands for the host's /etc/fleet and /etc/mosquitto (a folder the broker's user reaches)."""
    folder = broker_home()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_walk_through_runs(postgres_database: str, home: Path) -> None:
    broker_dir = home / "mosquitto-fleet"
    # Step 1: the example's settings, the demo's sites and templates copied beside them.
    shutil.copytree(DEFAULT_SITES_DIR, home / "sites")
    shutil.copytree(DEFAULT_TEMPLATES_DIR, home / "templates")
    settings = env_file(ENV_EXAMPLE)
    assert settings["FLEET_LOG_FORMAT"] == "json"
    # Step 2: left as it is, the example's secret is refused, naming the setting.
    refused = fleet(settings, "db", "upgrade")
    assert refused.returncode == 2 and "FLEET_JWT_SECRET" in refused.stderr, refused.stderr
    settings |= {
        "FLEET_DATABASE_URL": postgres_database,
        "FLEET_JWT_SECRET": secrets.token_urlsafe(48),
        "FLEET_SITES_DIR": str(home / "sites"),
        "FLEET_TEMPLATES_DIR": str(home / "templates"),
    }
    assert "created the schema; now at revision" in ok(fleet(settings, "db", "upgrade"))
    # Step 3: TLS on a free port, given by option: no line of what it writes is changed.
    tls_port = free_port()
    credentials = home / "robots.txt"
    ok(fleet(settings, "broker", "certs", "-o", broker_dir, "--host", "localhost"))
    robot_add = ["robot", "add", "--kind", "patrol_dog", "--manufacturer", MANUFACTURER]
    ok(fleet(settings, *robot_add, "dog-01", "--save-credentials", credentials))
    ok(
        fleet(
            settings, "broker", "config", "-o", broker_dir, "--listen", "127.0.0.1",
            "--host", "localhost", "--port", tls_port,
        )
    )  # fmt: skip
    # Step 5: the broker as its unit starts it: `mosquitto -c DIR/mosquitto.conf`.
    broker = ConfiguredMosquitto(broker_dir, tls_port)
    broker.start()
    processes: list[Process] = []
    try:
        _serve_and_connect(settings, home, broker_dir, tls_port, processes)
    finally:
        for process in reversed(processes):
            process.stop()
        broker.stop()
    # Every line the server wrote is a JSON object (FLEET_LOG_FORMAT=json in the example).
    server_log = (home / "fleet-server.log").read_text()
    records = [json.loads(line) for line in server_log.splitlines()]
    heard = "robot FleetSim/dog-02, registered elsewhere, is heard"
    assert any(r["message"] == heard and r["robot"] == "dog-02" for r in records)


def _serve_and_connect(
    settings: dict[str, str],
    home: Path,
    broker_dir: Path,
    tls_port: int,
    processes: list[Process],
) -> None:
    service = unit_service(SERVER_UNIT)
    # Step 4: the broker's env file, then the server's own (which wins), less what the unit unsets.
    environment = env_file(broker_dir / "fleet-server.env") | settings
    for name in service["UnsetEnvironment"]:
        environment.pop(name)
    http_port = str(free_port())
    (pre,) = service["ExecStartPre"]
    assert "already at revision" in ok(
        subprocess.run(
            command(pre, http_port),
            env={**_base_environment(), **environment},
            capture_output=True,
            text=True,
            timeout=120,
        )
    )
    (start,) = service["ExecStart"]
    processes.append(Process("fleet-server", command(start, http_port), environment, home))
    # Step 6: ready once the database answers and the broker is connected.
    base = f"http://127.0.0.1:{http_port}/api/v1"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/health/ready", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout=60, what="GET /health/ready to answer 200")
    assert httpx.get(f"{base}/health/ready").json() == {
        "status": "ready",
        "database": "ok",
        "broker": "connected",
    }
    password = secrets.token_urlsafe(16)
    ok(fleet(settings, "user", "add", "admin", "--role", "admin", typed=f"{password}\n"))
    login = {"username": "admin", "password": password}
    assert "access_token" in httpx.post(f"{base}/auth/token", data=login).json()
    key = ok(fleet(settings, "apikey", "create", "--role", "viewer", "--name", "ops-check")).strip()
    api = httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=10)
    # Step 7: robots with their own logins; one added while the server runs (the shell reads
    # both env files, so `fleet robot add` rewrites the broker's files and reloads it).
    shell = env_file(broker_dir / "fleet-server.env") | settings
    ok(
        fleet(
            shell, "robot", "add", "dog-02", "--kind", "patrol_dog",
            "--manufacturer", MANUFACTURER, "--save-credentials", home / "robots.txt",
        )
    )  # fmt: skip
    passwords = dict(line.split() for line in (home / "robots.txt").read_text().splitlines())
    assert set(passwords) == {"dog-01", "dog-02"}
    node = next(n for n in _site_nodes() if n["id"] == "hall-plaza")
    for serial in ("dog-01", "dog-02"):
        password_file = home / f"{serial}.password"
        password_file.write_text(passwords[serial] + "\n")
        password_file.chmod(0o600)
        agent = [script("robot-agent"), "--mqtt-password-file", str(password_file)]
        agent_env = {
            "AGENT_MQTT_URL": f"mqtts://localhost:{tls_port}",
            "AGENT_MQTT_CA_FILE": str(broker_dir / "ca.crt"),
            "AGENT_SERIAL_NUMBER": serial,
            "AGENT_MANUFACTURER": MANUFACTURER,
            "AGENT_MQTT_USERNAME": serial,
            "AGENT_MAP_ID": SITE_ID,
            "AGENT_X": str(node["x"]),
            "AGENT_Y": str(node["y"]),
            "AGENT_STATE_INTERVAL": "1",
        }
        processes.append(Process(f"agent-{serial}", agent, agent_env, home))
    for serial in ("dog-01", "dog-02"):
        wait_until(
            lambda s=serial: api.get(f"/robots/{s}").json().get("online"),  # type: ignore[misc]
            timeout=60,
            what=f"{serial} online",
        )
    api.close()


def _site_nodes() -> list[dict[str, float | str]]:
    site = yaml.safe_load(DEMO_SITE_FILE.read_text(encoding="utf-8"))
    return list(site["nodes"])
