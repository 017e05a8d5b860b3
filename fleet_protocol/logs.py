"""Log lines an operator can ship: readable text, or one JSON object a line naming the robot,
mission and HTTP request a record concerns (set around the code that handles them)."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar, Token
from datetime import datetime, timezone
from typing import Any, Literal, get_args

LogFormat = Literal["text", "json"]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]
LOG_FORMATS: tuple[str, ...] = get_args(LogFormat)
LOG_LEVELS: tuple[str, ...] = get_args(LogLevel)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# What the code running now handles. asyncio copies them into every task it starts (and
# asyncio.to_thread into its thread), so a robot agent's tasks all carry its serial number.
ROBOT: ContextVar[str | None] = ContextVar("robot", default=None)
MISSION: ContextVar[int | None] = ContextVar("mission", default=None)
REQUEST: ContextVar[str | None] = ContextVar("request", default=None)
# The JSON keys, each read from the record (`extra={"robot": ...}`) or else from its variable.
CONTEXT: dict[str, ContextVar[str | None] | ContextVar[int | None]] = {
    "robot": ROBOT,
    "mission": MISSION,
    "request": REQUEST,
}


class LogContext:
    """Names the robot, mission or request (those given) in every record logged inside it; a
    plain class, not a generator, since the MQTT ingest enters one for every message."""

    __slots__ = ("_tokens", "_values")

    def __init__(
        self, *, robot: str | None = None, mission: int | None = None, request: str | None = None
    ) -> None:
        self._values = (robot, mission, request)
        self._tokens: list[Token[Any]] = []

    def __enter__(self) -> None:
        robot, mission, request = self._values
        if robot is not None:
            self._tokens.append(ROBOT.set(robot))
        if mission is not None:
            self._tokens.append(MISSION.set(mission))
        if request is not None:
            self._tokens.append(REQUEST.set(request))

    def __exit__(self, *_: object) -> None:
        while self._tokens:
            token = self._tokens.pop()
            token.var.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, exception and
    stack when there are any, and robot, mission and request where there is one.

    ASCII only (other characters as \\u escapes), so that every line is valid JSON whatever the
    encoding of the stream or journal it goes to; a newline in a message stays inside its line.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, object] = {
            "time": _utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in CONTEXT.items():
            value = getattr(record, key, None)
            if value is None:
                value = var.get()
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _utc_time(created: float) -> str:
    moment = datetime.fromtimestamp(created, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def log_formatter(log_format: LogFormat) -> logging.Formatter:
    """The formatter of the log format."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Log to stderr at `level` in the format; left as it is where logging is set up already."""
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(log_format))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    if log_format == "json":
        # Python's warnings too, which would otherwise be a plain text line among the JSON.
        logging.captureWarnings(True)
