"""Orders released in parts: base and horizon, updates stitched on the last base node."""

from __future__ import annotations

from fleet_server.missions.orders import Release, ReleasePolicy, build_order
from tests.fleet_server.small_site import small_site
from tests.vda_schemas import validate_message

PLAN = ["E", "A", "B", "C", "D", "A", "B", "C", "D", "A", "B", "C", "D", "A"]


def _order(release: Release, update: int) -> dict:
    order = build_order(
        site=small_site(),
        plan=PLAN,
        release=release,
        order_id="m1",
        order_update_id=update,
        header_id=update,
        manufacturer="Acme",
        serial_number="dog-01",
        start_deviation_m=0.2,
    )
    wire = order.to_wire()
    validate_message("order", wire)
    return wire


def test_initial_release_has_base_and_horizon() -> None:
    policy = ReleasePolicy(base_nodes=5, horizon_nodes=3, lookahead=2)
    release = policy.initial(len(PLAN))
    assert release == Release(first=0, base_end=5, horizon_end=8)
    wire = _order(release, 0)
    assert [n["sequenceId"] for n in wire["nodes"]] == [0, 2, 4, 6, 8, 10, 12, 14]
    assert [n["released"] for n in wire["nodes"]] == [True] * 5 + [False] * 3
    assert [e["released"] for e in wire["edges"]] == [True] * 4 + [False] * 3
    assert wire["nodes"][0]["nodePosition"]["allowedDeviationXY"] > 0.2
    assert all(n["nodePosition"]["mapId"] == "square" for n in wire["nodes"])
    assert wire["edges"][0] == {
        "edgeId": "E--A",
        "sequenceId": 1,
        "released": True,
        "startNodeId": "E",
        "endNodeId": "A",
        "actions": [],
    }


def test_update_is_due_near_the_end_of_the_base_and_stitches() -> None:
    policy = ReleasePolicy(base_nodes=5, horizon_nodes=3, lookahead=2)
    assert policy.next(len(PLAN), released_until=5, passed=2) is None
    release = policy.next(len(PLAN), released_until=5, passed=3)
    assert release == Release(first=4, base_end=10, horizon_end=13)
    wire = _order(release, 1)
    first = wire["nodes"][0]
    assert (first["nodeId"], first["sequenceId"], first["released"]) == ("D", 8, True)
    assert "allowedDeviationXY" not in first["nodePosition"]


def test_last_release_reaches_the_end_and_then_nothing_is_due() -> None:
    policy = ReleasePolicy(base_nodes=5, horizon_nodes=3, lookahead=2)
    release = policy.next(len(PLAN), released_until=10, passed=9)
    assert release == Release(first=9, base_end=14, horizon_end=14)
    wire = _order(release, 2)
    assert all(n["released"] for n in wire["nodes"])
    assert wire["nodes"][-1]["sequenceId"] == 2 * (len(PLAN) - 1)
    assert policy.next(len(PLAN), released_until=14, passed=13) is None
