"""One zone, several robots: a cleaning mission shared out to part missions, cleaned in parallel
by simulated sweepers through the server, with one coverage report and one image."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.parts import part_count, shared_state
from fleet_server.settings import FleetSettings
from tests.fleet_server.sim_fleet import mission_view as _mission
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until

SQUARE = {"kind": "clean", "site": "longgang-demo", "zone": "longcheng-square", "width": 5}


def _part(status: MissionStatus, robot: str | None = None) -> Mission:
    return Mission(kind="clean", site_id="s", status=status, robot=robot, definition={})


def test_part_count_takes_the_robots_asked_for_or_those_online() -> None:
    assert part_count(3, capable_online=1, lanes=20) == 3
    assert part_count("auto", capable_online=4, lanes=20) == 4
    assert part_count("auto", capable_online=0, lanes=20) == 1
    assert part_count("auto", capable_online=9, lanes=5) == 5


def test_shared_status_follows_the_parts() -> None:
    queued, running = _part(MissionStatus.QUEUED), _part(MissionStatus.RUNNING, "sweeper-01")
    done, failed = _part(MissionStatus.COMPLETED, "sweeper-02"), _part(MissionStatus.FAILED)
    assert shared_state([queued, queued])[0] is MissionStatus.QUEUED
    status, reason = shared_state([running, queued])
    assert status is MissionStatus.RUNNING and str(reason).startswith("shared by 2 robots")
    assert shared_state([done, running])[0] is MissionStatus.RUNNING
    assert shared_state([done, done])[0] is MissionStatus.COMPLETED
    failed.definition = {"part": {"of": 1, "index": 1, "count": 2}}
    failed.reason = "battery empty"
    status, reason = shared_state([done, failed])
    assert status is MissionStatus.FAILED
    assert "part 2" in str(reason) and "battery empty" in str(reason)


def test_two_sweepers_share_a_square_and_one_report_covers_it(
    client: TestClient, settings: FleetSettings
) -> None:
    with sim_fleet(settings.mqtt_url, 2, RobotKind.SANITATION, speed_factor=200) as fleet:
        serials = {r.serial_number for r in fleet.fleet.robots}
        wait_until(
            lambda: all(client.get(f"/api/v1/robots/{s}").json().get("position") for s in serials),
            what="positions",
        )
        created = client.post("/api/v1/missions", json=SQUARE | {"robots": "auto"})
        assert created.status_code == 201, created.text
        shared = created.json()
        assert shared["robot"] is None
        parts = [p["mission"] for p in shared["results"]["parts"]]
        assert len(parts) == 2
        assert {_mission(client, p)["robot"] for p in parts} == serials
        done = wait_until(
            lambda: (
                (m := _mission(client, shared["id"]))["status"] != "running"
                and m["status"] != "queued"
                and m
            ),
            timeout=90,
            what="the shared mission to end",
        )
        image = client.get(f"/api/v1/missions/{shared['id']}/coverage.png")
    assert done["status"] == "completed", done["reason"]
    ends = [_mission(client, p) for p in parts]
    assert [m["status"] for m in ends] == ["completed", "completed"]
    whole = done["results"]["coverage"]
    assert whole["zone"] == "longcheng-square"
    assert whole["covered_percent"] > 90.0
    # Each robot covered about half, and together they covered what one plan covers.
    halves = [m["results"]["coverage"]["covered_m2"] for m in ends]
    assert all(h > 0.3 * whole["covered_m2"] for h in halves)
    assert abs(whole["covered_percent"] - whole["planned_percent"]) <= 2.0
    assert [p["status"] for p in done["results"]["parts"]] == ["completed", "completed"]
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_more_robots_than_lanes_is_refused_naming_robots(client: TestClient) -> None:
    refused = client.post("/api/v1/missions", json=SQUARE | {"width": 5, "robots": 32})
    assert refused.status_code == 422
    assert "robots" in refused.text and "at most" in refused.text
    bad = client.post("/api/v1/missions", json=SQUARE | {"robots": 0})
    assert bad.status_code == 422 and "robots" in bad.text


def test_cancelling_a_shared_mission_cancels_its_parts(client: TestClient) -> None:
    # No robot is online, so both parts wait; cancelling the shared mission ends all three.
    shared = client.post("/api/v1/missions", json=SQUARE | {"robots": 2}).json()
    parts = [p["mission"] for p in shared["results"]["parts"]]
    assert shared["status"] == "queued" and len(parts) == 2
    cancelled = client.post(f"/api/v1/missions/{shared['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert _mission(client, shared["id"])["status"] == "cancelled"
    assert [_mission(client, p)["status"] for p in parts] == ["cancelled", "cancelled"]
