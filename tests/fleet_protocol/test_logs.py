"""JSON log lines: one valid object a line, whatever the message holds, naming the robot,
mission and request from the context or from `extra`."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from fleet_protocol.logs import JsonFormatter, LogContext


@pytest.fixture
def lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines into a string, as the server's stderr handler does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json-lines")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    text = stream.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_a_record_has_its_time_in_utc_level_logger_and_message(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines
    before = datetime.now().astimezone()
    logger.warning("battery at %d %%", 12)
    (record,) = _records(stream)
    assert record["level"] == "WARNING"
    assert record["logger"] == "tests.json-lines"
    assert record["message"] == "battery at 12 %"
    assert isinstance(record["time"], str) and record["time"].endswith("Z")
    when = datetime.fromisoformat(record["time"].replace("Z", "+00:00"))
    assert when.utcoffset() == timedelta(0)
    assert abs(when - before) < timedelta(seconds=5)
    assert not {"robot", "mission", "request", "exception"} & record.keys()


def test_unicode_quotes_and_newlines_stay_inside_one_line(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines
    message = '请占道经营的摊贩离开 "now"\n\tsecond line \\ 🐕 \x00 end'
    logger.info(message)
    text = stream.getvalue()
    assert text.count("\n") == 1
    assert text.isascii()  # valid JSON whatever the encoding of the stream it goes to
    (record,) = _records(stream)
    assert record["message"] == message


def test_an_exception_is_written_with_its_traceback(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines
    try:
        {"robots": 1}["dog-07 路口"]
    except KeyError:
        logger.exception("looking up a robot failed")
    (record,) = _records(stream)
    assert record["level"] == "ERROR"
    assert record["message"] == "looking up a robot failed"
    exception = record["exception"]
    assert isinstance(exception, str)
    assert exception.startswith("Traceback (most recent call last):")
    assert exception.endswith("KeyError: 'dog-07 路口'")


def test_context_names_robot_mission_and_request_and_extra_wins(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines
    with LogContext(request="req-1"), LogContext(robot="dog-01", mission=7):
        logger.info("inside")
        logger.info("about another robot", extra={"robot": "dog-02", "mission": 8})
        with LogContext(robot="dog-03"):
            logger.info("nested")
        logger.info("back")
    logger.info("outside")
    inside, other, nested, back, outside = _records(stream)
    assert (inside["robot"], inside["mission"], inside["request"]) == ("dog-01", 7, "req-1")
    assert (other["robot"], other["mission"], other["request"]) == ("dog-02", 8, "req-1")
    assert (nested["robot"], nested["mission"]) == ("dog-03", 7)
    assert back["robot"] == "dog-01"
    assert not {"robot", "mission", "request"} & outside.keys()


async def test_each_task_keeps_its_own_robot(lines: tuple[logging.Logger, io.StringIO]) -> None:
    """As in a simulator holding many agents in one process."""
    logger, stream = lines

    async def robot(serial: str) -> None:
        with LogContext(robot=serial):
            for step in range(3):
                await asyncio.sleep(0)
                logger.info("step %d of %s", step, serial)

    await asyncio.gather(robot("dog-01"), robot("dog-02"))
    records = _records(stream)
    assert len(records) == 6
    for record in records:
        assert isinstance(record["message"], str)
        assert record["message"].endswith(f"of {record['robot']}")


def test_json_logging_on_stderr_takes_in_python_warnings_and_nothing_goes_to_stdout() -> None:
    code = (
        "import logging, warnings\n"
        "from fleet_protocol.logs import configure_logging\n"
        "configure_logging('INFO', 'json')\n"
        "logging.getLogger('fleet').debug('not at info')\n"
        "logging.getLogger('fleet').info('started')\n"
        "warnings.warn('a library is old')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    started, warned = (json.loads(line) for line in done.stderr.splitlines())
    assert (started["logger"], started["message"]) == ("fleet", "started")
    assert warned["logger"] == "py.warnings" and warned["level"] == "WARNING"
    assert "UserWarning: a library is old" in warned["message"]
