"""Shared fixtures: a real Mosquitto broker per test module, and the VDA 5050 schema checker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.broker import MosquittoBroker
from tests.wire import WireRecorder


@pytest.fixture(scope="module")
def broker() -> Iterator[MosquittoBroker]:
    """A real mosquitto on a free port for the tests of one module."""
    instance = MosquittoBroker()
    instance.start()
    yield instance
    instance.cleanup()


@pytest.fixture
def wire(broker: MosquittoBroker) -> Iterator[WireRecorder]:
    """Everything on the module's broker during one test; checked against the VDA 5050 schemas.

    When the test ends, every recorded VDA 5050 message must validate and carry its subtopic's
    QoS and retain flag (see tests/wire.py for deliberate bad input and how to opt out).
    """
    recorder = WireRecorder(broker.host, broker.port)
    recorder.start()
    try:
        yield recorder
        if recorder.check_on_teardown:
            recorder.assert_all_valid()
    finally:
        recorder.stop()
