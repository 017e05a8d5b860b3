"""The audit log of programme records: each change appended, in the change's own transaction.

Entries are hash-chained (see hash_chain): altering, removing or reordering any row is found by
`verify`, which names the first broken entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.audit.hash_chain import GENESIS, chain_hash, verify_chain
from fleet_server.audit.models.audit import AuditEntry
from fleet_server.audit.models.chain import ChainCheck


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers, besides its predecessor's hash."""
    return {
        "time": entry.time.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }


class AuditLog:
    """Appends entries inside a caller's transaction, and lists or verifies them."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def append(
        self,
        session: Session,
        *,
        actor: str,
        action: str,
        entity: str,
        entity_id: int | str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> AuditEntry:
        """Add an entry at the end of the chain in the session's transaction, so the change and
        its entry commit or roll back together."""
        last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
        # In UTC and whole milliseconds: every database gives that back exactly, so the hash
        # re-checks whatever zone the clock was in.
        now = self.clock().astimezone(timezone.utc)
        entry = AuditEntry(
            time=now.replace(microsecond=now.microsecond // 1000 * 1000),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            prev_hash=last.hash if last is not None else GENESIS,
            hash="",
        )
        entry.hash = chain_hash(entry_content(entry), entry.prev_hash)
        session.add(entry)
        session.flush()
        return entry

    def find(
        self,
        *,
        entity: str | None = None,
        entity_id: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[AuditEntry]:
        """Entries newest first, filtered by entity (and its id), actor and time."""
        query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        if since is not None:
            query = query.where(col(AuditEntry.time) >= since)
        with Session(self.engine) as session:
            return list(session.exec(query))

    def verify(self) -> ChainCheck:
        """Walk the whole chain; the first entry whose hash or link does not hold is named."""
        return verify_chain(self.engine, AuditEntry, entry_content)
