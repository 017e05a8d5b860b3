"""`FLEET_LOG_FORMAT=json` on the real `fleet serve` process, with Mosquitto and a real
`robot-agent`: every line the server writes is one JSON object, and the lines name the request,
the robot and the mission they concern (issue 17, item 4)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from fleet_protocol.site import Site
from fleet_server.cli import app
from tests.broker import MosquittoBroker
from tests.databases import sqlite_database
from tests.system import DEMO_SITE_FILE, System
from tests.waiting import wait_until

SITE = Site.model_validate(yaml.safe_load(DEMO_SITE_FILE.read_text(encoding="utf-8")))
ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1"]
SERIAL = "dog-log"
REQUEST_ID = "ops-check-0001"
FIELDS = {"time", "level", "logger", "message"}


def _json_lines(text: str, who: str) -> list[dict[str, Any]]:
    """Every line of the output as JSON; fails naming the first line that is not."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise AssertionError(f"{who} line {number} is not JSON: {line!r}") from None
        assert isinstance(record, dict) and record.keys() >= FIELDS, line
        when = datetime.fromisoformat(record["time"].replace("Z", "+00:00"))
        assert when.utcoffset() == timedelta(0), line
        records.append(record)
    return records


def test_json_lines_name_the_request_the_robot_and_the_mission(
    broker: MosquittoBroker, tmp_path: Path
) -> None:
    json_logs = {"FLEET_LOG_FORMAT": "json", "FLEET_LOG_LEVEL": "INFO"}
    system = System(broker.url, sqlite_database(tmp_path / "fleet.db"), tmp_path, json_logs)
    try:
        desk = SITE.node("hall-desk-1")
        agent = system.start_agent(
            SERIAL, {"x": desk.x, "y": desk.y}, 50, {"AGENT_LOG_FORMAT": "json"}
        )
        # Online and placed: a mission for a robot with no reported position is refused.
        wait_until(
            lambda: system.robot(SERIAL).get("online") and system.robot(SERIAL).get("position"),
            what=f"{SERIAL} online at its position",
        )
        body = {"kind": "patrol", "site": SITE.id, "route": ROUTE, "robot": SERIAL}
        created = system.api.post("/missions", json=body, headers={"X-Request-ID": REQUEST_ID})
        assert created.status_code == 201, created.text
        assert created.headers["X-Request-ID"] == REQUEST_ID
        mission = created.json()["id"]
        system.wait_mission(mission, "completed")
        # A header that could forge or break a log line is replaced by an id of the server's.
        forged = system.api.get("/robots", headers={"X-Request-ID": 'x" "level": "CRITICAL'})
        made = forged.headers["X-Request-ID"]
        assert made != 'x" "level": "CRITICAL' and made.isalnum()
        assert system.api.get("/robots").headers["X-Request-ID"] != made
    finally:
        system.stop()

    # The server's stdout and stderr, both in this file: nothing but JSON lines.
    records = _json_lines(system.server.output(), "fleet serve")
    by_request = [r for r in records if r.get("request") == REQUEST_ID]
    assert any(
        r["logger"] == "uvicorn.access" and "POST /api/v1/missions" in r["message"]
        for r in by_request
    ), by_request
    assert any(
        r["message"].startswith(f"mission {mission} created") and r["mission"] == mission
        for r in by_request
    ), by_request
    by_robot = [r for r in records if r.get("robot") == SERIAL]
    assert any(f"robot {SERIAL} is online" in r["message"] for r in by_robot), records
    by_mission = [r for r in by_robot if r.get("mission") == mission]
    assert any(f"assigned to {SERIAL}" in r["message"] for r in by_mission), by_robot
    assert any(r["message"] == f"mission {mission} completed: " for r in by_mission), by_robot
    assert any(r.get("request") == made for r in records)
    # Nothing of one request is told as another's.
    assert not [r for r in by_request if "GET /api/v1/robots" in r["message"]]

    # The agent's lines (AGENT_LOG_FORMAT=json) each name its robot.
    agent_records = _json_lines(agent.output(), "robot-agent")
    assert any("connected to" in r["message"] for r in agent_records), agent_records
    assert all(r.get("robot") == SERIAL for r in agent_records), agent_records


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        ([], {"FLEET_LOG_FORMAT": "xml"}, "bad setting: FLEET_LOG_FORMAT: Input should be"),
        ([], {"FLEET_LOG_LEVEL": "loud"}, "bad setting: FLEET_LOG_LEVEL: Input should be"),
        (["--log-level", "loud"], {}, "--log-level 'loud': choose from debug, info, warning"),
    ],
)
def test_a_bad_log_setting_is_refused_naming_it(
    args: list[str], env: dict[str, str], said: str
) -> None:
    result = CliRunner().invoke(app, ["serve", *args], env=env)
    assert result.exit_code == 2
    assert said in result.stderr
