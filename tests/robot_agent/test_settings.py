"""AgentSettings: AGENT_* environment, keyword arguments and validation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from fleet_protocol.kinds import RobotKind
from robot_agent.driver import Pose
from robot_agent.settings import AgentSettings


def test_environment_with_the_agent_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_SERIAL_NUMBER", "dog-07")
    monkeypatch.setenv("AGENT_KIND", "service")
    monkeypatch.setenv("AGENT_X", "12.5")
    monkeypatch.setenv("AGENT_MAP_ID", "district")
    monkeypatch.setenv("AGENT_DRIVER_OPTIONS", '{"speed_factor": "4"}')
    settings = AgentSettings()
    assert (settings.serial_number, settings.kind) == ("dog-07", RobotKind.SERVICE)
    assert settings.initial_pose == Pose(12.5, 0.0, 0.0, "district")
    assert settings.driver_options == {"speed_factor": "4"}
    assert (settings.mqtt_url, settings.interface, settings.driver) == (
        "mqtt://127.0.0.1:1883",
        "uagv",
        "sim",
    )
    assert (settings.state_interval, settings.visualization_interval) == (30.0, 1.0)


def test_keyword_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_SERIAL_NUMBER", "from-env")
    settings = AgentSettings(serial_number="sweeper-01", kind=RobotKind.SANITATION, y=-3.0)
    assert (settings.serial_number, settings.kind, settings.y) == (
        "sweeper-01",
        RobotKind.SANITATION,
        -3.0,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("serial_number", "dog/07"),
        ("manufacturer", "a+b"),
        ("mqtt_url", "http://broker"),
        ("state_interval", 0),
        ("reconnect_min", -1),
        ("unknown_setting", 1),
    ],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    kwargs: dict[str, Any] = {"serial_number": "dog-07", field: value}
    with pytest.raises(ValidationError, match=field):
        AgentSettings(**kwargs)


def test_backoff_bounds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="reconnect_max"):
        AgentSettings(serial_number="d", reconnect_min=5, reconnect_max=1)


def test_the_server_url_is_an_http_base_without_a_login() -> None:
    settings = AgentSettings(serial_number="r1", server_url="https://fleet.example:8443/")
    assert settings.server_url == "https://fleet.example:8443"
    for bad in ("ftp://fleet.example", "https://dog:secret@fleet.example", "fleet.example"):
        with pytest.raises(ValidationError, match="server_url"):
            AgentSettings(serial_number="r1", server_url=bad)
