"""How `fleet serve` and `fleet demo` log: text or JSON lines on stderr, uvicorn's own included."""

from __future__ import annotations

import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from fleet_protocol.logs import LogFormat, configure_logging


def start_logging(level: str, log_format: LogFormat) -> None:
    """Log at `level` in the format; Alembic's set-up steps only at debug."""
    configure_logging(level, log_format)
    if level.lower() != "debug":
        # Alembic tells each step of its set-up at INFO; ours logs the outcome.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def uvicorn_log_config(log_format: LogFormat) -> dict[str, Any] | None:
    """uvicorn's logging set-up: its own readable lines for text; for JSON none, so that its
    records (start, access lines, errors) go through the root logger's JSON lines on stderr."""
    return LOGGING_CONFIG if log_format == "text" else None
