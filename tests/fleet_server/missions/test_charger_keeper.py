"""The decisions behind chargers, idle charging and the fleet's hold, without a broker."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fleet_protocol.site import Site
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.charger_use import ChargerKeeper
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.fleet_hold import RECALL, FleetHold, FleetMode
from fleet_server.missions.idle_charging import wants_charge
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.sites.sites import SiteRegistry
from tests.fleet_server.small_site import SMALL_SITE

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
# The square with a second dock at C, one charger each.
SITE = Site.model_validate(
    SMALL_SITE
    | {
        "docks": [
            {"id": "dock-E", "node": "E", "chargers": 1},
            {"id": "dock-C", "node": "C", "chargers": 1},
        ]
    }
)


def _robot(serial: str, battery: float = 50.0, **more: object) -> Robot:
    fields = {
        "serial_number": serial,
        "manufacturer": "test",
        "online": True,
        "battery": battery,
        "x": 0.0,
        "y": 0.0,
        "map_id": "square",
        "actions": ["dock", "charge"],
    }
    return Robot.model_validate(fields | more)


def _dock_mission(mission_id: int, dock: str | None = None) -> Mission:
    return Mission(
        id=mission_id,
        kind="dock",
        site_id="square",
        definition={"dock": dock, "target_level": 95.0},
    )


@pytest.fixture
def keeper() -> ChargerKeeper:
    return ChargerKeeper(ChargerBook(), SiteRegistry([SITE]), lambda: NOW)


def test_a_dock_mission_takes_the_nearest_free_charger_or_waits_until_about_when(
    keeper: ChargerKeeper,
) -> None:
    first, second, third = _dock_mission(1), _dock_mission(2), _dock_mission(3, dock="dock-E")
    assert keeper.take(first, _robot("dog-01", battery=35.0), "A") is None
    assert first.definition["charger_dock"] == "dock-E"
    # 60 % to go at 60 % an hour.
    hold = keeper.book.held_by("dog-01")
    assert hold is not None and hold.until == NOW + timedelta(hours=1)
    assert keeper.take(second, _robot("dog-02"), "A") is None
    assert second.definition["charger_dock"] == "dock-C", "the nearest dock is full"
    waits = keeper.take(third, _robot("dog-03"), "A")
    # 09:00 UTC is 17:00 in Shanghai, the site's time zone.
    assert str(waits) == "waiting for a free charger at dock dock-E for robot dog-03 (about 17:00)"
    assert "charger_dock" not in third.definition


def test_the_charger_is_given_back_when_the_robot_leaves(keeper: ChargerKeeper) -> None:
    dock = _dock_mission(1)
    keeper.take(dock, _robot("dog-01"), "A")
    dock.status, dock.robot = MissionStatus.COMPLETED, "dog-01"
    keeper.on_mission(dock)
    hold = keeper.book.held_by("dog-01")
    assert hold is not None and hold.until is None, "charged, it stays on the dock"
    work = Mission(id=2, kind="patrol", site_id="square", robot="dog-01")
    work.status = MissionStatus.ASSIGNED
    keeper.on_mission(work)
    assert keeper.book.held_by("dog-01") is None
    for ending in (MissionStatus.CANCELLED, MissionStatus.FAILED, MissionStatus.QUEUED):
        again = _dock_mission(3)
        keeper.take(again, _robot("dog-01"), "A")
        again.status = ending
        keeper.on_mission(again)
        assert keeper.book.held_by("dog-01") is None, ending


def test_only_idle_low_robots_that_can_dock_charge_by_themselves() -> None:
    assert wants_charge(_robot("dog-01", battery=25.0), 30.0)
    assert not wants_charge(_robot("dog-01", battery=30.0), 30.0)
    assert not wants_charge(_robot("dog-01", battery=25.0), 0.0)
    assert not wants_charge(_robot("dog-01", battery=25.0, mission_id=4), 30.0)
    assert not wants_charge(_robot("dog-01", battery=25.0, charging=True), 30.0)
    assert not wants_charge(_robot("dog-01", battery=25.0, paused=True), 30.0)
    assert not wants_charge(_robot("dog-01", battery=25.0, online=False), 30.0)
    assert not wants_charge(_robot("dog-01", battery=25.0, actions=["announce"]), 30.0)


def test_a_paused_fleet_holds_all_work_a_recalled_one_all_but_its_docking() -> None:
    patrol = Mission(id=1, kind="patrol", site_id="square")
    recall = Mission(id=2, kind="dock", site_id="square", definition={RECALL: "op-li"})
    assert FleetHold().holds(patrol) is None
    paused = FleetHold(FleetMode.PAUSED, NOW, "op-li")
    assert str(paused.holds(patrol)) == "waiting for the fleet to be resumed: paused by op-li"
    assert paused.holds(recall) is not None
    recalled = FleetHold(FleetMode.RECALLED, NOW, "op-li")
    assert str(recalled.holds(patrol)) == "waiting for the fleet to be resumed: recalled by op-li"
    assert recalled.holds(recall) is None


def test_after_a_restart_a_mission_charging_in_a_leg_holds_its_charger_again(
    keeper: ChargerKeeper,
) -> None:
    leg = {"stage": "charging", "dock": "dock-C", "target": 80.0}
    charging = Mission(
        id=7,
        kind="patrol",
        site_id="square",
        status=MissionStatus.CHARGING,
        robot="dog-01",
        definition={"leg": leg},
    )
    keeper.restore(charging)
    hold = keeper.book.held_by("dog-01")
    assert hold is not None and hold.dock_id == "dock-C"
    # Its only charger is taken: another robot is not sent there.
    assert keeper.book.free("square", SITE.docks[1], "dog-02") == 0
    # A mission stopping for its leg (not yet on a charger) holds none.
    keeper.book.release("dog-01")
    keeper.restore(charging.model_copy(update={"definition": {"leg": leg | {"stage": "stopping"}}}))
    assert keeper.book.held_by("dog-01") is None
