"""The result of checking a hash-chained log (the field logbook, the audit log)."""

from __future__ import annotations

from pydantic import BaseModel


class ChainCheck(BaseModel):
    """The result of walking the chain: how many entries, and the first broken one if any."""

    ok: bool
    entries: int
    first_broken: int | None = None
    problem: str | None = None
