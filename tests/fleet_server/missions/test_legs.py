"""Planning legs of work longer than one charge: where a leg ends, how much to charge, whether a
robot may start, and when another robot takes the rest over."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml

from fleet_protocol.site import Site
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.legs import (
    CHARGE_MARGIN_PERCENT,
    LegRules,
    best_handover,
    charge_minutes,
    charge_target,
    charger_distances,
    clock_time,
    leg_end,
    plan_to_charger,
    starts_in_legs,
)
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.routing import RouteGraph

# 10 % a km, a reserve of 10 %: every 100 m costs one percent.
BATTERY = BatteryModel(percent_per_km=10.0, reserve_percent=10.0)
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo() -> Site:
    text = (DEFAULT_SITES_DIR / "longgang-demo.yaml").read_text()
    return Site.model_validate(yaml.safe_load(text))


def test_a_plan_the_charge_covers_has_no_leg_end() -> None:
    steps = [0.0, 100.0, 100.0, 100.0]
    assert leg_end(steps, [50.0] * 4, charge=60.0, battery=BATTERY, floor=20.0) is None


def test_the_leg_ends_at_the_last_node_reached_above_the_floor() -> None:
    # 100 m a step: 1 % each. From 25 % with a floor of 20 %, node 5 is reached at 20 %.
    steps = [0.0] + [100.0] * 9
    assert leg_end(steps, [0.0] * 10, charge=25.0, battery=BATTERY, floor=20.0) == 5


def test_the_leg_ends_earlier_where_the_way_to_a_charger_would_eat_the_reserve() -> None:
    # Past node 2 the nearest charger is 1.8 km away (18 % and the reserve: 28 %), more than
    # the 27 % the robot would have left there.
    steps = [0.0] + [100.0] * 9
    to_charger = [0.0] * 3 + [1800.0] * 7
    assert leg_end(steps, to_charger, charge=30.0, battery=BATTERY, floor=20.0) == 2


def test_a_robot_below_the_floor_charges_before_it_starts() -> None:
    assert leg_end([0.0, 100.0], [0.0, 0.0], charge=19.0, battery=BATTERY, floor=20.0) == 0


def test_the_charge_covers_the_rest_and_the_way_back_at_the_floor_plus_a_margin() -> None:
    # 1.2 km back and rest (12 %) from the floor of 20 %.
    assert charge_target(BATTERY, 1200.0, 100.0, 20.0) == 20 + 12 + CHARGE_MARGIN_PERCENT
    # The way to a charger after the work may need more than the floor leaves: reserve + 1 km.
    assert charge_target(BATTERY, 1200.0, 1000.0, 20.0) == 10 + 22 + CHARGE_MARGIN_PERCENT


def test_a_rest_longer_than_a_full_charge_charges_full() -> None:
    assert charge_target(BATTERY, 20_000.0, 500.0, 20.0) == 100.0


def test_only_work_longer_than_a_full_charge_starts_in_legs() -> None:
    # 5 km fits a full charge (60 %): the robot must have the charge for it all.
    assert not starts_in_legs(BATTERY, 30.0, 200.0, 5_000.0)
    # 20 km does not: a robot with the charge to get there, work a while and come back starts.
    assert starts_in_legs(BATTERY, 30.0, 200.0, 20_000.0)
    # One that would spend it all on the way there does not.
    assert not starts_in_legs(BATTERY, 30.0, 1_000.0, 20_000.0)


def test_charging_time_and_the_clock_time_in_the_site_timezone() -> None:
    rules = LegRules(charge_percent_per_min=1.0)
    assert charge_minutes(20.0, 65.0, rules) == 45.0
    assert charge_minutes(70.0, 65.0, rules) == 0.0
    assert clock_time(NOW + timedelta(minutes=45), "Asia/Shanghai") == "16:45"


def test_the_way_to_a_charger_is_to_a_dock_with_one_free(demo: Site) -> None:
    graph = RouteGraph(demo)
    book = ChargerBook()
    free = charger_distances(graph, demo, book, "dog-01")
    near_street = free["street-s1"]
    assert near_street == pytest.approx(40.0)
    street = next(d for d in demo.docks if d.id == "dock-street")
    for serial in ("dog-02", "dog-03"):
        assert book.reserve(serial, demo, street, NOW)
    taken = charger_distances(graph, demo, book, "dog-01")
    assert taken["street-s1"] > near_street
    # The robot's own hold counts as free for it.
    assert charger_distances(graph, demo, book, "dog-02")["street-s1"] == near_street
    # A lane end goes through the site node nearest to it.
    away = plan_to_charger(demo, {"lane-0": (150.0, 10.0)}, ["lane-0", "street-s1"], free)
    assert away == [pytest.approx(50.0), pytest.approx(40.0)]


def test_the_rest_goes_to_the_robot_that_finishes_soonest_if_it_gains_enough() -> None:
    charging = NOW + timedelta(minutes=50)
    offers = [("dog-03", NOW + timedelta(minutes=30)), ("dog-02", NOW + timedelta(minutes=20))]
    handover = best_handover(charging, offers)
    assert handover is not None
    assert handover.serial_number == "dog-02" and handover.gain == timedelta(minutes=30)
    # Half a minute sooner is not worth a second robot.
    assert best_handover(charging, [("dog-02", charging - timedelta(seconds=30))]) is None
    assert best_handover(charging, []) is None
