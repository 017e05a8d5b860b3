"""Header ids of the messages the server sends, rising per robot and topic across restarts."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from fleet_server.db import session_scope
from fleet_server.fleet.models.header import HeaderCounter

# Ids reserved in the database at a time: one write per this many messages to a robot's topic.
BLOCK = 1000


class HeaderIds:
    """The next headerId per (serial number, subtopic). Blocks of ids are reserved in the
    database before they are used, so a restarted server starts past every id it sent before
    (spec 6.4: a vehicle may take a lower headerId for an old message)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with Session(engine) as session:
            rows = session.exec(select(HeaderCounter)).all()
        # Where the last run's reservations ended: nothing at or past them was sent.
        self._limit = {(row.serial_number, row.subtopic): row.reserved for row in rows}
        self._next = dict(self._limit)

    def next(self, serial_number: str, subtopic: str) -> int:
        """The id for the next message on the robot's topic."""
        key = (serial_number, subtopic)
        header_id = self._next.get(key, 0)
        if header_id >= self._limit.get(key, 0):
            self._reserve(key, header_id + BLOCK)
        self._next[key] = header_id + 1
        return header_id

    def _reserve(self, key: tuple[str, str], until: int) -> None:
        serial_number, subtopic = key
        with session_scope(self.engine) as session:
            changed = session.execute(
                update(HeaderCounter)
                .where(
                    col(HeaderCounter.serial_number) == serial_number,
                    col(HeaderCounter.subtopic) == subtopic,
                )
                .values(reserved=until)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                session.add(
                    HeaderCounter(serial_number=serial_number, subtopic=subtopic, reserved=until)
                )
        self._limit[key] = until
