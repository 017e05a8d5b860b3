"""A robot that vanishes on its charging leg and comes back: the mission does not wait on a dead
charge, the charger is given back at once, and the work resumes where it stopped when the robot
is back, still one mission with every checkpoint of both rounds."""

from __future__ import annotations

import time

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.missions.test_charging import PHOTO, SPEED, STREET, _battery
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import ready as _ready
from tests.waiting import wait_until

# Docks charge half a percent a simulated minute: a charge of a few tens of percent takes about
# a minute of the test's time, long enough to lose the robot in the middle of it.
SLOW_CHARGE_RATE = 30.0


def _freeze(fleet: ThreadedFleet, seconds: float) -> None:
    """Stop the simulated robot dead for a while, as SIGSTOP stops fleet-sim: no state, no
    ping, and then it carries on."""
    fleet.loop.call_soon_threadsafe(time.sleep, seconds)


def test_a_robot_lost_while_charging_gives_its_charger_back_and_resumes_when_back(
    settings: FleetSettings,
) -> None:
    quick_loss = settings.model_copy(
        update={
            "battery_percent_per_km": 6.0,
            "energy_charge_percent_per_min": 5.0,
            # Offline after 2 s of silence, lost 1 s later.
            "offline_timeout_s": 2.0,
            "mission_offline_grace_s": 1.0,
        }
    )
    with (
        running_server(quick_loss) as client,
        sim_fleet(quick_loss.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED, SLOW_CHARGE_RATE) as fleet,
    ):
        dog = _ready(client, fleet)[0]
        _battery(client, fleet, dog, 28.0)
        body = {
            "kind": "patrol",
            "site": "longgang-demo",
            "route": STREET,
            "pattern": "out_and_back",
            "rounds": 2,
            "battery_floor": 20,
            "checkpoints": [{"node": "street-s3", "actions": [PHOTO]}],
        }
        created = client.post("/api/v1/missions", json=body)
        assert created.status_code == 201, created.text
        mission_id = created.json()["id"]
        charging = wait_until(
            lambda: (
                (m := _mission(client, mission_id))["status"] == "charging"
                and "charging at dock" in (m["reason"] or "")
                and m
            ),
            timeout=90,
            what="the patrol to charge in a leg",
        )
        book = client.app.state.fleet.missions.chargers  # type: ignore[attr-defined]
        hold = book.held_by(dog)
        assert hold is not None and hold.dock_id == charging["results"]["charging_legs"][0]["dock"]

        _freeze(fleet, 6.0)
        lost = wait_until(
            lambda: (m := _mission(client, mission_id))["status"] == "queued" and m,
            timeout=30,
            what="the patrol to be re-queued while its robot is gone",
        )
        assert f"robot {dog} went offline" in lost["reason"]
        assert "resumes where it stopped" in lost["reason"]
        # The charger is free for others while nobody knows where the robot is.
        assert book.held_by(dog) is None

        done = wait_until(
            lambda: (
                (m := _mission(client, mission_id))["status"] in ("completed", "failed") and m
            ),
            timeout=180,
            interval=0.5,
            what="the patrol to finish once its robot is back",
        )
    assert done["status"] == "completed", done["reason"]
    assert done["robot"] == dog
    assert "resumes" in done["definition"]
    rounds = sorted(v["round"] for v in done["results"]["checkpoints"])
    assert rounds == [1, 2]
    assert all(v["actions"][0]["status"] == "FINISHED" for v in done["results"]["checkpoints"])
    assert book.held_by(dog) is None
