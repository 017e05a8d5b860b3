"""The district's headline sanitation scene end to end: the shipped template clean-uc-forecourt
(the Universiade Centre forecourt, about 44 km of 2 m lanes: more than any battery) shared by the
demo fleet's two sweepers, each cleaning its half in charging legs, until one report covers it.

The simulator runs at a high speed factor and charges fast so the test takes minutes; the server
is told nothing of the sweepers' consumption (it learns it from their states)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until

TEMPLATE = Path(__file__).parents[3] / "missions" / "templates" / "clean-uc-forecourt.yaml"
# The demo fleet (`fleet demo`, two robots of each kind) has two sweepers.
DEMO_SWEEPERS = 2
SPEED_FACTOR = 200
# Percent per hour on a dock: a full charge in about a simulated minute, so the test is driving.
CHARGE_RATE = 6000.0


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only: this test is about hours of simulated work (minutes of CI), not storage,
    which every other mission test checks on both databases."""
    yield f"sqlite:///{tmp_path / 'fleet.db'}"


def test_the_demo_sweepers_cover_the_forecourt_in_legs(
    client: TestClient, settings: FleetSettings
) -> None:
    body = yaml.safe_load(TEMPLATE.read_text())["mission"] | {"robots": "auto"}
    kinds = RobotKind.SANITATION
    with sim_fleet(settings.mqtt_url, DEMO_SWEEPERS, kinds, SPEED_FACTOR, CHARGE_RATE) as fleet:
        serials = {r.serial_number for r in fleet.fleet.robots}
        wait_until(
            lambda: all(client.get(f"/api/v1/robots/{s}").json().get("position") for s in serials),
            what="positions",
        )
        created = client.post("/api/v1/missions", json=body)
        assert created.status_code == 201, created.text
        shared = created.json()
        parts = [p["mission"] for p in shared["results"]["parts"]]
        assert len(parts) == DEMO_SWEEPERS
        done = wait_until(
            lambda: (
                (m := _mission(client, shared["id"]))["status"] not in ("queued", "running") and m
            ),
            timeout=900,
            interval=2.0,
            what="the forecourt to be cleaned",
        )
    assert done["status"] == "completed", done["reason"]
    coverage = done["results"]["coverage"]
    assert coverage["zone"] == "uc-forecourt"
    assert coverage["covered_percent"] >= 95.0, coverage
    ends = [_mission(client, p) for p in parts]
    # Each sweeper had to charge on the way: half the forecourt is more than one battery.
    assert all(len(m["results"].get("charging_legs", [])) >= 1 for m in ends), [
        m["results"].get("charging_legs") for m in ends
    ]
    assert {m["robot"] for m in ends} == serials
