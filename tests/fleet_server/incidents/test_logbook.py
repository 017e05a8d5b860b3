"""The field logbook: append-only, listed by place and time, and any altered row is named."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from fleet_server.incidents.logbook import Logbook, Place
from fleet_server.incidents.models.logbook import EntryKind
from tests.clock import ManualClock
from tests.databases import engine_at_head

T0 = datetime(2026, 11, 22, 9, 30, 0, 123000, tzinfo=timezone.utc)


def _filled(database_url: str) -> tuple[Logbook, ManualClock]:
    clock = ManualClock(T0)
    book = Logbook(engine_at_head(database_url), clock)
    for minute, (x, y, kind) in enumerate(
        [
            (300, 0, EntryKind.INCIDENT),
            (304, 3, EntryKind.ANNOUNCEMENT),
            (600, 400, EntryKind.CHECKPOINT),
            (301, 1, EntryKind.INCIDENT),
        ]
    ):
        clock.now = T0 + timedelta(minutes=minute)
        book.append(
            kind,
            site_id="longgang-demo",
            x=x,
            y=y,
            actor="dog-01",
            summary=f"entry {minute}: 请勿占道经营",
            details={"n": minute, "text": "请勿占道经营", "ratio": 0.1},
        )
    return book, clock


def test_entries_are_listed_by_place_time_and_kind(database_url: str) -> None:
    book, _ = _filled(database_url)
    near_metro = book.find(place=Place(300, 0, 10))
    assert [e.details["n"] for e in near_metro] == [0, 1, 3]
    window = book.find(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
    assert [e.details["n"] for e in window] == [1, 2]
    assert [e.details["n"] for e in book.find(kind=EntryKind.INCIDENT)] == [0, 3]
    assert book.find(site_id="elsewhere") == []


def test_the_chain_verifies_and_survives_a_restart(database_url: str) -> None:
    book, clock = _filled(database_url)
    assert book.verify().ok and book.verify().entries == 4
    # A new Logbook on the same database (a server restart) continues the same chain.
    again = Logbook(book.engine, clock)
    again.append(EntryKind.INCIDENT, site_id="longgang-demo", actor="op", summary="after restart")
    check = again.verify()
    assert check.ok and check.entries == 5


def test_an_altered_row_is_named(database_url: str) -> None:
    book, _ = _filled(database_url)
    with book.engine.begin() as connection:
        connection.execute(
            text("UPDATE logbookentry SET summary = 'nothing happened' WHERE id = 2")
        )
    check = book.verify()
    assert not check.ok and check.first_broken == 2
    assert check.problem == "entry 2 its content does not match its hash"


def test_a_removed_row_is_named(database_url: str) -> None:
    book, _ = _filled(database_url)
    with book.engine.begin() as connection:
        connection.execute(text("DELETE FROM logbookentry WHERE id = 3"))
    check = book.verify()
    assert check.first_broken == 4 and check.entries == 2
    assert "does not follow" in (check.problem or "")
