"""A long patrol in the service hall that the console tests watch while it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.console.browser import ConsoleFleet

HALL_LOOP = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]


@contextmanager
def long_patrol(fleet: ConsoleFleet) -> Iterator[dict[str, Any]]:
    """A patrol of 20 rounds in the service hall (charge enough for it: about 3 km), running
    when given, cancelled at the end if still going."""
    created = fleet.system.api.post(
        "/missions",
        json={"kind": "patrol", "site": "longgang-demo", "route": HALL_LOOP, "rounds": 20},
    )
    assert created.status_code == 201, created.text
    mission = created.json()
    try:
        fleet.system.wait_mission(mission["id"], "running")
        yield mission
    finally:
        if fleet.system.mission(mission["id"])["status"] in ("queued", "running", "paused"):
            fleet.system.api.post(f"/missions/{mission['id']}/cancel")
            fleet.system.wait_mission(mission["id"], "cancelled")
