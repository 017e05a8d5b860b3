"""The energy model end to end: simulated robots with different real consumptions work through
the server over a real Mosquitto; the server learns each robot's figures from its states alone
(never from the simulator's configuration), and what the chooser predicts a patrol will use
comes true."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from simulation.energy import EnergyFigures
from simulation.fleet import Fleet, FleetConfig
from simulation.profiles import profile_for
from simulation.site_file import load_site
from tests.broker import MosquittoBroker
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet
from tests.waiting import wait_until

SPEED_FACTOR = 50
SITE = "longgang-demo"
STREET_LOOP = ["street-sw", "street-se", "street-ne", "street-nw"]
# Each robot's real figures (per simulated minute): two dogs and two sweepers, one of each
# thirstier than its kind's usual.
TRUTH = {
    "dog-01": EnergyFigures(
        drive_per_km=4.0, idle_per_min=0.25, charge_per_min=2.0, work_per_min={"dock": 0.3}
    ),
    "dog-02": EnergyFigures(
        drive_per_km=7.0, idle_per_min=0.4, charge_per_min=1.5, work_per_min={"dock": 0.3}
    ),
    "sweeper-01": EnergyFigures(
        drive_per_km=4.5, idle_per_min=0.2, charge_per_min=1.8, work_per_min={"clean": 0.6}
    ),
    "sweeper-02": EnergyFigures(
        drive_per_km=6.5, idle_per_min=0.3, charge_per_min=1.2, work_per_min={"clean": 1.0}
    ),
}
KIND = {"dog-01": RobotKind.PATROL_DOG, "dog-02": RobotKind.PATROL_DOG}
# A 60 m square of Longcheng Square for the sweepers (the whole square takes too long).
PATCH = {
    "id": "energy-patch",
    "kind": "cleaning",
    "name": "test patch",
    "polygon": [[250, 160], [310, 160], [310, 220], [250, 220]],
}
# The errors allowed: learned figures against the true ones, a prediction against the outcome.
FIGURE_ERROR = 0.15
PREDICTION_ERROR = 0.10
# A cleaning adds the deck's figure (learned within FIGURE_ERROR) and the learned speed.
CLEANING_PREDICTION_ERROR = 0.15


def _kind(serial: str) -> RobotKind:
    return KIND.get(serial, RobotKind.SANITATION)


def _true_per_km(serial: str) -> float:
    """All a km of driving costs the robot: its motors, and being on for the time it takes."""
    truth = TRUTH[serial]
    minutes_per_km = 1000.0 / profile_for(_kind(serial)).speed / 60.0
    return truth.drive_per_km + truth.idle_per_min * minutes_per_km


@contextmanager
def _fleet(mqtt_url: str) -> Iterator[ThreadedFleet]:
    config = FleetConfig(
        mqtt_url=mqtt_url,
        site=load_site(Path(__file__).parents[3] / "missions" / "sites" / f"{SITE}.yaml"),
        robots=4,
        kinds=[RobotKind.PATROL_DOG, RobotKind.SANITATION],
        speed_factor=SPEED_FACTOR,
        state_interval=0.5,
        visualization_interval=0.2,
        energy=TRUTH,
    )
    running = ThreadedFleet(Fleet(config))
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _add_patch(site_file: Path) -> None:
    site = yaml.safe_load(site_file.read_text())
    site["zones"].append(PATCH)
    site_file.write_text(yaml.safe_dump(site, allow_unicode=True))


def _robot(client: TestClient, serial: str) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/robots/{serial}").json())


def _ended(client: TestClient, mission_id: int, timeout: float = 120) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission_id}").json())["status"]
                in ("completed", "failed", "cancelled")
                and m
            ),
            timeout=timeout,
            what=f"mission {mission_id} to end",
        )
    )


def _mission(client: TestClient, body: dict[str, Any]) -> int:
    answer = client.post("/api/v1/missions", json={"site": SITE} | body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _error(learned: float, true: float) -> float:
    return abs(learned - true) / true


def test_the_server_learns_each_robots_figures_and_its_predictions_come_true(
    broker: MosquittoBroker, sites_dir: Path, tmp_path: Path
) -> None:
    _add_patch(sites_dir / f"{SITE}.yaml")
    settings = FleetSettings(
        database_url=f"sqlite:///{tmp_path / 'fleet.db'}",
        mqtt_url=broker.url,
        sites_dir=sites_dir,
        auto_register=True,
        flush_interval_s=0.2,
        # A patrol's floor must not end the work of a thirsty robot early.
        patrol_battery_floor_percent=5.0,
    )
    with running_server(settings) as client, _fleet(settings.mqtt_url) as fleet:
        serials = sorted(TRUTH)
        wait_until(
            lambda: all(_robot(client, s).get("actions") for s in serials), what="factsheets"
        )
        for serial in serials:
            fleet.on_driver(serial, lambda d: d.set_battery(100.0))
        time.sleep(25)  # standing: what being on costs
        # Work: every robot drives the street loop, then the sweepers clean a patch.
        for mission_id in [
            _mission(client, {"kind": "patrol", "route": STREET_LOOP, "robot": s, "rounds": 1})
            for s in serials
        ]:
            assert _ended(client, mission_id)["status"] == "completed"
        for mission_id in [
            _mission(client, {"kind": "clean", "zone": PATCH["id"], "width": 5, "robot": s})
            for s in ("sweeper-01", "sweeper-02")
        ]:
            assert _ended(client, mission_id)["status"] == "completed"
        time.sleep(15)  # standing again
        # Charging: each robot to a dock, from 60 % to 90 %.
        for serial in serials:
            fleet.on_driver(serial, lambda d: d.set_battery(60.0))
        docks = [
            _mission(client, {"kind": "dock", "robot": serial, "target_level": 90})
            for serial in serials
        ]
        for mission_id in docks:
            assert _ended(client, mission_id)["status"] == "completed"
        time.sleep(3)

        learned = {s: _robot(client, s)["energy"] for s in serials}
        listed = {r["serial_number"]: r["energy"] for r in client.get("/api/v1/robots").json()}
        assert sorted(listed) == serials
        assert all(energy["drive"]["source"] == "learned" for energy in listed.values())
        for serial in serials:
            energy, truth = learned[serial], TRUTH[serial]
            figures = {
                "drive": (energy["drive"]["percent_per_km"], _true_per_km(serial)),
                "idle": (energy["idle"]["percent_per_min"], truth.idle_per_min * SPEED_FACTOR),
                "charge": (
                    energy["charge"]["percent_per_min"],
                    truth.charge_per_min * SPEED_FACTOR,
                ),
            }
            if "clean" in truth.work_per_min:
                figures["clean"] = (
                    energy["work"]["clean"]["percent_per_min"],
                    truth.work_per_min["clean"] * SPEED_FACTOR,
                )
            errors = {name: _error(*pair) for name, pair in figures.items()}
            print(serial, {k: f"{v:.1%}" for k, v in errors.items()}, figures)
            for name, error in errors.items():
                figure = energy["work"][name] if name == "clean" else energy[name]
                assert figure["source"] == "learned", (serial, name, energy)
                assert error < FIGURE_ERROR, (serial, name, figures[name])

        # The prediction: what the chooser expects the thirsty dog's next patrol to use.
        fleet.on_driver("dog-02", lambda d: d.set_battery(100.0))
        wait_until(lambda: _robot(client, "dog-02")["battery"] >= 99.0, what="a full dog-02")
        mission_id = _mission(
            client, {"kind": "patrol", "route": STREET_LOOP, "robot": "dog-02", "rounds": 1}
        )
        start = _robot(client, "dog-02")["battery"]
        app_fleet = client.app.state.fleet  # type: ignore[attr-defined]
        robot = app_fleet.registry.get("dog-02")
        battery = app_fleet.missions.chooser.battery_of(robot)
        plan = app_fleet.missions.get(mission_id).plan
        _, metres = app_fleet.sites.graph(SITE).path_through(plan)
        predicted = battery.used_for(metres)
        assert _ended(client, mission_id)["status"] == "completed"
        used = start - _robot(client, "dog-02")["battery"]
        print(f"dog-02 patrol {metres:.0f} m: predicted {predicted:.2f} %, used {used:.2f} %")
        assert _error(predicted, used) < PREDICTION_ERROR

        # A cleaning's prediction carries its deck over the lanes, at the sweeper's learned
        # speed: the way to the patch as a drive, the lanes with the deck down.
        assert _robot(client, "sweeper-02")["energy"]["drive"]["speed_m_s"] > 0
        fleet.on_driver("sweeper-02", lambda d: d.set_battery(100.0))
        wait_until(lambda: _robot(client, "sweeper-02")["battery"] >= 99.0, what="a full sweeper")
        start = _robot(client, "sweeper-02")["battery"]
        mission_id = _mission(
            client, {"kind": "clean", "zone": PATCH["id"], "width": 5, "robot": "sweeper-02"}
        )
        chooser = app_fleet.missions.chooser
        sweeper = app_fleet.registry.get("sweeper-02")
        lanes_m = chooser.deck_metres(app_fleet.missions.get(mission_id), app_fleet.sites.get(SITE))
        assert _ended(client, mission_id)["status"] == "completed"
        used = start - _robot(client, "sweeper-02")["battery"]
        (assignment,) = client.get(f"/api/v1/missions/{mission_id}").json()["assignments"]
        plain = chooser.battery_of(sweeper)
        predicted = plain.used_for(assignment["distance_m"]) + plain.with_deck().used_for(lanes_m)
        as_a_drive = plain.used_for(assignment["distance_m"] + lanes_m)
        print(
            f"sweeper-02 cleaning {lanes_m:.0f} m of lanes, {assignment['distance_m']:.0f} m "
            f"there: predicted {predicted:.2f} %, used {used:.2f} % (as a plain drive "
            f"{as_a_drive:.2f} %)"
        )
        assert _error(predicted, used) < CLEANING_PREDICTION_ERROR
        assert _error(as_a_drive, used) > 0.3  # the deck is most of a cleaning's use
        # The assignment planned with the same figures: the prediction, the way from the
        # patch to a dock and the reserve.
        assert assignment["charge_needed"] > predicted + settings.battery_reserve_percent
