"""Allocation benchmark: joint assignment of M waiting missions to R free robots on the demo site,
beside the one-at-a-time nearest choice.

Random patrols on the demo site's route graph and robots standing near random nodes with random
charge (seeded). Prints the median over the runs of: working out what each mission needs (first
goal, length; kept between dispatch passes in the server), building the pair table (route
distances, capability, charge through each robot's battery model), solving it jointly
(linear_sum_assignment, tier by tier), the greedy pass on the same table, and the old dispatcher's
loop (RobotChooser.choose per mission); and the missions served and total predicted time to start
of joint and greedy.

    python -m bench.allocation
    python -m bench.allocation --missions 1000 --robots 1000 --runs 3 --priorities 3
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.joint import (
    MissionNeeds,
    PairTable,
    assign_greedily,
    assign_jointly,
    needs_of,
)
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.robot_choice import RobotChooser
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.routing import NoRoute
from fleet_server.sites.sites import SiteRegistry

SITE = "longgang-demo"
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def instance(
    rng: random.Random, sites: SiteRegistry, missions: int, robots: int, tiers: int
) -> tuple[list[Mission], list[Robot]]:
    graph = sites.graph(SITE)
    nodes = sites.get(SITE).nodes
    waiting = []
    while len(waiting) < missions:
        route = [n.id for n in rng.sample(nodes, 2)]
        try:
            graph.path_through([*route, route[0]])
        except NoRoute:
            continue
        priority = 10 * rng.randint(1, tiers)
        mission_id = len(waiting) + 1
        waiting.append(
            Mission(id=mission_id, kind="patrol", site_id=SITE, route=route, priority=priority)
        )
    actions = [a.action_type for a in KIND_ACTIONS[RobotKind.PATROL_DOG]]
    free = []
    for k in range(robots):
        node = rng.choice(nodes)
        free.append(
            Robot(
                serial_number=f"dog-{k:04d}",
                manufacturer="bench",
                kind=RobotKind.PATROL_DOG,
                online=True,
                x=node.x + rng.uniform(-20, 20),
                y=node.y + rng.uniform(-20, 20),
                map_id=SITE,
                battery=rng.uniform(12, 100),
                actions=actions,
                factsheet={"physicalParameters": {"speedMax": rng.choice((1.0, 1.5, 2.0))}},
            )
        )
    return waiting, free


def total(table: PairTable, matched: dict[int, int]) -> tuple[int, float]:
    """Missions served and their total predicted seconds to start."""
    return len(matched), sum(float(table.seconds[r, c]) for r, c in matched.items())


def one_run(args: argparse.Namespace, seed: int) -> dict[str, float]:
    sites = SiteRegistry.from_directory(DEFAULT_SITES_DIR)
    chooser = RobotChooser(sites, BatteryModel(percent_per_km=6.0, reserve_percent=10.0))
    missions, robots = instance(random.Random(seed), sites, args.missions, args.robots, args.tiers)
    needs: list[MissionNeeds]
    needs, prepare_s = timed(lambda: [needs_of(m, chooser) for m in missions])
    graph = sites.graph(SITE)
    table, build_s = timed(lambda: PairTable(graph, needs, robots, chooser.battery_of))
    joint, joint_s = timed(lambda: assign_jointly(table))
    greedy, greedy_s = timed(lambda: assign_greedily(table))
    old_s = 0.0
    if args.old:
        _, old_s = timed(lambda: old_dispatch(chooser, missions, robots))
    served_joint, seconds_joint = total(table, joint)
    served_greedy, seconds_greedy = total(table, greedy)
    return {
        "prepare": prepare_s,
        "build": build_s,
        "joint": joint_s,
        "greedy": greedy_s,
        "old": old_s,
        "served_joint": served_joint,
        "served_greedy": served_greedy,
        "hours_joint": seconds_joint / 3600,
        "hours_greedy": seconds_greedy / 3600,
    }


def old_dispatch(chooser: RobotChooser, missions: list[Mission], robots: list[Robot]) -> int:
    """The dispatcher before joint assignment: each mission, by priority then age, to the nearest
    capable idle robot with the charge (RobotChooser.choose over the robots still free)."""
    free = {r.serial_number: r for r in robots}
    served = 0
    for mission in sorted(missions, key=lambda m: (-m.priority, m.id or 0)):
        choice, _ = chooser.choose(mission, list(free.values()))
        if choice is not None:
            del free[choice.serial_number]
            served += 1
    return served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missions", type=int, default=1000)
    parser.add_argument("--robots", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tiers", type=int, default=1, help="priority levels among the missions")
    parser.add_argument(
        "--no-old", dest="old", action="store_false", help="skip the old dispatcher's loop"
    )
    args = parser.parse_args()
    runs = [one_run(args, seed) for seed in range(args.runs)]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"{platform.python_implementation()} {platform.python_version()}, {SITE}")
    print(
        f"{args.missions} missions x {args.robots} robots, {args.tiers} priority tier(s), "
        f"median of {args.runs} runs"
    )
    print(f"  what missions need (kept between passes): {median('prepare') * 1000:8.1f} ms")
    print(f"  pair table (distances, capability, charge): {median('build') * 1000:6.1f} ms")
    print(f"  joint solve (linear_sum_assignment):        {median('joint') * 1000:6.1f} ms")
    joint_total = median("build") + median("joint")
    print(f"  joint: table + solve                        {joint_total * 1000:6.1f} ms")
    print(f"  greedy on the same table:                   {median('greedy') * 1000:6.1f} ms")
    if args.old:
        print(f"  old dispatcher loop (choose per mission):   {median('old') * 1000:6.1f} ms")
    for method in ("joint", "greedy"):
        print(
            f"  {method:6}: {median('served_' + method):6.0f} missions served, total predicted "
            f"time to start {median('hours_' + method):8.2f} h"
        )


if __name__ == "__main__":
    main()
