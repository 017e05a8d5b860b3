"""Shared fixtures: a real Mosquitto broker per test module, and the VDA 5050 schema checker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.broker import MosquittoBroker


@pytest.fixture(scope="module")
def broker() -> Iterator[MosquittoBroker]:
    """A real mosquitto on a free port for the tests of one module."""
    instance = MosquittoBroker()
    instance.start()
    yield instance
    instance.cleanup()
