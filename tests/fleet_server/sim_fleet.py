"""A simulated fleet running in a thread of the test process, so tests can reach its drivers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import DEFAULT_SITES_DIR
from simulation.energy import EnergyFigures
from simulation.fleet import Fleet, FleetConfig
from simulation.sim_driver import SimDriver
from simulation.site_file import load_site
from tests.waiting import wait_until


class ThreadedFleet:
    """fleet-sim's Fleet on its own event loop in a background thread."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fleet.start(), self.loop).result(timeout=30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fleet.stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    def on_driver(self, serial: str, change: Callable[[SimDriver], object]) -> None:
        """Run `change` on a robot's driver inside the fleet's loop (e.g. inject a failure)."""
        driver = self.fleet.robot(serial).driver
        self.loop.call_soon_threadsafe(change, driver)


@contextmanager
def sim_fleet(
    mqtt_url: str,
    robots: int,
    kind: RobotKind | list[RobotKind],
    speed_factor: float,
    charge_rate: float | None = None,
    energy: Mapping[str, EnergyFigures] | None = None,
) -> Iterator[ThreadedFleet]:
    """Simulated robots (kinds round robin) on the demo site, reporting state every second;
    `charge_rate`: percent per hour on a dock (None: each kind's own); `energy`: figures of
    some robots by serial number, used as given."""
    config = FleetConfig(
        mqtt_url=mqtt_url,
        site=load_site(DEFAULT_SITES_DIR / "longgang-demo.yaml"),
        robots=robots,
        kinds=kind if isinstance(kind, list) else [kind],
        speed_factor=speed_factor,
        state_interval=1.0,
        charge_rate=charge_rate,
        energy=energy or {},
    )
    running = ThreadedFleet(Fleet(config))
    running.start()
    try:
        yield running
    finally:
        running.stop()


def robot_view(client: TestClient, serial: str) -> dict[str, Any]:
    """A robot as the API shows it."""
    return dict(client.get(f"/api/v1/robots/{serial}").json())


def mission_view(client: TestClient, mission_id: int) -> dict[str, Any]:
    """A mission as the API shows it."""
    return dict(client.get(f"/api/v1/missions/{mission_id}").json())


def ready(client: TestClient, fleet: ThreadedFleet) -> list[str]:
    """The fleet's serial numbers, once the server has every robot's factsheet and position."""
    serials = [r.serial_number for r in fleet.fleet.robots]
    wait_until(
        lambda: all(
            robot_view(client, s).get("actions") and robot_view(client, s)["position"]
            for s in serials
        ),
        what="factsheets and positions",
    )
    return serials
