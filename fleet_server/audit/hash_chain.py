"""Hash chains: canonical-JSON SHA-256 of each entry with its predecessor's hash, and verification.

Each entry's hash covers its content and the previous entry's hash, so changing, removing or
reordering any row breaks the chain from there on. The field logbook and the audit log share this.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from fleet_server.audit.models.chain import ChainCheck
from fleet_server.audit.texts import ENTRY_ALTERED, ENTRY_OUT_OF_ORDER
from fleet_server.texts import Phrase

GENESIS = "0" * 64
VERIFY_BATCH = 1000


class ChainedRow(Protocol):
    """A row of a hash-chained table."""

    id: int | None
    prev_hash: str
    hash: str


RowT = TypeVar("RowT", bound=SQLModel)


def canonical_json(content: Mapping[str, Any]) -> str:
    """The one text a content hashes as: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(content: Mapping[str, Any], prev_hash: str) -> str:
    """The SHA-256 of an entry's content together with its predecessor's hash."""
    text = canonical_json({**content, "prev_hash": prev_hash})
    return hashlib.sha256(text.encode()).hexdigest()


def verify_chain(
    engine: Engine,
    table: type[RowT],
    content: Callable[[RowT], Mapping[str, Any]],
    batch: int = VERIFY_BATCH,
) -> ChainCheck:
    """Walk a table's chain in id order, in batches; the first entry whose hash or link does
    not hold is named."""
    id_column = col(table.id)  # type: ignore[attr-defined]
    previous = GENESIS
    count = 0
    after = 0
    with Session(engine) as session:
        while True:
            query = select(table).where(id_column > after).order_by(id_column).limit(batch)
            rows = list(session.exec(query))
            if not rows:
                return ChainCheck(ok=True, entries=count)
            for row in rows:
                entry: ChainedRow = row
                assert entry.id is not None
                if entry.prev_hash != previous:
                    return _broken(count, entry.id, ENTRY_OUT_OF_ORDER)
                if chain_hash(content(row), entry.prev_hash) != entry.hash:
                    return _broken(count, entry.id, ENTRY_ALTERED)
                previous = entry.hash
                count += 1
                after = entry.id


def _broken(count: int, entry_id: int, why: Phrase) -> ChainCheck:
    problem = why.of(entry=entry_id)
    return ChainCheck(
        ok=False,
        entries=count,
        first_broken=entry_id,
        problem=problem.message,
        problem_code=problem.code,
        problem_params=problem.wire_params(),
    )
