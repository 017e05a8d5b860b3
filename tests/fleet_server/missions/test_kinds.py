"""Patrols with checkpoints and dock missions, driven by simulated robots through the server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.settings import FleetSettings
from tests.fleet_server.sim_fleet import ready as _ready
from tests.fleet_server.sim_fleet import robot_view as _robot
from tests.fleet_server.sim_fleet import sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

ROUTE = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]
SPEED = 100
ANNOUNCE_ZH = {"type": "announce", "params": {"text": "请勿占道经营，谢谢配合", "language": "zh"}}
ANNOUNCE_EN = {
    "type": "announce",
    "params": {"text": "Please keep the way clear", "language": "en"},
}
PHOTO = {"type": "capturePhoto", "params": {"direction": "front"}}


def _finished(client: TestClient, mission_id: int) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (
                (m := client.get(f"/api/v1/missions/{mission_id}").json())["status"]
                in ("completed", "failed", "cancelled")
                and m
            ),
            timeout=90,
            what=f"mission {mission_id} to end",
        )
    )


def _patrol(checkpoints: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    body = {"kind": "patrol", "site": "longgang-demo", "route": ROUTE, "rounds": 2}
    return body | {"checkpoints": checkpoints} | more


def test_patrol_checkpoints_report_every_action(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        _ready(client, fleet)
        checkpoint = {"node": "hall-desk-1", "actions": [ANNOUNCE_ZH, ANNOUNCE_EN, PHOTO]}
        mission = client.post("/api/v1/missions", json=_patrol([checkpoint])).json()
        done = _finished(client, mission["id"])
    assert done["status"] == "completed", done["reason"]
    visits = done["results"]["checkpoints"]
    assert [(v["node"], v["round"]) for v in visits] == [("hall-desk-1", 1), ("hall-desk-1", 2)]
    for visit in visits:
        assert visit["reached_at"] is not None
        assert [a["type"] for a in visit["actions"]] == ["announce", "announce", "capturePhoto"]
        assert [a["status"] for a in visit["actions"]] == ["FINISHED"] * 3
        assert visit["actions"][2]["result"].startswith("photo-")
    orders = [m.json() for m in wire.messages if m.subtopic == "order"]
    announced = [
        a for o in orders for n in o["nodes"] for a in n["actions"] if a["actionType"] == "announce"
    ]
    assert {"key": "language", "value": "zh"} in announced[0]["actionParameters"]


def test_failed_action_is_skipped_or_aborts_by_policy(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        serial = _ready(client, fleet)[0]
        fleet.on_driver(
            serial, lambda d: d.fail_action("capturePhoto", "cameraFault", "lens fogged")
        )
        skip = {"node": "hall-desk-1", "actions": [PHOTO], "on_failure": "skip"}
        skipped = _finished(
            client, client.post("/api/v1/missions", json=_patrol([skip])).json()["id"]
        )
        assert skipped["status"] == "completed"
        first, second = skipped["results"]["checkpoints"]
        assert first["actions"][0]["status"] == "FAILED"
        assert "lens fogged" in first["actions"][0]["result"]
        assert second["actions"][0]["status"] == "FINISHED"

        fleet.on_driver(
            serial, lambda d: d.fail_action("capturePhoto", "cameraFault", "lens fogged")
        )
        abort = skip | {"on_failure": "abort"}
        aborted = _finished(
            client, client.post("/api/v1/missions", json=_patrol([abort])).json()["id"]
        )
        assert aborted["status"] == "failed"
        assert aborted["reason"].startswith("checkpoint hall-desk-1 (round 1): capturePhoto failed")
        wait_until(lambda: not _robot(client, serial)["driving"], what="the robot to stop")


def test_a_checkpoint_with_retry_runs_a_failed_action_again_before_moving_on(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        serial = _ready(client, fleet)[0]
        fleet.on_driver(
            serial, lambda d: d.fail_action("capturePhoto", "cameraFault", "lens fogged")
        )
        retry = {"node": "hall-desk-1", "actions": [PHOTO], "on_failure": "retry", "retries": 2}
        mission = client.post("/api/v1/missions", json=_patrol([retry], rounds=1)).json()
        done = _finished(client, mission["id"])
    assert done["status"] == "completed", done["reason"]
    (visit,) = done["results"]["checkpoints"]
    (photo,) = visit["actions"]
    assert photo["status"] == "FINISHED" and photo["result"].startswith("photo-")
    assert photo["attempts"] == 1
    assert photo["id"].endswith("-retry1")
    assert [t["result"] for t in photo["tries"]] == ["lens fogged"]
    # The retry went out as an instant action while nothing past the checkpoint was released.
    sent = [m for m in wire.messages if m.subtopic in ("order", "instantActions")]
    retried_at = next(
        i
        for i, m in enumerate(sent)
        if m.subtopic == "instantActions"
        and any(a["actionId"] == photo["id"] for a in m.json()["actions"])
    )
    checkpoint_seq = 2 * visit["plan_index"]
    released_before = [
        n["sequenceId"]
        for m in sent[:retried_at]
        if m.subtopic == "order"
        for n in m.json()["nodes"]
        if n["released"]
    ]
    assert max(released_before) == checkpoint_seq
    wire.assert_all_valid()


def test_retry_needs_actions_that_can_run_again(client: TestClient) -> None:
    dwell = {"type": "dwell", "params": {"seconds": 3}}
    bad = [
        (
            {"node": "hall-desk-1", "actions": [dwell], "on_failure": "retry", "retries": 1},
            "checkpoints[0].actions[0]: dwell cannot be retried",
        ),
        (
            {"node": "hall-desk-1", "actions": [PHOTO], "on_failure": "retry"},
            "on_failure retry needs retries of 1 to 5",
        ),
        (
            {"node": "hall-desk-1", "actions": [PHOTO], "retries": 2},
            "retries applies only with on_failure retry, not skip",
        ),
    ]
    for checkpoint, message in bad:
        response = client.post("/api/v1/missions", json=_patrol([checkpoint]))
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"], response.text


def test_dock_mission_charges_to_the_target(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, speed_factor=200) as fleet:
        serial = _ready(client, fleet)[0]
        fleet.on_driver(serial, lambda d: d.set_battery(40.0))
        wait_until(
            lambda: (_robot(client, serial)["battery"] or 100.0) <= 40.5, what="the low battery"
        )
        body = {"kind": "dock", "site": "longgang-demo", "dock": "dock-hall", "target_level": 50}
        done = _finished(client, client.post("/api/v1/missions", json=body).json()["id"])
        assert done["status"] == "completed", done["reason"]
        robot = _robot(client, serial)
        assert robot["last_node_id"] == "hall-dock"
        assert robot["battery"] >= 50.0


def test_the_mission_goes_to_a_robot_that_can_run_its_actions(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    kinds = [RobotKind.PATROL_DOG, RobotKind.SANITATION]
    with sim_fleet(settings.mqtt_url, 2, kinds, SPEED) as fleet:
        dog, sweeper = _ready(client, fleet)
        clean = {"node": "hall-desk-2", "actions": [{"type": "clean", "params": {"mode": "sweep"}}]}
        refused = client.post("/api/v1/missions", json=_patrol([clean], robot=dog))
        assert refused.status_code == 409
        assert f"robot '{dog}' cannot do action clean" in refused.json()["detail"]
        mission = client.post("/api/v1/missions", json=_patrol([clean], rounds=1)).json()
        assert mission["robot"] == sweeper
        assert _finished(client, mission["id"])["status"] == "completed"


def test_service_run_greets_hands_over_and_returns_home(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.SERVICE, SPEED) as fleet:
        guide = _ready(client, fleet)[0]
        body = {
            "kind": "service",
            "site": "longgang-demo",
            "mode": "deliver",
            "origin": "hall-reception",
            "destination": "hall-desk-5",
            "home": "hall-dock",
            "origin_actions": [{"type": "greet", "params": {"language": "zh"}}],
            "destination_actions": [
                {"type": "handover", "params": {"recipient": "机器人券窗口"}},
                {"type": "announce", "params": {"text": "您的材料已送达", "language": "zh"}},
            ],
        }
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["robot"] == guide
        done = _finished(client, mission["id"])
        assert done["status"] == "completed", done["reason"]
        origin, destination = done["results"]["checkpoints"]
        assert origin["node"] == "hall-reception" and origin["actions"][0]["status"] == "FINISHED"
        assert destination["node"] == "hall-desk-5"
        assert [a["status"] for a in destination["actions"]] == ["FINISHED", "FINISHED"]
        assert destination["actions"][0]["result"] == "handed over to 机器人券窗口"
        assert _robot(client, guide)["last_node_id"] == "hall-dock"


def test_clean_mission_covers_the_zone_and_draws_it(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.SANITATION, speed_factor=200) as fleet:
        sweeper = _ready(client, fleet)[0]
        body = {"kind": "clean", "site": "longgang-demo", "zone": "longcheng-square", "width": 5}
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["robot"] == sweeper
        done = _finished(client, mission["id"])
    assert done["status"] == "completed", done["reason"]
    coverage = done["results"]["coverage"]
    assert coverage["zone"] == "longcheng-square" and coverage["width_m"] == 5.0
    assert abs(coverage["covered_percent"] - coverage["planned_percent"]) <= 2.0
    assert coverage["covered_percent"] > 90.0
    orders = [m.json() for m in wire.messages if m.subtopic == "order"]
    cleans = [
        a for o in orders for n in o["nodes"] for a in n["actions"] if a["actionType"] == "clean"
    ]
    assert len({a["actionId"] for a in cleans}) == coverage["lanes"]
    image = client.get(f"/api/v1/missions/{mission['id']}/coverage.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_clean_requests_name_a_bad_zone(client: TestClient) -> None:
    base = {"kind": "clean", "site": "longgang-demo"}
    cases = [
        ({"zone": "pond"}, "unknown zone 'pond' on site 'longgang-demo' (cleaning zones:"),
        ({"zone": "longgang-geofence"}, "is a geofence zone, not a cleaning zone"),
        ({"zone": "longcheng-square", "width": 9}, "width"),
    ]
    for fields, message in cases:
        response = client.post("/api/v1/missions", json=base | fields)
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"], response.text
    patrol = client.post(
        "/api/v1/missions",
        json={"kind": "patrol", "site": "longgang-demo", "route": ROUTE},
    ).json()
    refused = client.get(f"/api/v1/missions/{patrol['id']}/coverage.png")
    assert refused.status_code == 409 and "not a cleaning one" in refused.json()["detail"]


def test_patrol_until_an_end_time_finishes_the_round_under_way(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        _ready(client, fleet)
        until = datetime.now(timezone.utc) + timedelta(seconds=6)
        checkpoint = {"node": "hall-desk-1", "actions": [PHOTO]}
        body = _patrol([checkpoint]) | {"until": until.isoformat()}
        del body["rounds"]
        mission = client.post("/api/v1/missions", json=body).json()
        assert mission["rounds"] == 100
        done = _finished(client, mission["id"])
    assert done["status"] == "completed", done["reason"]
    assert datetime.fromisoformat(done["finished_at"]) >= until
    rounds = done["rounds"]
    assert 1 <= rounds < 100
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    assert [v["round"] for v in done["results"]["checkpoints"]] == list(range(1, rounds + 1))
    assert all(v["actions"][0]["status"] == "FINISHED" for v in done["results"]["checkpoints"])


@pytest.fixture
def bowtie_site(sites_dir: Path) -> str:
    """A site whose cleaning zone crosses itself (a file the site loader cannot check: the
    protocol package has no geometry library)."""
    site = {
        "id": "bowtie",
        "name": "Bow tie",
        "timezone": "Asia/Shanghai",
        "nodes": [{"id": "a", "x": 0, "y": 0}, {"id": "b", "x": 10, "y": 0}],
        "edges": [{"start": "a", "end": "b"}],
        "zones": [
            {"id": "tie", "kind": "cleaning", "polygon": [[0, 0], [10, 10], [10, 0], [0, 10]]}
        ],
    }
    (sites_dir / "bowtie.yaml").write_text(yaml.safe_dump(site))
    return "bowtie"


def test_a_zone_polygon_that_is_not_valid_is_named(bowtie_site: str, client: TestClient) -> None:
    body = {"kind": "clean", "site": bowtie_site, "zone": "tie"}
    response = client.post("/api/v1/missions", json=body)
    assert response.status_code == 422, response.text
    not_valid = "zone polygon is not valid: Self-intersection at (5, 5)"
    zone_polygon = {"code": "coverage.zone_polygon", "params": {}, "message": "zone polygon"}
    assert response.json() == {
        "detail": f"zone 'tie': {not_valid}",
        "field": "zone",
        # The console words the refusal and the geometry's problem inside it by their codes.
        "code": "mission.zone_problem",
        "params": {
            "zone": "tie",
            "problem": {
                "code": "coverage.not_valid",
                "params": {
                    "what": zone_polygon,
                    "reason": "Self-intersection at (5, 5)",
                },
                "message": not_valid,
            },
        },
    }
