"""Whether a mission fits a robot's charge: the way to a free charger after the work counts, and
work longer than a full charge is started in legs by a robot with the charge for a first leg."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.robot_choice import RobotChooser
from fleet_server.settings import DEFAULT_SITES_DIR, DEFAULT_TEMPLATES_DIR
from fleet_server.sites.sites import SiteRegistry

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
STREET = ["street-sw", "street-s1", "street-s2", "street-s3"]


@pytest.fixture(scope="module")
def sites() -> SiteRegistry:
    return SiteRegistry.from_directory(DEFAULT_SITES_DIR)


def _patrol(mission_id: int, rounds: int) -> Mission:
    return Mission(
        id=mission_id,
        kind="patrol",
        site_id="longgang-demo",
        route=STREET,
        rounds=rounds,
        definition={"pattern": "out_and_back", "checkpoints": []},
    )


def _dog(serial: str, battery: float) -> Robot:
    return Robot(
        serial_number=serial,
        manufacturer="sim",
        online=True,
        battery=battery,
        x=150.0,
        y=-40.0,
        map_id="longgang-demo",
    )


def test_the_way_after_the_work_is_to_a_dock_with_a_charger_free(sites: SiteRegistry) -> None:
    book = ChargerBook()
    chooser = RobotChooser(sites, BatteryModel(6.0, 10.0), chargers=book)
    free = chooser.length(_patrol(1, 1), sites.get("longgang-demo"))
    site = sites.get("longgang-demo")
    street = next(d for d in site.docks if d.id == "dock-street")
    for serial in ("dog-08", "dog-09"):
        book.reserve(serial, site, street, NOW)
    full = chooser.length(_patrol(2, 1), site)
    # The street dock is 190 m from the patrol's end; with both its chargers taken, the next
    # free one is the hall's, hundreds of metres further.
    assert full - free > 300.0


def test_work_longer_than_a_full_charge_starts_in_legs(sites: SiteRegistry) -> None:
    chooser = RobotChooser(sites, BatteryModel(6.0, 10.0), chargers=ChargerBook())
    # 30 rounds of about 900 m: 27 km, far more than a full charge.
    long_patrol = _patrol(3, 30)
    choice, _ = chooser.choose(long_patrol, [_dog("dog-01", 40.0)])
    assert choice is not None and choice.serial_number == "dog-01"
    # Too little charge even for a first leg: it waits and says so.
    choice, why = chooser.choose(_patrol(4, 30), [_dog("dog-01", 12.0)])
    assert choice is None and "enough charge" in str(why)
    # Work that fits a full charge waits for a robot with the charge for all of it.
    choice, why = chooser.choose(_patrol(5, 3), [_dog("dog-01", 20.0)])
    assert choice is None and "enough charge" in str(why)


def test_the_forecourt_scrub_no_charge_covers_now_goes_to_a_sweeper(sites: SiteRegistry) -> None:
    template = yaml.safe_load((DEFAULT_TEMPLATES_DIR / "clean-uc-forecourt.yaml").read_text())
    request = template["mission"]
    forecourt = Mission(
        id=6,
        kind="clean",
        site_id=request["site"],
        definition={k: request[k] for k in ("zone", "width", "mode")},
    )
    chooser = RobotChooser(sites, BatteryModel(6.0, 10.0), chargers=ChargerBook())
    # About 44 km of lanes: some 270 % of a battery at 6 % a km.
    assert chooser.battery.needed(chooser.length(forecourt, sites.get("longgang-demo"))) > 200
    sweeper = _dog("sweeper-01", 60.0)
    sweeper.actions = ["clean", "dock", "charge"]
    choice, why = chooser.choose(forecourt, [sweeper])
    assert choice is not None, why
