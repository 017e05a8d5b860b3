"""Chargers as a resource: one robot per charger, the nearest dock with one free, or the wait."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fleet_protocol.site import Dock
from fleet_server.missions.chargers import ChargerBook
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.routing import RouteGraph
from fleet_server.sites.sites import load_site_file

SITE = load_site_file(DEFAULT_SITES_DIR / "longgang-demo.yaml")
GRAPH = RouteGraph(SITE)
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def _dock(dock_id: str) -> Dock:
    return next(d for d in SITE.docks if d.id == dock_id)


def test_a_dock_takes_as_many_robots_as_it_has_chargers() -> None:
    book = ChargerBook()
    street = _dock("dock-street")
    assert street.chargers == 2
    assert book.reserve("dog-01", SITE, street, NOW)
    assert book.reserve("dog-02", SITE, street, NOW)
    assert not book.reserve("dog-03", SITE, street, NOW)
    assert book.free(SITE.id, street) == 0
    # Holding again (a new charge target) is no second charger.
    assert book.reserve("dog-01", SITE, street, NOW, until=NOW + timedelta(hours=1))
    assert book.release("dog-02") is not None
    assert book.reserve("dog-03", SITE, street, NOW)
    assert sorted(book.holders(SITE.id, "dock-street")) == ["dog-01", "dog-03"]


def test_a_robot_holds_one_charger_at_a_time() -> None:
    book = ChargerBook()
    book.reserve("dog-01", SITE, _dock("dock-street"), NOW)
    book.reserve("dog-01", SITE, _dock("dock-hall"), NOW)
    hold = book.held_by("dog-01")
    assert hold is not None and hold.dock_id == "dock-hall"
    assert book.holders(SITE.id, "dock-street") == {}


def test_the_nearest_dock_with_a_free_charger_is_chosen_not_the_nearest_dock() -> None:
    book = ChargerBook()
    start = _dock("dock-street").node
    nearest = book.nearest(GRAPH, SITE, start, "dog-09")
    assert nearest is not None and nearest.dock.id == "dock-street" and nearest.free_now
    for serial in ("dog-01", "dog-02"):
        book.reserve(serial, SITE, _dock("dock-street"), NOW)
    elsewhere = book.nearest(GRAPH, SITE, start, "dog-09")
    assert elsewhere is not None and elsewhere.dock.id != "dock-street" and elsewhere.free_now
    assert elsewhere.distance_m > nearest.distance_m
    # A robot that holds a charger there is still sent to it.
    mine = book.nearest(GRAPH, SITE, start, "dog-01")
    assert mine is not None and mine.dock.id == "dock-street"


def test_when_every_dock_is_full_the_robot_learns_which_frees_first_and_when() -> None:
    book = ChargerBook()
    ends = {"dock-street": 90, "dock-hall": 30, "dock-forecourt": 60}
    number = 0
    for dock in SITE.docks:
        for _ in range(dock.chargers):
            number += 1
            until = NOW + timedelta(minutes=ends[dock.id])
            assert book.reserve(f"robot-{number}", SITE, dock, NOW, until=until)
    choice = book.nearest(GRAPH, SITE, _dock("dock-street").node, "dog-09")
    assert choice is not None and not choice.free_now
    assert choice.dock.id == "dock-hall" and choice.free_at == NOW + timedelta(minutes=30)
