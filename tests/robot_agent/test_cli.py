"""The robot-agent command: settings from env and flags, clean stop on SIGTERM, clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from fleet_protocol.topics import Subtopic
from tests.broker import MosquittoBroker
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
