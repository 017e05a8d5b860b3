"""Shared fixtures: a real Mosquitto broker per test module, and the VDA 5050 schema checker."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.broker import MosquittoBroker
from tests.wire import WireRecorder

# Worker processes for `-n auto` (pyproject's addopts). Most tests wait on brokers, simulated
# robots and timers rather than compute: on two cores four workers ran the suite in a third of
# the one-process time, while five or six only added contention.
WORKERS = 4


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for `-n auto`; none for a run of one test file, which one worker would get whole.

    PYTEST_XDIST_AUTO_NUM_WORKERS sets the number, as it does for xdist's own `-n auto`.
    """
    configured = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if configured:
        return int(configured)
    files = {arg.split("::")[0] for arg in config.args}
    if len(files) == 1 and (config.invocation_params.dir / files.pop()).is_file():
        return 0
    return WORKERS


# The test files that take minutes (simulated hours of work), longest first. The workers take
# whole files in collection order (`--no-loadscope-reorder` in pyproject's addopts): started
# first, these run beside the many short files instead of trailing after them.
LONG_RUNNING = (
    "tests/fleet_server/missions/test_charging.py",
    "tests/console/test_console_chinese.py",
    "tests/fleet_server/missions/test_kinds.py",
    "tests/fleet_server/fleet/test_energy_end_to_end.py",
    "tests/fleet_server/missions/test_forecourt.py",
    "tests/test_end_to_end.py",
    "tests/fleet_server/fleet/test_activity_api.py",
    "tests/fleet_server/missions/test_charging_lost.py",
    "tests/fleet_server/missions/test_reconcile.py",
    "tests/fleet_server/missions/test_failures.py",
    "tests/fleet_server/incidents/test_incidents.py",
    "tests/fleet_server/test_openapi_fuzz.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long-running files first (in LONG_RUNNING's order), the rest as collected."""
    root = config.rootpath
    rank = {name: index for index, name in enumerate(LONG_RUNNING)}

    def place(item: pytest.Item) -> int:
        try:
            name = item.path.relative_to(root).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(name, len(rank))

    items.sort(key=place)  # stable: each file's tests keep their order


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
