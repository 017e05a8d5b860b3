"""The robot-agent command: settings from env and flags, clean stop on SIGTERM, clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fleet_protocol.topics import Subtopic
from robot_agent.settings import AgentSettings
from tests.broker import MosquittoBroker, free_port
from tests.robot_agent.messages import MANUFACTURER
from tests.wire import WireRecorder, match

COMMAND = [sys.executable, "-c", "from robot_agent.cli import main; main()"]


def run_agent(*flags: str, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    return subprocess.Popen(
        [*COMMAND, *flags],
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_publishes_offline_and_exits_cleanly(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    process = run_agent(
        "--serial-number",
        "dog-cli",
        "--kind",
        "sanitation",
        "--driver-option",
        "speed_factor=5",
        AGENT_MQTT_URL=broker.url,
        AGENT_MANUFACTURER=MANUFACTURER,
    )
    try:
        online = wire.wait_for(
            match(Subtopic.CONNECTION, serial_number="dog-cli"), timeout=20, what="ONLINE"
        )
        assert online.json()["connectionState"] == "ONLINE"
        sheet = wire.wait_for(match(Subtopic.FACTSHEET, serial_number="dog-cli"))
        assert sheet.json()["typeSpecification"]["seriesName"] == "sanitation"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    offline = wire.wait_for(
        match(
            Subtopic.CONNECTION,
            serial_number="dog-cli",
            where=lambda m: m["connectionState"] == "OFFLINE",
        )
    )
    assert offline.retain
    assert "Traceback" not in stderr


def test_missing_serial_number_is_a_clear_error() -> None:
    process = run_agent()
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "serial_number" in stderr and "Traceback" not in stderr


def test_unknown_driver_is_a_clear_error() -> None:
    process = run_agent("--driver", "warp", AGENT_SERIAL_NUMBER="x1")
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "no driver named 'warp'" in stderr and "sim" in stderr


def test_a_driver_option_the_driver_refuses_is_a_clear_error() -> None:
    process = run_agent("--driver-option", "speed_factor=fast", AGENT_SERIAL_NUMBER="x1")
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "driver sim: sim driver option speed_factor='fast' is not a number" in stderr
    assert "Traceback" not in stderr


def test_the_agent_stays_light() -> None:
    heavy = ("fastapi", "sqlalchemy", "sqlmodel", "numpy", "fleet_server", "simulation", "rclpy")
    code = (
        "import sys, robot_agent.cli, robot_agent.agent, robot_agent.executor;"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.strip() == ""


def test_the_password_never_reaches_the_log(tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("s3cret-from-file\n")
    # A broker that is not there: the agent logs its address while it retries.
    port = free_port()
    process = run_agent(
        "--mqtt-username",
        "dog-09",
        "--mqtt-password-file",
        str(password_file),
        AGENT_MQTT_URL=f"mqtt://127.0.0.1:{port}",
        AGENT_SERIAL_NUMBER="dog-09",
    )
    try:
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert f"mqtt://dog-09@127.0.0.1:{port}" in stderr
    assert "s3cret" not in stderr
    url = run_agent(AGENT_MQTT_URL="mqtt://dog-09:s3cret@host:port", AGENT_SERIAL_NUMBER="x")
    _, stderr = url.communicate(timeout=20)
    assert url.returncode == 2 and "invalid port" in stderr and "s3cret" not in stderr


def test_a_login_given_twice_or_an_empty_password_file_is_a_clear_error(tmp_path: Path) -> None:
    twice = run_agent(
        "--mqtt-username",
        "dog-09",
        AGENT_MQTT_URL="mqtt://dog-09:s3cret@broker",
        AGENT_SERIAL_NUMBER="dog-09",
    )
    _, stderr = twice.communicate(timeout=20)
    assert twice.returncode == 2 and "either in the URL or separately" in stderr
    assert "s3cret" not in stderr
    empty = tmp_path / "empty"
    empty.write_text("\n")
    process = run_agent("--mqtt-password-file", str(empty), AGENT_SERIAL_NUMBER="dog-09")
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2 and "holds no password on its first line" in stderr
    missing = run_agent("--mqtt-ca-file", str(tmp_path / "ca.crt"), AGENT_SERIAL_NUMBER="x")
    _, stderr = missing.communicate(timeout=20)
    assert missing.returncode == 2 and "is not mqtts://" in stderr


def test_a_login_from_the_environment() -> None:
    settings = AgentSettings(
        serial_number="dog-09", mqtt_url="mqtts://broker", mqtt_username="dog-09",
        mqtt_password="s3cret",
    )  # fmt: skip
    assert (settings.broker.username, settings.broker.password) == ("dog-09", "s3cret")
    assert "s3cret" not in repr(settings)
