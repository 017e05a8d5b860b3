"""The field logbook: append-only, listed by place and time, and any altered row is named."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from fleet_server.incidents.logbook import SUMMARY_KEY, Logbook, Place
from fleet_server.incidents.logbook_texts import (
    CHECKPOINT_VISITED,
    INCIDENT_ESCALATED,
    action_outcome,
)
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.texts import Phrase
from tests.clock import ManualClock
from tests.databases import engine_at_head

# A reason another part of the server gives as a sentence of its own.
NO_ROBOT = Phrase("test.no_robot", "no online {kind} robot on site {site}")
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


def test_a_summary_keeps_its_code_and_parameters_and_old_entries_still_verify(
    database_url: str,
) -> None:
    # Entries written before summaries had codes: English alone.
    book, clock = _filled(database_url)
    escalated = INCIDENT_ESCALATED.of(reason=NO_ROBOT.of(kind="patrol_dog", site="longgang-demo"))
    clock.now = T0 + timedelta(minutes=10)
    book.append(EntryKind.INCIDENT, site_id="longgang-demo", actor="fleet", summary=escalated)
    visited = CHECKPOINT_VISITED.of(
        kind="patrol",
        mission=7,
        node="gate",
        outcomes=[
            action_outcome({"type": "announce", "status": "FINISHED"}),
            action_outcome({"type": "capturePhoto", "status": "FAILED"}),
        ],
    )
    book.append(
        EntryKind.CHECKPOINT,
        site_id="longgang-demo",
        actor="dog-01",
        summary=visited,
        details={"round": 1},
    )
    # Read back as a restarted server would, and the whole chain re-checked.
    again = Logbook(book.engine, clock)
    old, *_, reason, visit = again.find()
    assert old.summary == "entry 0: 请勿占道经营" and SUMMARY_KEY not in old.details
    assert reason.summary == "escalated: no online patrol_dog robot on site longgang-demo"
    assert reason.details[SUMMARY_KEY] == {
        "code": "logbook.incident_escalated",
        "params": {
            "reason": {
                "code": "test.no_robot",
                "params": {"kind": "patrol_dog", "site": "longgang-demo"},
                "message": "no online patrol_dog robot on site longgang-demo",
            }
        },
    }
    assert visit.summary == "patrol mission 7 at gate: announce finished, capturePhoto failed"
    assert visit.details["round"] == 1
    assert visit.details[SUMMARY_KEY]["params"]["outcomes"] == [
        {
            "code": "logbook.action_finished",
            "params": {"action_type": "announce"},
            "message": "announce finished",
        },
        {
            "code": "logbook.action_failed",
            "params": {"action_type": "capturePhoto"},
            "message": "capturePhoto failed",
        },
    ]
    check = again.verify()
    assert check.ok and check.entries == 6


def test_a_broken_chain_says_what_is_wrong_as_a_code_too(database_url: str) -> None:
    book, _ = _filled(database_url)
    with book.engine.begin() as connection:
        connection.execute(text("UPDATE logbookentry SET actor = 'nobody' WHERE id = 3"))
    check = book.verify()
    assert (check.problem_code, check.problem_params) == ("audit.entry_altered", {"entry": 3})
