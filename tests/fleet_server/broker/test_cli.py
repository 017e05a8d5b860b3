"""`fleet broker certs|config` and `fleet robot add|rotate|revoke|list`: the files they write,
who may read them, and clear errors with exit code 2 for bad arguments."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from cryptography import x509
from typer.testing import CliRunner, Result

from fleet_server.broker.files import broker_owner
from fleet_server.broker.password import verify_password
from fleet_server.cli import app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"FLEET_DATABASE_URL": f"sqlite:///{tmp_path / 'fleet.db'}"}


def _fleet(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _env_file(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return dict(shlex.split(line)[0].split("=", 1) for line in lines)


def _passwords(folder: Path) -> dict[str, str]:
    lines = (folder / "passwd").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if not line.startswith("#"))


def test_certs_make_a_ca_and_a_server_certificate_naming_the_hosts(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "broker"
    made = _fleet(env, "broker", "certs", "-o", str(out), "--host", "mqtt.district.example")
    assert made.exit_code == 0, made.output
    ca = x509.load_pem_x509_certificate((out / "ca.crt").read_bytes())
    cert = x509.load_pem_x509_certificate((out / "server.crt").read_bytes())
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["mqtt.district.example", "localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    assert _mode(out / "ca.key") == 0o600 and _mode(out / "server.key") == 0o600
    assert (out / "server.key").stat().st_uid == broker_owner(None).uid

    again = _fleet(env, "broker", "certs", "-o", str(out), "--host", "mqtt.district.example")
    assert again.exit_code == 2
    assert "server.crt exists; to renew, delete server.crt and server.key first" in again.stderr
    (out / "server.crt").unlink()
    (out / "server.key").unlink()
    renewed = _fleet(env, "broker", "certs", "-o", str(out), "--host", "10.0.0.7")
    assert renewed.exit_code == 0 and "used the CA" in renewed.stdout
    new = x509.load_pem_x509_certificate((out / "server.crt").read_bytes())
    new.verify_directly_issued_by(ca)  # the same CA: robots need no new ca.crt


def test_config_without_a_certificate_names_what_is_missing(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = _fleet(env, "broker", "config", "-o", str(tmp_path / "broker"))
    assert result.exit_code == 2
    assert "no broker certificate at" in result.stderr
    assert "fleet broker certs -o DIR --host NAME" in result.stderr


def test_config_writes_the_broker_files_and_the_servers_login(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "broker"
    assert _fleet(env, "broker", "certs", "-o", str(out), "--host", "localhost").exit_code == 0
    creds = tmp_path / "robots.txt"
    added = _fleet(
        env, "robot", "add", "dog-01", "dog-02", "--kind", "patrol_dog",
        "--manufacturer", "FleetSim", "--save-credentials", str(creds),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout == ""  # the passwords went to the file only
    assert "FLEET_BROKER_CONFIG_DIR is not set" in added.stderr
    saved = dict(line.split() for line in creds.read_text().splitlines())
    assert sorted(saved) == ["dog-01", "dog-02"] and _mode(creds) == 0o600

    result = _fleet(env, "broker", "config", "-o", str(out), "--port", "18883")
    assert result.exit_code == 0, result.output
    server = _env_file(out / "fleet-server.env")
    assert _mode(out / "fleet-server.env") == 0o600
    password = server["FLEET_MQTT_URL"].split(":")[2].split("@")[0]
    assert server["FLEET_MQTT_URL"] == f"mqtts://fleet-server:{password}@localhost:18883"
    assert server["FLEET_MQTT_CA_FILE"] == str((out / "ca.crt").resolve())
    assert server["FLEET_BROKER_CONFIG_DIR"] == str(out.resolve())
    assert password not in result.output
    stored = _passwords(out)
    assert sorted(stored) == ["dog-01", "dog-02", "fleet-server"]
    assert verify_password(saved["dog-01"], stored["dog-01"])
    assert verify_password(password, stored["fleet-server"])
    owner = broker_owner(None)
    for name in ("passwd", "acl", "server.key"):
        assert _mode(out / name) == 0o600 and (out / name).stat().st_uid == owner.uid, name
    assert (out / "data").stat().st_uid == owner.uid and _mode(out / "data") == 0o700
    assert f"user {owner.name}" in (out / "mosquitto.conf").read_text()

    kept = _fleet(env, "broker", "config", "-o", str(out), "--port", "18883")
    assert kept.exit_code == 0 and "login is kept" in kept.stdout
    assert _env_file(out / "fleet-server.env") == server
    renewed = _fleet(env, "broker", "config", "-o", str(out), "--new-server-password")
    assert renewed.exit_code == 0
    assert _env_file(out / "fleet-server.env")["FLEET_MQTT_URL"] != server["FLEET_MQTT_URL"]
    assert not verify_password(password, _passwords(out)["fleet-server"])


def test_robot_commands_keep_the_broker_files_in_step(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "broker"
    assert _fleet(env, "broker", "certs", "-o", str(out), "--host", "localhost").exit_code == 0
    assert _fleet(env, "broker", "config", "-o", str(out)).exit_code == 0
    env = {**env, "FLEET_BROKER_CONFIG_DIR": str(out)}

    added = _fleet(env, "robot", "add", "dog-07", "--kind", "sanitation", "--manufacturer", "Acme")
    assert added.exit_code == 0, added.output
    serial, password = added.stdout.split()  # alone on stdout: `> FILE` captures it
    assert serial == "dog-07" and "not shown again" in added.stderr
    assert "the broker is not running" in added.stderr
    assert verify_password(password, _passwords(out)["dog-07"])
    assert "topic write uagv/v2/Acme/dog-07/state" in (out / "acl").read_text()

    rotated = _fleet(env, "robot", "rotate", "dog-07")
    assert rotated.exit_code == 0
    new_password = rotated.stdout.split()[1]
    assert verify_password(new_password, _passwords(out)["dog-07"])
    assert not verify_password(password, _passwords(out)["dog-07"])

    listed = _fleet(env, "robot", "list")
    assert listed.stdout.split()[:5] == ["dog-07", "Acme", "sanitation", "registered", "MQTT"]
    revoked = _fleet(env, "robot", "revoke", "dog-07")
    assert revoked.exit_code == 0 and "revoked" in revoked.stderr
    assert "dog-07" not in _passwords(out)
    assert "dog-07" not in (out / "acl").read_text()
    assert "revoked" in _fleet(env, "robot", "list").stdout


def test_bad_robot_arguments_are_usage_errors(env: dict[str, str], tmp_path: Path) -> None:
    def add(*args: str) -> Result:
        return _fleet(env, "robot", "add", *args, "--kind", "patrol_dog", "--manufacturer", "A")

    colon = add("dog:01")
    assert colon.exit_code == 2 and "'dog:01' cannot be an MQTT account" in colon.stderr
    slash = add("dog/01")
    assert slash.exit_code == 2 and "serial_number 'dog/01'" in slash.stderr
    kind = _fleet(env, "robot", "add", "dog-01", "--kind", "tank", "--manufacturer", "A")
    assert kind.exit_code == 2
    open_file = tmp_path / "shared.txt"
    open_file.write_text("")
    os.chmod(open_file, 0o644)
    shared = add("dog-01", "--save-credentials", str(open_file))
    assert shared.exit_code == 2 and "may be read by others" in shared.stderr
    assert open_file.read_text() == ""
    assert _fleet(env, "robot", "list").stdout == ""  # nothing was added

    assert add("dog-01").exit_code == 0
    twice = add("dog-01")
    assert twice.exit_code == 1 and "robot 'dog-01' already exists" in twice.stderr
    ghost = _fleet(env, "robot", "revoke", "ghost")
    assert ghost.exit_code == 1 and "robot 'ghost' has no MQTT account" in ghost.stderr
    missing_dir = _fleet(
        env, "robot", "rotate", "dog-01", "--broker-config-dir", str(tmp_path / "nowhere")
    )
    assert missing_dir.exit_code == 2 and missing_dir.stdout == ""  # no new password made
    assert "holds no mosquitto.conf" in missing_dir.stderr


def test_the_server_refuses_a_broker_config_dir_without_a_configuration(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = _fleet({**env, "FLEET_BROKER_CONFIG_DIR": str(tmp_path)}, "serve")
    assert result.exit_code == 2
    assert "FLEET_BROKER_CONFIG_DIR" in result.stderr and "holds no mosquitto.conf" in result.stderr
