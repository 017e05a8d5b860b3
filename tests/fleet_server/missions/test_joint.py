"""Joint assignment on the demo site's real route graph: never worse than one mission at a time,
priority first, and every choice explained."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.joint import (
    Matching,
    PairTable,
    assign,
    assign_greedily,
    assign_jointly,
    needs_of,
)
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.rationale import Bystander, explain, waiting_for
from fleet_server.missions.reasons import BUSY
from fleet_server.missions.robot_choice import RobotChooser
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.routing import NoRoute
from fleet_server.sites.sites import SiteRegistry

SITE = "longgang-demo"
SITES = SiteRegistry.from_directory(DEFAULT_SITES_DIR)
GRAPH = SITES.graph(SITE)
NODES = [n for n in SITES.get(SITE).nodes]
BATTERY = BatteryModel(percent_per_km=6.0, reserve_percent=10.0)
KINDS = (RobotKind.PATROL_DOG, RobotKind.SANITATION, RobotKind.SERVICE)


def robot(
    serial: str,
    x: float,
    y: float,
    *,
    kind: RobotKind = RobotKind.PATROL_DOG,
    battery: float = 90.0,
    speed: float | None = None,
) -> Robot:
    factsheet = {} if speed is None else {"physicalParameters": {"speedMax": speed}}
    return Robot(
        serial_number=serial,
        manufacturer="test",
        kind=kind,
        online=True,
        x=x,
        y=y,
        map_id=SITE,
        battery=battery,
        actions=[a.action_type for a in KIND_ACTIONS[kind]],
        factsheet=factsheet,
    )


def at(node_id: str) -> tuple[float, float]:
    node = SITES.get(SITE).node(node_id)
    return node.x, node.y


def patrol(mission_id: int, route: list[str], priority: int = 30, **definition: object) -> Mission:
    return Mission(
        id=mission_id,
        kind="patrol",
        site_id=SITE,
        route=route,
        priority=priority,
        definition=dict(definition),
    )


def clean_around(mission_id: int, node_id: str, half: float = 4.0) -> Mission:
    """A small cleaning mission on a square around a node (as a litter response sweeps)."""
    x, y = at(node_id)
    area = [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]]
    return Mission(
        id=mission_id,
        kind="clean",
        site_id=SITE,
        priority=20,
        definition={"area": area, "width": 1.0, "mode": "sweep"},
    )


def table_of(missions: list[Mission], robots: list[Robot]) -> PairTable:
    chooser = RobotChooser(SITES, BATTERY)
    needs = [needs_of(m, chooser) for m in missions]
    return PairTable(GRAPH, needs, robots, chooser.battery_of)


def score(table: PairTable, matched: dict[int, int]) -> list[tuple[int, float]]:
    """Per priority tier, highest first: (-missions served, total predicted seconds)."""
    tiers = sorted({n.mission.priority for n in table.needs}, reverse=True)
    result = []
    for priority in tiers:
        rows = [r for r, c in matched.items() if table.needs[r].mission.priority == priority]
        total = sum(float(table.seconds[r, matched[r]]) for r in rows)
        result.append((-len(rows), round(total, 6)))
    return result


def random_instance(rng: random.Random, mixed_priorities: bool) -> PairTable:
    missions = []
    for mission_id in range(1, rng.randint(1, 30) + 1):
        while True:
            route = [n.id for n in rng.sample(NODES, 2)]
            try:
                GRAPH.path_through([*route, route[0]])
                break
            except NoRoute:
                continue
        definition: dict[str, object] = {}
        need = rng.random()
        if need < 0.2:
            definition["robot_kind"] = "sanitation"
        elif need < 0.4:
            actions = [{"type": "announce", "parameters": {"text": "hello"}}]
            definition["checkpoints"] = [{"node": route[1], "actions": actions}]
        priority = rng.choice((10, 30, 40)) if mixed_priorities else 30
        rounds = rng.randint(1, 3)
        mission = patrol(mission_id, route, priority, **definition)
        mission.rounds = rounds
        missions.append(mission)
    robots = []
    for k in range(rng.randint(1, 30)):
        node = rng.choice(NODES)
        robots.append(
            robot(
                f"r-{k:02d}",
                node.x + rng.uniform(-15, 15),
                node.y + rng.uniform(-15, 15),
                kind=rng.choice(KINDS),
                battery=rng.uniform(10, 100),
                speed=rng.choice((None, 0.8, 1.5)),
            )
        )
    return table_of(missions, robots)


def test_joint_assignment_is_never_worse_than_one_mission_at_a_time() -> None:
    rng = random.Random(14)
    better = 0
    for _ in range(200):
        table = random_instance(rng, mixed_priorities=False)
        joint = assign(table).robot_of
        greedy = assign_greedily(table)
        # Each robot once, and only feasible pairs.
        assert len(set(joint.values())) == len(joint)
        assert all(table.feasible[r, c] for r, c in joint.items())
        # More missions started, or as many sooner in total.
        assert score(table, joint) <= score(table, greedy)
        better += score(table, joint) < score(table, greedy)
    assert better >= 20, f"joint assignment was better on only {better} of 200 instances"


def test_with_priorities_each_tier_is_served_at_least_as_well_as_greedily() -> None:
    rng = random.Random(15)
    for _ in range(200):
        table = random_instance(rng, mixed_priorities=True)
        joint = assign(table).robot_of
        # Lexicographic by tier: the highest tier first, then the next.
        assert score(table, joint) <= score(table, assign_greedily(table))


def test_a_higher_priority_mission_never_waits_for_a_lower_ones_sake() -> None:
    rng = random.Random(16)
    for _ in range(200):
        table = random_instance(rng, mixed_priorities=True)
        matched = assign(table).robot_of
        for row, need in enumerate(table.needs):
            if row in matched:
                continue
            # Every robot that could have done it went to a mission of at least its priority.
            for other, col in matched.items():
                if table.feasible[row, col]:
                    assert table.needs[other].mission.priority >= need.mission.priority


def test_the_only_robot_goes_to_the_higher_priority_mission_even_if_farther() -> None:
    near_low = patrol(1, ["street-s1", "street-s2"], priority=10)
    far_high = patrol(2, ["uc-a1", "uc-a2"], priority=40)
    other_high = patrol(3, ["hall-plaza", "street-n2"], priority=40)
    dog = robot("dog-01", *at("street-sw"))
    spare = robot("dog-02", *at("hall-post"))
    table = table_of([near_low, far_high, other_high], [dog, spare])
    matched = assign(table)
    assert matched.method == "joint"
    served = {
        table.needs[r].mission_id: table.robots[c].serial_number
        for r, c in matched.robot_of.items()
    }
    assert served == {2: "dog-01", 3: "dog-02"}
    reason = waiting_for(table, matched, 0)
    assert reason is not None and "went to missions 2, 3" in str(reason)


def test_one_mission_gets_the_nearest_choice() -> None:
    rng = random.Random(17)
    for _ in range(100):
        table = random_instance(rng, mixed_priorities=False)
        needs = table.needs[:1]
        one = PairTable(GRAPH, needs, table.robots, RobotChooser(SITES, BATTERY).battery_of)
        matching = assign(one)
        assert matching.method == "nearest"
        chooser = RobotChooser(SITES, BATTERY)
        same_speed = [r.model_copy(update={"factsheet": {}}) for r in table.robots]
        choice, _ = chooser.choose(needs[0].mission, same_speed)
        even = PairTable(GRAPH, needs, same_speed, chooser.battery_of)
        got = assign(even).robot_of
        expected = None if choice is None else choice.serial_number
        assert (even.robots[got[0]].serial_number if got else None) == expected


def test_the_issues_case_the_near_sweeper_takes_the_mission_and_the_record_says_why() -> None:
    # Mission 1 (older) is by street-e1, mission 2 in the forecourt's east (uc-b5).
    # sweeper-01 stands at uc-a2: about 300 m from mission 2 and 426 m from mission 1;
    # sweeper-02 at street-s2: 430 m from mission 1 but about 1.2 km from mission 2.
    by_street = clean_around(1, "street-e1")
    forecourt = clean_around(2, "uc-b5")
    sweeper_01 = robot("sweeper-01", *at("uc-a2"), kind=RobotKind.SANITATION)
    sweeper_02 = robot("sweeper-02", *at("street-s2"), kind=RobotKind.SANITATION)
    dog = robot("dog-01", *at("uc-b4"))
    table = table_of([by_street, forecourt], [sweeper_01, sweeper_02, dog])

    greedy = assign_greedily(table)
    assert table.robots[greedy[1]].serial_number == "sweeper-02", "one at a time: 1.2 km"
    assert table.distance[1, greedy[1]] > 1100

    matching = assign(table)
    assert matching.method == "joint"
    serials = {
        table.needs[r].mission_id: table.robots[c].serial_number
        for r, c in matching.robot_of.items()
    }
    assert serials == {1: "sweeper-02", 2: "sweeper-01"}
    busy = robot("sweeper-03", *at("uc-b5"), kind=RobotKind.SANITATION)
    busy.mission_id = 7
    now = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
    record = explain(table, matching, 1, [Bystander(busy, BUSY.of(mission=7))], GRAPH, now)
    assert record.robot == "sweeper-01" and record.method == "joint"
    assert 280 < record.distance_m < 320
    assert record.predicted_s == pytest.approx(record.distance_m / 1.0)
    assert record.charge == 90.0 and record.charge_needed is not None
    assert 10.0 < record.charge_needed < record.charge
    reasons = {r["robot"]: r["reason"] for r in record.runners_up}
    assert reasons["sweeper-03"] == "busy on mission 7"
    assert reasons["sweeper-02"].startswith("farther: 8")
    assert reasons["dog-01"] == "incapable: lacks action clean"
    # The nearest runners-up come first: the busy sweeper stands on the mission.
    assert record.runners_up[0]["robot"] == "sweeper-03"

    other = explain(table, matching, 0, [], GRAPH, now)
    reasons = {r["robot"]: r["reason"] for r in other.runners_up}
    assert reasons["sweeper-01"] == "taken by mission 2 in the joint assignment"


def test_infeasible_pairs_say_why() -> None:
    limited = patrol(1, ["uc-a1", "uc-a2"], max_distance_m=200.0)
    asked = patrol(2, ["street-s1", "street-s2"])
    asked.requested_robot = "dog-09"
    long_one = patrol(3, ["street-sw", "street-ne"])
    long_one.rounds = 20
    # 15 %: too little even to start the long patrol in legs (the way back and a first leg).
    dogs = [robot("dog-01", *at("street-sw"), battery=15.0)]
    table = table_of([limited, asked, long_one], dogs)
    assert not table.feasible.any()
    assert str(table.pair(0, 0).why_not) == "too far: 1081 m is over the mission's limit of 200 m"
    assert str(table.pair(1, 0).why_not) == "incapable: the mission asks for robot dog-09"
    low = table.pair(2, 0).why_not
    assert low is not None and str(low).startswith("too little charge: has 15 %, needs ")
    assert assign(table) == Matching({}, "nearest")
    assert assign_jointly(table) == {}
