"""Mission requests that must be refused, with a message naming what was wrong."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_protocol.connection import ConnectionState
from fleet_protocol.topics import Subtopic
from tests import vehicles
from tests.waiting import wait_until
from tests.wire import WireRecorder


def _patrol(**overrides: object) -> dict:
    return {
        "kind": "patrol",
        "site": "square",
        "route": ["A", "B", "C", "D"],
        "rounds": 1,
    } | overrides


def _online(client: TestClient, wire: WireRecorder, serial: str, map_id: str) -> None:
    vehicles.announce(wire, serial, map_id=map_id)
    wait_until(
        lambda: client.get(f"/api/v1/robots/{serial}").json().get("position"),
        what=f"{serial} to report a position",
    )


def test_bad_requests_name_the_problem_and_store_nothing(client: TestClient) -> None:
    cases = [
        (_patrol(route=["A", "B", "Q"]), 422, "route[2]: unknown node 'Q'"),
        (_patrol(site="atlantis"), 422, "unknown site 'atlantis'"),
        (_patrol(rounds=0), 422, "rounds"),
        (_patrol(route=["A"]), 422, "at least 2 nodes"),
        (_patrol(kind="dance"), 422, "kind"),
        (_patrol(route=["F", "B"]), 422, "no route from 'F' to 'B'"),
        (_patrol(robot="ghost"), 422, "unknown robot 'ghost'"),
    ]
    for body, status, message in cases:
        response = client.post("/api/v1/missions", json=body)
        assert response.status_code == status, (body, response.text)
        assert message in response.json()["detail"], (body, response.text)
    malformed = client.post(
        "/api/v1/missions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert client.get("/api/v1/missions").json() == []


def test_a_route_that_stands_still_is_refused_and_the_fleet_keeps_dispatching(
    client: TestClient, wire: WireRecorder
) -> None:
    _online(client, wire, "dog-still", map_id="square")
    cases = [
        (["A", "A"], "route[1]: 'A' repeats route[0]; consecutive nodes must differ"),
        (["A", "B", "B", "C"], "route[2]: 'B' repeats route[1]"),
        (["A", "B", "C", "A"], "route[3]: 'A' is route[0] again; a loop returns to its first"),
    ]
    for route, message in cases:
        response = client.post("/api/v1/missions", json=_patrol(route=route))
        assert response.status_code == 422, (route, response.text)
        assert response.json()["field"] == "route"
        assert message in response.json()["detail"], (route, response.text)
    # Out and back may end where it started: the way back is not the same legs.
    there_and_back = client.post(
        "/api/v1/missions", json=_patrol(route=["A", "B", "A"], pattern="out_and_back")
    )
    assert there_and_back.status_code == 201, there_and_back.text
    assert [m["id"] for m in client.get("/api/v1/missions").json()] == [there_and_back.json()["id"]]
    assert there_and_back.json()["robot"] == "dog-still", "the dispatcher still assigns work"
    cancelled = client.post(f"/api/v1/missions/{there_and_back.json()['id']}/cancel")
    assert cancelled.status_code == 200


def test_a_patrol_whose_plan_would_be_huge_is_refused(client: TestClient) -> None:
    # 200 route nodes back and forth between A and B, 1000 times: 400,000 nodes.
    route = ["A", "B"] * 100
    response = client.post("/api/v1/missions", json=_patrol(route=route, rounds=1000))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "rounds"
    assert "more than 100000 nodes" in response.json()["detail"]
    assert client.get("/api/v1/missions").json() == []


def test_a_refusal_names_its_code_and_parameters_nesting_the_reason_inside(
    client: TestClient,
) -> None:
    unknown = client.post("/api/v1/missions", json=_patrol(robot="ghost"))
    assert unknown.status_code == 422
    assert unknown.json() == {
        "detail": "unknown robot 'ghost'",
        "field": "robot",
        "code": "robot.not_found",
        "params": {"robot": "ghost"},
    }
    stuck = client.post("/api/v1/missions", json=_patrol(route=["F", "B"])).json()
    assert stuck["code"] == "mission.route_not_drivable"
    assert stuck["params"]["problem"]["code"] == "site.no_route"
    assert stuck["params"]["problem"]["params"] == {"start": "F", "goal": "B", "site": "square"}
    assert stuck["detail"] == "route cannot be driven: " + stuck["params"]["problem"]["message"]


def test_robot_on_another_site_is_refused(client: TestClient, wire: WireRecorder) -> None:
    _online(client, wire, "dog-away", map_id="longgang-demo")
    response = client.post("/api/v1/missions", json=_patrol(robot="dog-away"))
    assert response.status_code == 409
    assert "'longgang-demo', not on site 'square'" in response.json()["detail"]


def test_offline_robot_is_refused(client: TestClient, wire: WireRecorder) -> None:
    _online(client, wire, "dog-gone", map_id="square")
    wire.publish(
        vehicles.topic_of("dog-gone", Subtopic.CONNECTION),
        vehicles.connection("dog-gone", ConnectionState.OFFLINE),
        qos=1,
        retain=True,
    )
    wait_until(lambda: not client.get("/api/v1/robots/dog-gone").json()["online"], what="offline")
    response = client.post("/api/v1/missions", json=_patrol(robot="dog-gone"))
    assert response.status_code == 409
    assert "offline" in response.json()["detail"]


def test_without_a_free_robot_the_mission_queues_and_can_be_cancelled(client: TestClient) -> None:
    created = client.post("/api/v1/missions", json=_patrol())
    assert created.status_code == 201
    mission = created.json()
    assert mission["status"] == "queued" and mission["robot"] is None
    assert mission["reason"] == "waiting for an idle online robot on site square"
    # Beside the English, the code and parameters the console words it by (the robot wanted is
    # a sentence of its own).
    assert mission["reason_code"] == "reason.waiting_idle"
    assert mission["reason_params"] == {
        "who": {"code": "reason.who.any", "params": {}, "message": "robot"},
        "site": "square",
    }
    assert client.post(f"/api/v1/missions/{mission['id']}/pause").status_code == 409
    cancelled = client.post(f"/api/v1/missions/{mission['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["reason_code"] == "reason.cancelled"
    assert client.get(f"/api/v1/missions/{mission['id']}").json()["status"] == "cancelled"
    again = client.post(f"/api/v1/missions/{mission['id']}/cancel")
    assert again.status_code == 409
    # The console words the refusal by its code; the status is one it has a name for.
    assert again.json() == {
        "detail": f"cannot cancel mission {mission['id']}: it is cancelled",
        "code": "mission.finished_not_cancelled",
        "params": {"mission": mission["id"], "status": "cancelled"},
    }
    unknown = client.get("/api/v1/missions/999")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "mission.not_found"
    assert unknown.json()["params"] == {"mission": 999}


def test_idle_robot_gets_an_order_on_the_wire(client: TestClient, wire: WireRecorder) -> None:
    _online(client, wire, "dog-ready", map_id="square")
    mark = wire.mark()
    created = client.post("/api/v1/missions", json=_patrol(rounds=3)).json()
    assert created["status"] == "assigned" and created["robot"] == "dog-ready"
    order = wire.wait_for(
        lambda m: m.subtopic == "order" and m.serial_number == "dog-ready", since=mark
    ).json()
    assert order["orderId"] == created["order_id"]
    assert order["orderUpdateId"] == 0
    assert order["nodes"][0]["nodeId"] == "A"
    assert created["progress"]["nodes_total"] == 1 + 4 * 3
    released = [n for n in order["nodes"] if n["released"]]
    assert len(released) < created["progress"]["nodes_total"], "a long patrol is released in parts"


def test_queue_runs_the_highest_priority_first_and_can_be_reprioritised(
    client: TestClient, wire: WireRecorder
) -> None:
    low = client.post("/api/v1/missions", json=_patrol(priority=10)).json()
    high = client.post("/api/v1/missions", json=_patrol(priority=50)).json()
    default = client.post("/api/v1/missions", json=_patrol()).json()
    assert [low["status"], high["status"], default["status"]] == ["queued"] * 3
    assert default["priority"] == 30, "patrols default to the configured kind priority"
    raised = client.patch(f"/api/v1/missions/{low['id']}", json={"priority": 60})
    assert raised.status_code == 200 and raised.json()["priority"] == 60

    _online(client, wire, "dog-q", map_id="square")
    assigned = wait_until(
        lambda: [m for m in client.get("/api/v1/missions").json() if m["status"] != "queued"],
        what="one mission to be assigned",
    )
    assert [m["id"] for m in assigned] == [low["id"]], "the reprioritised mission goes first"
    refused = client.patch(f"/api/v1/missions/{low['id']}", json={"priority": 1})
    assert refused.status_code == 409 and "only a queued mission" in refused.json()["detail"]
    bad = client.patch(f"/api/v1/missions/{high['id']}", json={"priority": -1})
    assert bad.status_code == 422 and "priority" in bad.json()["detail"]


def test_robot_without_charge_for_the_mission_is_not_sent(
    client: TestClient, wire: WireRecorder
) -> None:
    # 100 rounds of the 40 m square is 4 km: 6 %/km plus a 10 % reserve needs 34 %.
    vehicles.announce(wire, "dog-low", battery=30.0)
    wait_until(
        lambda: client.get("/api/v1/robots/dog-low").json().get("battery") == 30.0,
        what="dog-low's battery",
    )
    long_patrol = client.post("/api/v1/missions", json=_patrol(rounds=100)).json()
    assert long_patrol["status"] == "queued"
    assert long_patrol["reason"] == "waiting for a robot with enough charge (about 34 % needed)"
    short_patrol = client.post("/api/v1/missions", json=_patrol(rounds=1)).json()
    assert short_patrol["status"] == "assigned" and short_patrol["robot"] == "dog-low"


def test_a_robot_that_cannot_run_an_action_is_refused_by_name(
    client: TestClient, wire: WireRecorder
) -> None:
    _online(client, wire, "dog-c", map_id="square")
    body = _patrol(robot="dog-c", checkpoints=[{"node": "B", "actions": [{"type": "clean"}]}])
    response = client.post("/api/v1/missions", json=body)
    assert response.status_code == 409
    refusal = response.json()
    assert "robot 'dog-c' cannot do action clean" in refusal["detail"]
    assert refusal["code"] == "mission.robot_lacks_actions"
    assert refusal["params"]["robot"] == "dog-c"
    assert refusal["params"]["actions"] == ["clean"]
