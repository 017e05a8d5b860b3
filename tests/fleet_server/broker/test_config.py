"""The text of the generated Mosquitto configuration, password file, ACL and server env file
(the real broker reads them in test_broker_security.py)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from fleet_server.broker.config import (
    BrokerOptions,
    RobotAccess,
    acl_file,
    check_account_name,
    mosquitto_conf,
    password_file,
    server_env,
)
from fleet_server.broker.password import hash_password


def _options(tmp_path: Path, **changes: object) -> BrokerOptions:
    fields: dict[str, object] = {
        "directory": tmp_path / "broker",
        "certfile": tmp_path / "server.crt",
        "keyfile": tmp_path / "server.key",
        "broker_user": "mosquitto",
    }
    return BrokerOptions(**{**fields, **changes})  # type: ignore[arg-type]


def _settings(conf: str) -> list[tuple[str, str]]:
    """(option, value) pairs, in order, as Mosquitto reads them (comments skipped)."""
    lines = [line.split(" ", 1) for line in conf.splitlines() if line and line[0] != "#"]
    return [(words[0], words[1] if len(words) > 1 else "") for words in lines]


def test_the_configuration_refuses_anonymous_clients_and_listens_with_tls(tmp_path: Path) -> None:
    settings = _settings(mosquitto_conf(_options(tmp_path)))
    given = dict(settings)
    broker = (tmp_path / "broker").resolve()
    assert given["allow_anonymous"] == "false"
    assert given["per_listener_settings"] == "false"  # the logins hold on every listener
    assert given["password_file"] == str(broker / "passwd")
    assert given["acl_file"] == str(broker / "acl")
    assert given["pid_file"] == str(broker / "run/mosquitto.pid")
    assert given["user"] == "mosquitto"
    assert given["max_packet_size"] == str(1024 * 1024)
    assert "message_size_limit" not in given  # max_packet_size is what 2.0 checks up front
    listeners = [value for option, value in settings if option == "listener"]
    assert listeners == ["8883 127.0.0.1"]
    after_listener = dict(settings[settings.index(("listener", "8883 127.0.0.1")) :])
    assert after_listener["certfile"] == str((tmp_path / "server.crt").resolve())
    assert after_listener["keyfile"] == str((tmp_path / "server.key").resolve())
    assert after_listener["tls_version"] == "tlsv1.2"


def test_the_local_listener_binds_loopback_only_and_comes_after_the_tls_one(
    tmp_path: Path,
) -> None:
    settings = _settings(
        mosquitto_conf(_options(tmp_path, port=9883, listen="10.1.2.3", local_port=1884))
    )
    listeners = [value for option, value in settings if option == "listener"]
    assert listeners == ["9883 10.1.2.3", "1884 127.0.0.1"]
    # Nothing follows the local listener: it carries no TLS options of its own.
    assert settings[-1] == ("listener", "1884 127.0.0.1")


def test_paths_with_white_space_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="white space"):
        mosquitto_conf(_options(tmp_path, directory=tmp_path / "my broker"))


def test_each_robot_writes_only_its_own_reports_and_reads_only_its_own_orders() -> None:
    text = acl_file(
        "uagv",
        "fleet-server",
        [RobotAccess("dog-02", "Acme"), RobotAccess("dog-01", "FleetSim")],
    )
    blocks = [block.splitlines() for block in text.split("\n\n")[1:]]
    assert blocks[0] == [
        "user fleet-server",
        "topic read uagv/v2/+/+/state",
        "topic read uagv/v2/+/+/visualization",
        "topic read uagv/v2/+/+/connection",
        "topic read uagv/v2/+/+/factsheet",
        "topic write uagv/v2/+/+/order",
        "topic write uagv/v2/+/+/instantActions",
    ]
    assert blocks[1] == [
        "user dog-01",
        "topic write uagv/v2/FleetSim/dog-01/state",
        "topic write uagv/v2/FleetSim/dog-01/visualization",
        "topic write uagv/v2/FleetSim/dog-01/connection",
        "topic write uagv/v2/FleetSim/dog-01/factsheet",
        "topic read uagv/v2/FleetSim/dog-01/order",
        "topic read uagv/v2/FleetSim/dog-01/instantActions",
    ]
    assert blocks[2][0] == "user dog-02"
    assert all("Acme/dog-02/" in line for line in blocks[2][1:])
    # No rule before the first user line: clients without a login would get it.
    assert all(line.startswith("#") for line in text.split("\n\n")[0].splitlines())


def test_the_acl_uses_the_interface_name() -> None:
    text = acl_file("district7", None, [RobotAccess("dog-01", "FleetSim")])
    assert "topic write district7/v2/FleetSim/dog-01/state" in text
    assert "user fleet-server" not in text


@pytest.mark.parametrize("bad", ["a:b", "dog 01", "#dog", "", "x" * 65, "dog/01", "dog+"])
def test_names_the_files_cannot_hold_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot be an MQTT account"):
        check_account_name(bad)
    with pytest.raises(ValueError):
        acl_file("uagv", None, [RobotAccess(bad, "FleetSim")])
    with pytest.raises(ValueError):
        password_file([(bad, hash_password("x"))])


def test_a_manufacturer_that_is_no_topic_level_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be used as an MQTT topic level"):
        acl_file("uagv", None, [RobotAccess("dog-01", "Acme/#")])


def test_the_password_file_holds_one_hash_per_account_by_name() -> None:
    first, second = hash_password("one"), hash_password("two")
    text = password_file([("dog-02", second), ("dog-01", first)])
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == [f"dog-01:{first}", f"dog-02:{second}"]


@pytest.mark.parametrize("stored", ["", "plaintext", "$6$salt$hash", "$7$101$a b$c"])
def test_a_password_file_is_never_written_with_anything_but_a_hash(stored: str) -> None:
    with pytest.raises(ValueError, match="no usable password hash"):
        password_file([("dog-01", stored)])


def test_the_server_env_file_reads_back_in_a_shell(tmp_path: Path) -> None:
    text = server_env(
        url="mqtts://fleet-server:pw@broker.example:8883",
        ca_file=tmp_path / "ca dir" / "ca.crt",
        config_dir=tmp_path,
        interface="uagv",
        local_url="mqtt://fleet-server:pw@127.0.0.1:1883",
    )
    values = dict(
        shlex.split(line)[0].split("=", 1) for line in text.splitlines() if line[0] != "#"
    )
    assert values == {
        "FLEET_MQTT_URL": "mqtts://fleet-server:pw@broker.example:8883",
        "FLEET_MQTT_CA_FILE": str((tmp_path / "ca dir" / "ca.crt").resolve()),
        "FLEET_BROKER_CONFIG_DIR": str(tmp_path.resolve()),
        "FLEET_INTERFACE": "uagv",
    }
    assert "# FLEET_MQTT_URL=mqtt://fleet-server:pw@127.0.0.1:1883" in text
