"""Chargers as a resource, with simulated robots: one robot per charger, the nearest free dock or
a wait with an expected time, and idle robots that charge by themselves and leave for work."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.missions.charger_use import DEFAULT_CHARGE_PERCENT_PER_HOUR
from fleet_server.settings import DEFAULT_SITES_DIR, FleetSettings
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import ready as _ready
from tests.fleet_server.sim_fleet import robot_view as _robot
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOOP = ["street-sw", "street-se", "street-ne", "street-nw"]
ABOUT = re.compile(r"\(about (\d\d):(\d\d)\)")


@pytest.fixture
def sites_dir(tmp_path: Path) -> Path:
    """The demo site with a single charger at each of its three docks."""
    folder = tmp_path / "sites"
    folder.mkdir()
    data = yaml.safe_load((DEFAULT_SITES_DIR / "longgang-demo.yaml").read_text(encoding="utf-8"))
    for dock in data["docks"]:
        dock["chargers"] = 1
    text = yaml.safe_dump(data, allow_unicode=True)
    (folder / "longgang-demo.yaml").write_text(text, encoding="utf-8")
    return folder


def _dock(client: TestClient, robot: str, **more: Any) -> dict[str, Any]:
    body = {"kind": "dock", "site": "longgang-demo", "robot": robot, "target_level": 95} | more
    response = client.post("/api/v1/missions", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _ordered(wire: WireRecorder) -> set[str]:
    """The robots that were sent an order."""
    return {m.json()["serialNumber"] for m in wire.messages if m.subtopic == "order"}


def test_no_two_robots_are_sent_to_one_charger(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    # Slow enough that no charge ends during the test.
    with sim_fleet(settings.mqtt_url, 3, RobotKind.PATROL_DOG, speed_factor=2) as fleet:
        dogs = _ready(client, fleet)
        starts = {r.serial_number: r.start_node for r in fleet.fleet.robots}
        assert starts[dogs[1]] == "hall-dock", starts
        fleet.on_driver(dogs[0], lambda d: d.set_battery(20.0))
        wait_until(lambda: (_robot(client, dogs[0])["battery"] or 100) <= 20.5, what="low dog")

        # The first dog takes the hall's only charger.
        first = _dock(client, dogs[0], dock="dock-hall")
        reserved_at = datetime.now(SHANGHAI)
        assert first["status"] == "assigned", first["reason"]
        assert first["definition"]["charger_dock"] == "dock-hall"

        # The dog standing at the hall's dock is sent to the nearest dock with a free charger.
        second = _dock(client, dogs[1])
        assert second["status"] == "assigned", second["reason"]
        assert second["definition"]["charger_dock"] in ("dock-street", "dock-forecourt")

        # A dog told to charge at the hall waits, saying until about when.
        third = _dock(client, dogs[2], dock="dock-hall")
        assert third["status"] == "queued"
        assert third["robot"] is None
        reason = third["reason"]
        assert f"waiting for a free charger at dock dock-hall for robot {dogs[2]}" in reason
        found = ABOUT.search(reason)
        assert found is not None, reason
        # The first dog charges from about 20 % to 95 % at the assumed rate.
        hours = (95 - 20) / DEFAULT_CHARGE_PERCENT_PER_HOUR
        expected = reserved_at + timedelta(hours=hours)
        said = expected.replace(hour=int(found[1]), minute=int(found[2]))
        assert abs((said - expected).total_seconds()) < 180, (reason, expected)
        wait_until(lambda: _ordered(wire) == set(dogs[:2]), what="two dogs' orders")
        assert dogs[2] not in _ordered(wire), "no order to drive to a full dock"

        # The first dog leaves (its dock mission is cancelled): the charger goes to the third.
        client.post(f"/api/v1/missions/{first['id']}/cancel")
        moved = wait_until(
            lambda: (m := _mission(client, third["id"]))["status"] in ("assigned", "running") and m,
            what="the waiting dog to get the hall's charger",
        )
        assert moved["robot"] == dogs[2] and moved["definition"]["charger_dock"] == "dock-hall"
        assert _mission(client, first["id"])["status"] == "cancelled"
        wait_until(lambda: dogs[2] in _ordered(wire), what="an order to the waiting dog")
        chargers = client.app.state.fleet.missions.chargers  # type: ignore[attr-defined]
        assert chargers.held_by(dogs[0]) is None
        holders = chargers.holders("longgang-demo", "dock-hall")
        assert list(holders) == [dogs[2]]
        for mission in (second, third):
            client.post(f"/api/v1/missions/{mission['id']}/cancel")


def test_an_idle_robot_low_on_charge_charges_by_itself_and_leaves_for_work(
    settings: FleetSettings, wire: WireRecorder
) -> None:
    charging = settings.model_copy(update={"idle_charge_below_percent": 30.0})
    with (
        running_server(charging) as client,
        sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=20) as fleet,
    ):
        dog = _ready(client, fleet)[0]
        missions = client.get("/api/v1/missions").json()
        assert missions == [], "a robot with charge enough does not charge by itself"
        fleet.on_driver(dog, lambda d: d.set_battery(25.0))

        def automatic_charge() -> dict[str, Any] | None:
            for mission in client.get("/api/v1/missions").json():
                if mission["kind"] == "dock" and mission["status"] == "running":
                    return dict(mission)
            return None

        charge = wait_until(automatic_charge, what="the dog to go and charge by itself")
        assert charge["robot"] == dog
        assert "below 30 %" in charge["definition"]["automatic"]
        assert charge["definition"]["charger_dock"] == "dock-street"
        wait_until(lambda: _robot(client, dog)["charging"], what="the dog to charge")

        # Work its charge is not enough for leaves it charging.
        long = client.post(
            "/api/v1/missions",
            json={"kind": "patrol", "site": "longgang-demo", "route": LOOP, "rounds": 40},
        ).json()
        assert long["status"] == "queued" and "enough charge" in long["reason"], long
        assert _mission(client, charge["id"])["status"] == "running"
        client.post(f"/api/v1/missions/{long['id']}/cancel")

        # Work it has charge enough for ends the charge.
        short = client.post(
            "/api/v1/missions",
            json={"kind": "patrol", "site": "longgang-demo", "route": ["street-s1", "street-s2"]},
        ).json()
        ended = wait_until(
            lambda: (m := _mission(client, charge["id"]))["status"] == "cancelled" and m,
            what="the automatic charge to end",
        )
        assert ended["reason"] == f"charge ended for mission {short['id']}"
        taken = wait_until(
            lambda: (m := _mission(client, short["id"]))["status"] != "queued" and m,
            what="the dog to take the patrol",
        )
        assert taken["robot"] == dog
        chargers = client.app.state.fleet.missions.chargers  # type: ignore[attr-defined]
        assert chargers.held_by(dog) is None, "the dog left its charger"
        done = wait_until(
            lambda: (m := _mission(client, short["id"]))["status"] == "completed" and m,
            timeout=60,
            what="the patrol to be done",
        )
        assert done["robot"] == dog
