"""The field logbook: an append-only, hash-chained record an auditor lists by place and time.

Each entry's hash covers its content and the previous entry's hash, so changing, removing or
reordering any row breaks the chain from there on; `verify` names the first broken entry.

An entry's summary is English; one written from a `Text` also keeps the sentence's code and
parameters in its details (SUMMARY_KEY), for the console to word it in the reader's language.
Entries written before that have the English alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.audit.hash_chain import GENESIS, chain_hash, verify_chain
from fleet_server.audit.models.chain import ChainCheck
from fleet_server.db import session_scope
from fleet_server.incidents.models.logbook import EntryKind, LogbookEntry
from fleet_server.texts import Text

# The details key of a summary's code and parameters: {"code": ..., "params": {...}}.
SUMMARY_KEY = "summary_text"


def entry_content(entry: LogbookEntry) -> dict[str, Any]:
    """What an entry's hash covers, besides its predecessor's hash."""
    return {
        "time": entry.time.isoformat(),
        "kind": entry.kind.value,
        "site": entry.site_id,
        # Floats as the database gives them back (an int 300 is read back as 300.0).
        "x": None if entry.x is None else float(entry.x),
        "y": None if entry.y is None else float(entry.y),
        "node": entry.node,
        "robot": entry.robot,
        "mission_id": entry.mission_id,
        "incident_id": entry.incident_id,
        "actor": entry.actor,
        "summary": entry.summary,
        "details": entry.details,
    }


def entry_hash(entry: LogbookEntry) -> str:
    """The SHA-256 of an entry's content and its predecessor's hash (canonical JSON)."""
    return chain_hash(entry_content(entry), entry.prev_hash)


@dataclass(frozen=True)
class Place:
    """A circle on a site: entries within `radius_m` of (x, y)."""

    x: float
    y: float
    radius_m: float

    def holds(self, entry: LogbookEntry) -> bool:
        """Whether the entry was made inside the circle."""
        if entry.x is None or entry.y is None:
            return False
        return math.hypot(entry.x - self.x, entry.y - self.y) <= self.radius_m


class Logbook:
    """Appends entries in a chain and lists or verifies them; nothing here updates or deletes."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        with Session(engine) as session:
            last = session.exec(
                select(LogbookEntry).order_by(col(LogbookEntry.id).desc()).limit(1)
            ).first()
        self._last_hash = last.hash if last is not None else GENESIS

    def append(
        self,
        kind: EntryKind,
        *,
        site_id: str,
        actor: str,
        summary: str | Text,
        details: dict[str, Any] | None = None,
        x: float | None = None,
        y: float | None = None,
        node: str | None = None,
        robot: str | None = None,
        mission_id: int | None = None,
        incident_id: int | None = None,
    ) -> LogbookEntry:
        """Write one entry at the end of the chain; a summary given as a Text keeps its code and
        parameters in the details."""
        details = dict(details or {})
        if isinstance(summary, Text):
            details[SUMMARY_KEY] = {"code": summary.code, "params": summary.wire_params()}
            summary = summary.message
        now = self.clock()
        entry = LogbookEntry(
            # Whole milliseconds: every database keeps them exactly, so the hash re-checks.
            time=now.replace(microsecond=now.microsecond // 1000 * 1000),
            kind=kind,
            site_id=site_id,
            x=x,
            y=y,
            node=node,
            robot=robot,
            mission_id=mission_id,
            incident_id=incident_id,
            actor=actor,
            summary=summary,
            details=details,
            prev_hash=self._last_hash,
            hash="",
        )
        entry.hash = entry_hash(entry)
        with session_scope(self.engine) as session:
            session.add(entry)
        self._last_hash = entry.hash
        return entry

    def find(
        self,
        *,
        site_id: str | None = None,
        kind: EntryKind | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        place: Place | None = None,
        incident_id: int | None = None,
        limit: int = 200,
    ) -> list[LogbookEntry]:
        """Entries oldest first, filtered by site, kind, time window, place and incident."""
        query = select(LogbookEntry).order_by(col(LogbookEntry.id))
        if site_id is not None:
            query = query.where(LogbookEntry.site_id == site_id)
        if kind is not None:
            query = query.where(LogbookEntry.kind == kind)
        if since is not None:
            query = query.where(col(LogbookEntry.time) >= since)
        if until is not None:
            query = query.where(col(LogbookEntry.time) < until)
        if incident_id is not None:
            query = query.where(LogbookEntry.incident_id == incident_id)
        if place is None:
            query = query.limit(limit)
        else:
            # A bounding box in SQL, the exact circle here.
            query = query.where(
                col(LogbookEntry.x).between(place.x - place.radius_m, place.x + place.radius_m),
                col(LogbookEntry.y).between(place.y - place.radius_m, place.y + place.radius_m),
            )
        with Session(self.engine) as session:
            rows = list(session.exec(query))
        found = [e for e in rows if place is None or place.holds(e)]
        return found[:limit]

    def latest(self, kind: EntryKind) -> LogbookEntry | None:
        """The newest entry of a kind, if any."""
        query = (
            select(LogbookEntry)
            .where(LogbookEntry.kind == kind)
            .order_by(col(LogbookEntry.id).desc())
            .limit(1)
        )
        with Session(self.engine) as session:
            entry: LogbookEntry | None = session.exec(query).first()
        return entry

    def verify(self) -> ChainCheck:
        """Walk the whole chain; the first entry whose hash or link does not hold is named."""
        return verify_chain(self.engine, LogbookEntry, entry_content)
