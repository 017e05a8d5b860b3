"""The result of checking a hash-chained log (the field logbook, the audit log)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ChainCheck(BaseModel):
    """The result of walking the chain: how many entries, and the first broken one if any."""

    ok: bool
    entries: int
    first_broken: int | None = None
    # In English, and as the console's code and parameters.
    problem: str | None = None
    problem_code: str | None = None
    problem_params: dict[str, Any] | None = None
