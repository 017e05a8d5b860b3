"""Incident response end to end: reports over the API, simulated robots, real broker and DBs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_protocol.kinds import RobotKind
from fleet_server.accounts.models import Role
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import api_key, without_credentials
from tests.fleet_server.servers import running_server
from tests.fleet_server.sim_fleet import ThreadedFleet, sim_fleet
from tests.waiting import wait_until
from tests.wire import WireRecorder

SITE = "longgang-demo"
SPEED = 100
# Beside the metro exit on Longfu Road (node street-s2 at (300, 0)), a vendor hot spot.
METRO_EXIT = {"x": 304.0, "y": 3.0}


def _key(client: TestClient, role: Role = Role.OPERATOR) -> dict[str, str]:
    return api_key(client, f"camera-{role.value}", role)


def _report(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    request = {"type": "street_vending", "site": SITE, "source": "camera-0417"} | body
    response = client.post("/api/v1/incidents", json=request, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _incident(client: TestClient, headers: dict[str, str], incident_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json())


def _ended(client: TestClient, headers: dict[str, str], incident_id: int) -> dict[str, Any]:
    """The incident once the fleet is done with it: resolved, escalated, or answered by its robot
    and waiting for a person's confirmation."""
    return dict(
        wait_until(
            lambda: (
                (i := _incident(client, headers, incident_id))["status"]
                in ("awaiting_confirmation", "resolved", "escalated")
                and i
            ),
            timeout=90,
            what=f"incident {incident_id} to end",
        )
    )


def _ready(client: TestClient, fleet: ThreadedFleet) -> None:
    serials = [r.serial_number for r in fleet.fleet.robots]

    def ready() -> bool:
        robots = {r["serial_number"]: r for r in client.get("/api/v1/robots").json()}
        return all(s in robots and robots[s]["actions"] and robots[s]["position"] for s in serials)

    wait_until(ready, what="factsheets and positions")


def _mission(client: TestClient, mission_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/missions/{mission_id}").json())


def test_street_vending_sends_the_nearest_dog_to_speak_and_photograph(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    headers = _key(client)
    # dog-01 starts at the street dock (150, -40), dog-02 at the service hall's dock.
    with sim_fleet(settings.mqtt_url, 2, RobotKind.PATROL_DOG, SPEED) as fleet:
        _ready(client, fleet)
        reported = _report(client, headers, location=METRO_EXIT, severity="high")
        assert reported["node"] == "street-s2"
        # An idle dog is sent at once: the answer already says which.
        assert reported["status"] == "dispatched" and reported["robot"] == "dog-01"
        done = _ended(client, headers, reported["id"])
    # A dog's visit to a vendor is not closed by the dog: a person confirms it.
    assert done["status"] == "awaiting_confirmation", done["reason"]
    assert done["robot"] == "dog-01" and done["resolved_by"] is None
    assert done["resolution"].startswith("robot dog-01 finished")
    # What it did, as a sentence the console words: each action with its result.
    assert done["resolution_code"] == "incidentText.finished"
    assert [a["params"]["action_type"] for a in done["resolution_params"]["actions"]] == [
        "announce",
        "announce",
        "capturePhoto",
    ]
    assert done["reported_by"] == "camera-operator"
    assert done["created_at"] <= done["dispatched_at"] <= done["on_scene_at"] <= done["answered_at"]
    assert len(done["evidence"]) == 1 and done["evidence"][0].startswith("photo-")
    # What the dog said, in the order it spoke, each with the time it finished.
    assert [(w["language"], w["robot"]) for w in done["spoken"]] == [
        ("zh", "dog-01"),
        ("en", "dog-01"),
    ]
    assert "请勿占道经营" in done["spoken"][0]["text"]
    assert done["on_scene_at"] <= done["spoken"][0]["at"] <= done["spoken"][1]["at"]
    confirmed = client.post(
        f"/api/v1/incidents/{reported['id']}/resolve",
        json={"note": "vendor moved on"},
        headers=headers,
    ).json()
    assert confirmed["status"] == "resolved" and confirmed["resolved_by"] == "camera-operator"
    assert confirmed["answered_at"] <= confirmed["resolved_at"]
    mission = _mission(client, done["mission_id"])
    assert mission["kind"] == "respond"
    actions = mission["results"]["checkpoints"][0]["actions"]
    assert [a["type"] for a in actions] == ["announce", "announce", "capturePhoto"]
    assert [a["status"] for a in actions] == ["FINISHED"] * 3
    # The order takes the dog past the node to the reported spot, and speaks zh, then en.
    orders = [m.json() for m in wire.messages if m.subtopic == "order"]
    last = orders[0]["nodes"][-1]
    assert last["nodePosition"]["x"] == 304.0 and last["nodePosition"]["y"] == 3.0
    languages = [
        {p["key"]: p["value"] for p in a["actionParameters"]}["language"]
        for a in last["actions"]
        if a["actionType"] == "announce"
    ]
    assert languages == ["zh", "en"]
    wire.assert_all_valid()
    # The logbook keeps the incident's life, the visit and what was said, in order.
    auditor = _key(client, Role.AUDITOR)
    entries = client.get(
        "/api/v1/logbook", params={"incident": reported["id"]}, headers=auditor
    ).json()
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "incident" and entries[0]["summary"].startswith("street_vending reported")
    assert entries[-2]["summary"].startswith("answered, awaiting an operator's confirmation")
    assert sum(e["summary"].startswith("answered") for e in entries) == 1
    assert entries[-1]["summary"] == "resolved: vendor moved on"
    assert entries[-1]["actor"] == "camera-operator"
    # Each summary is also kept as the console's code and parameters, to be worded in Chinese.
    assert entries[0]["details"]["summary_text"]["code"] == "logbook.incident_reported"
    assert entries[0]["details"]["summary_text"]["params"]["type"] == "street_vending"
    assert entries[-1]["details"]["summary_text"] == {
        "code": "logbook.incident_resolved",
        # The operator's words, kept as typed: a sentence of their own, shown as they are.
        "params": {
            "note": {
                "code": "incidentText.note",
                "params": {"note": "vendor moved on"},
                "message": "vendor moved on",
            }
        },
    }
    said = [e["details"] for e in entries if e["kind"] == "announcement"]
    assert [d["language"] for d in said] == ["zh", "en"]
    assert "请勿占道经营" in said[0]["text"] and "do not trade here" in said[1]["text"]
    assert kinds.count("checkpoint") == 1
    visit = next(e for e in entries if e["kind"] == "checkpoint")
    assert visit["summary"].endswith(
        ": announce finished, announce finished, capturePhoto finished"
    )
    outcomes = visit["details"]["summary_text"]["params"]["outcomes"]
    assert [(o["code"], o["params"]) for o in outcomes] == [
        ("logbook.action_finished", {"action_type": "announce"}),
        ("logbook.action_finished", {"action_type": "announce"}),
        ("logbook.action_finished", {"action_type": "capturePhoto"}),
    ]
    nearby = client.get(
        "/api/v1/logbook", params={"x": 300, "y": 0, "radius": 10}, headers=auditor
    ).json()
    assert [e["id"] for e in nearby] == [e["id"] for e in entries]
    assert client.get("/api/v1/logbook/verify", headers=auditor).json() == {
        "ok": True,
        "entries": len(entries),
        "first_broken": None,
        "problem": None,
        "problem_code": None,
        "problem_params": None,
    }


def test_litter_sends_a_sanitation_robot_to_clean_around_the_spot(
    client: TestClient, settings: FleetSettings
) -> None:
    headers = _key(client)
    kinds = [RobotKind.PATROL_DOG, RobotKind.SANITATION]
    with sim_fleet(settings.mqtt_url, 2, kinds, SPEED) as fleet:
        _ready(client, fleet)
        reported = _report(
            client, headers, type="litter", location={"x": 300.0, "y": 200.0}, source="camera-88"
        )
        done = _ended(client, headers, reported["id"])
    assert done["status"] == "resolved", done["reason"]
    assert done["robot"] == "sweeper-01"
    coverage = _mission(client, done["mission_id"])["results"]["coverage"]
    assert coverage["reachable_m2"] == pytest.approx(64.0, abs=1.0)
    assert coverage["covered_percent"] >= 95.0


def test_a_response_preempts_a_patrol_which_then_resumes_where_it_stopped(
    client: TestClient, settings: FleetSettings, wire: WireRecorder
) -> None:
    headers = _key(client)
    route = ["street-sw", "street-s1", "street-s2", "street-s3", "street-se", "street-e1"]
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        _ready(client, fleet)
        patrol = client.post(
            "/api/v1/missions",
            json={
                "kind": "patrol",
                "site": SITE,
                "route": route,
                "pattern": "out_and_back",
                "rounds": 2,
                "checkpoints": [
                    {"node": "street-se", "actions": [{"type": "dwell", "params": {"seconds": 1}}]}
                ],
            },
        ).json()
        wait_until(
            lambda: _mission(client, patrol["id"])["progress"]["nodes_passed"] >= 4,
            what="the patrol to get going",
        )
        reported = _report(client, headers, node="market-s")
        wait_until(
            lambda: _mission(client, patrol["id"])["status"] == "queued",
            what="the patrol to be preempted",
        )
        queued = _mission(client, patrol["id"])
        assert queued["reason"].startswith(f"preempted by mission {reported['mission_id']}")
        done = _ended(client, headers, reported["id"])
        resumed = wait_until(
            lambda: (
                (m := _mission(client, patrol["id"]))["status"] in ("completed", "failed") and m
            ),
            timeout=120,
            what="the resumed patrol to end",
        )
    assert done["status"] == "awaiting_confirmation", done["reason"]
    assert resumed["status"] == "completed", resumed["reason"]
    assert resumed["robot"] == "dog-01"
    assert len(resumed["definition"]["resumes"]) == 1
    visits = resumed["results"]["checkpoints"]
    # street-se is passed out and back in each round.
    assert [v["round"] for v in visits] == [1, 1, 2, 2]
    assert all(v["reached_at"] and v["actions"][0]["status"] == "FINISHED" for v in visits)
    cancels = [
        a
        for m in wire.messages
        if m.subtopic == "instantActions"
        for a in m.json()["actions"]
        if a["actionType"] == "cancelOrder"
    ]
    assert len(cancels) == 1
    wire.assert_all_valid()


def test_repeats_are_flagged_and_held_by_the_cool_down(
    client: TestClient, settings: FleetSettings
) -> None:
    headers = _key(client)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, SPEED) as fleet:
        _ready(client, fleet)
        first = _report(client, headers, location=METRO_EXIT)
        wait_until(
            lambda: _incident(client, headers, first["id"])["dispatched_at"] is not None,
            what="the first incident's robot to set off",
        )
        again = _report(client, headers, location={"x": 310.0, "y": 12.0})
        elsewhere = _report(client, headers, location={"x": 300.0, "y": 398.0})
        other_type = _report(client, headers, type="crowd", location=METRO_EXIT)
        assert again["repeat"] == {"count": 1, "earlier": [first["id"]]}
        assert again["status"] == "open" and again["mission_id"] is None
        assert again["reason"].startswith("cool-down")
        assert elsewhere["repeat"]["count"] == 0 and elsewhere["mission_id"] is not None
        assert other_type["repeat"]["count"] == 0
        # An operator may send a robot all the same.
        sent = client.post(f"/api/v1/incidents/{again['id']}/dispatch", headers=headers)
        assert sent.status_code == 200, sent.text
        assert sent.json()["mission_id"] is not None
        twice = client.post(f"/api/v1/incidents/{again['id']}/dispatch", headers=headers)
        assert twice.status_code == 409
        assert "only a held, escalated or answered incident" in twice.json()["detail"]
        assert twice.json()["code"] == "incident.not_dispatchable_with_mission"
        said = twice.json()["params"]
        assert (said["incident"], said["mission"]) == (again["id"], sent.json()["mission_id"])
        assert said["incident_status"] in ("open", "dispatched", "on_scene")


@pytest.fixture
def patient_client(settings: FleetSettings) -> Iterator[TestClient]:
    """A server whose responses never preempt and escalate after 2 s without a robot."""
    changed = settings.model_copy(
        update={"incident_preemption": False, "incident_dispatch_timeout_s": 2.0}
    )
    with running_server(changed) as test_client:
        yield test_client


def test_a_response_no_robot_takes_in_time_is_escalated(
    patient_client: TestClient, settings: FleetSettings
) -> None:
    client = patient_client
    headers = _key(client)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, 1) as fleet:
        _ready(client, fleet)
        patrol = client.post(
            "/api/v1/missions",
            json={"kind": "patrol", "site": SITE, "route": ["street-sw", "street-se"]},
        ).json()
        reported = _report(client, headers, node="street-nw")
        assert reported["status"] == "open"
        assert reported["reason"].startswith("waiting for an idle online patrol_dog robot")
        done = _ended(client, headers, reported["id"])
        still = _mission(client, patrol["id"])
    assert done["status"] == "escalated"
    assert done["reason"].startswith("no robot set off within 2 s (waiting for an idle online")
    # The mission's reason, nested in the incident's as its own sentence.
    assert done["reason_code"] == "incidentText.overdue_waiting"
    assert done["reason_params"]["seconds"] == 2
    assert done["reason_params"]["why"]["code"] == "reason.waiting_idle_able"
    assert _mission(client, reported["mission_id"])["status"] == "cancelled"
    # The patrol was not interrupted.
    assert still["status"] in ("assigned", "running") and still["robot"] == "dog-01"


def test_cleaning_interrupted_by_litter_resumes_and_covers_its_zone(
    client: TestClient, settings: FleetSettings, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        # The patrol preemption test covers the stored resume on PostgreSQL; this one adds the
        # coverage geometry, which no database touches (and a long drive: keep CI short).
        pytest.skip("geometry of a resumed cleaning: run on SQLite only")
    headers = _key(client)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.SANITATION, 200) as fleet:
        _ready(client, fleet)
        body = {"kind": "clean", "site": SITE, "zone": "longcheng-square", "width": 5}
        cleaning = client.post("/api/v1/missions", json=body).json()
        wait_until(
            lambda: _mission(client, cleaning["id"])["progress"]["nodes_passed"] >= 8,
            what="the sweeper to be cleaning lanes",
        )
        reported = _report(client, headers, type="litter", node="market-n")
        done = _ended(client, headers, reported["id"])
        finished = wait_until(
            lambda: (
                (m := _mission(client, cleaning["id"]))["status"] in ("completed", "failed") and m
            ),
            timeout=120,
            what="the resumed cleaning to end",
        )
    assert done["status"] == "resolved", done["reason"]
    assert finished["status"] == "completed", finished["reason"]
    coverage = finished["results"]["coverage"]
    # Lanes cleaned before the interruption count: the zone is covered as if never stopped.
    assert abs(coverage["covered_percent"] - coverage["planned_percent"]) <= 2.0
    # One resume after the response, and one after each charging leg the honest battery needed.
    legs = finished["results"].get("charging_legs", [])
    assert len(finished["definition"]["resumes"]) == 1 + len(legs)


def test_no_capable_robot_escalates_at_once(client: TestClient, settings: FleetSettings) -> None:
    headers = _key(client)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.SANITATION, SPEED) as fleet:
        _ready(client, fleet)
        reported = _report(client, headers, location=METRO_EXIT)
    assert reported["status"] == "escalated"
    assert reported["reason"] == (
        "no online patrol_dog robot on site longgang-demo can do announce, capturePhoto"
    )
    assert reported["escalated_at"] is not None


def test_an_operator_resolving_calls_the_robot_off(
    client: TestClient, settings: FleetSettings
) -> None:
    headers = _key(client)
    with sim_fleet(settings.mqtt_url, 1, RobotKind.PATROL_DOG, 1) as fleet:
        _ready(client, fleet)
        reported = _report(client, headers, node="street-ne")
        resolved = client.post(
            f"/api/v1/incidents/{reported['id']}/resolve",
            json={"note": "vendor left before the robot arrived"},
            headers=headers,
        )
        assert resolved.status_code == 200, resolved.text
        mission = wait_until(
            lambda: (m := _mission(client, reported["mission_id"]))["status"] == "cancelled" and m,
            what="the response to be called off",
        )
    body = resolved.json()
    assert body["status"] == "resolved"
    assert body["resolved_by"] == "camera-operator"
    assert body["resolution"] == "vendor left before the robot arrived"
    assert mission["robot"] == "dog-01"
    # The cancellation does not turn the resolved incident into an escalated one.
    assert _incident(client, headers, reported["id"])["status"] == "resolved"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"location": {"x": 5000.0, "y": 0.0}}, "location", "off site 'longgang-demo'"),
        ({"location": {"x": 480.0, "y": 300.0}}, "location", "inside no-go zone 'street-works'"),
        ({"node": "moon-base"}, "node", "unknown node 'moon-base'"),
        ({"node": "street-s2", "site": "atlantis"}, "site", "unknown site 'atlantis'"),
        ({}, "request", "either location {x, y} or node"),
        ({"node": "street-s2", "type": "fire"}, "type", "street_vending"),
    ],
)
def test_bad_reports_are_refused_with_the_reason(
    client: TestClient, body: dict[str, Any], field: str, words: str
) -> None:
    request = {"type": "street_vending", "site": SITE, "source": "camera-1"} | body
    response = client.post("/api/v1/incidents", json=request, headers=_key(client))
    assert response.status_code == 422, response.text
    detail = response.json()
    assert words in detail["detail"]
    # Checks against the site name the field; schema checks start with its location.
    where = detail.get("field") or detail["detail"].split(":")[0]
    assert where.startswith(field)
    assert client.get("/api/v1/incidents", headers=_key(client)).json() == []


@pytest.mark.parametrize(
    ("body", "code", "params"),
    [
        (
            {"location": {"x": 5000.0, "y": 0.0}},
            "incident.off_site",
            {"x": 5000.0, "y": 0.0, "site": SITE, "geofences": ["longgang-geofence"]},
        ),
        (
            {"location": {"x": 480.0, "y": 300.0}},
            "incident.in_no_go_zone",
            {"x": 480.0, "y": 300.0, "zone": "street-works"},
        ),
        ({"node": "moon-base"}, "incident.unknown_node", {"node": "moon-base", "site": SITE}),
        ({"node": "street-s2", "site": "atlantis"}, "incident.unknown_site", {"site": "atlantis"}),
    ],
)
def test_a_refused_report_carries_the_code_and_parameters_the_console_words_it_by(
    client: TestClient, body: dict[str, Any], code: str, params: dict[str, Any]
) -> None:
    request = {"type": "street_vending", "site": SITE, "source": "camera-1"} | body
    response = client.post("/api/v1/incidents", json=request, headers=_key(client))
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["params"]) == (code, params)


def test_a_report_without_a_place_is_refused_by_a_code_of_its_own(client: TestClient) -> None:
    request = {"type": "street_vending", "site": SITE, "source": "camera-1"}
    response = client.post("/api/v1/incidents", json=request, headers=_key(client))
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "field": "request",
            "code": "validation.incident_place",
            "params": {},
            "message": "give the incident's place as either location {x, y} or node",
        }
    ]


def test_an_incident_that_cannot_be_resolved_or_escalated_says_its_status(
    client: TestClient,
) -> None:
    headers = _key(client)
    # No robot on the site: the report is escalated at once.
    escalated = _report(client, headers, node="street-s2")
    assert escalated["status"] == "escalated"
    number = escalated["id"]
    again = client.post(
        f"/api/v1/incidents/{number}/resolve", json={"note": "gone"}, headers=headers
    )
    assert again.status_code == 409
    assert again.json() == {
        "detail": f"cannot resolve incident {number}: it is escalated",
        "code": "incident.cannot_resolve",
        "params": {"incident": number, "incident_status": "escalated"},
    }
    twice = client.post(f"/api/v1/incidents/{number}/escalate", json={"note": "x"}, headers=headers)
    assert (twice.status_code, twice.json()["code"]) == (409, "incident.cannot_escalate")
    unknown = client.get("/api/v1/incidents/9999", headers=headers)
    assert unknown.status_code == 404
    assert (unknown.json()["code"], unknown.json()["params"]) == (
        "incident.not_found",
        {"incident": 9999},
    )


def test_a_logbook_search_by_half_a_place_is_refused_naming_the_first_part(
    client: TestClient,
) -> None:
    refused = client.get("/api/v1/logbook", params={"y": 3, "radius": 10})
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "a place needs x, y and radius together",
        "field": "y",
        "code": "logbook.place_incomplete",
        "params": {},
    }


def test_reports_need_an_operator_key(client: TestClient) -> None:
    request = {"type": "litter", "site": SITE, "source": "camera-1", "node": "market-c"}
    with without_credentials(client):
        anonymous = client.post("/api/v1/incidents", json=request)
    assert anonymous.status_code == 401
    viewer = client.post("/api/v1/incidents", json=request, headers=_key(client, Role.VIEWER))
    assert viewer.status_code == 403
    assert "allowed: admin, operator" in viewer.json()["detail"]
    # A viewer may still read them.
    assert client.get("/api/v1/incidents", headers=_key(client, Role.VIEWER)).status_code == 200
