"""Resuming an interrupted mission from where its robot stopped (no I/O).

A mission taken off its robot (preempted by an incident) keeps its plan and results. When a robot
takes it again, the rest of the plan is driven from a new approach: the robot's way to the node
where the mission picks up, then the old plan from there on. Plan indices shift by the difference,
so the checkpoint results and round counting stay in one coordinate system.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

from fleet_protocol.site import Site
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import MissionPlan, compile_mission, first_start, is_cleaning
from fleet_server.missions.results import TERMINAL
from fleet_server.sites.routing import RouteGraph


@dataclass(frozen=True)
class Resume:
    """Where in the previous plan the mission picks up, and the new robot's way there."""

    target: int
    approach: list[str]

    @property
    def shift(self) -> int:
        """How far each remaining plan index moves."""
        return len(self.approach) - 1 - self.target

    def as_dict(self) -> dict[str, Any]:
        """The form kept in the mission's definition (so a restarted server plans the same)."""
        return {"target": self.target, "approach": self.approach}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Resume:
        """The resume a definition entry describes."""
        return cls(target=int(data["target"]), approach=list(data["approach"]))


def resume_target(mission: Mission) -> int:
    """The plan index an interrupted mission picks up at.

    A cleaning mission re-drives the lane it was on; a checkpoint whose actions had not all ended
    is visited again; otherwise the mission goes on to the node after the last one passed.
    """
    last = max(0, mission.nodes_passed - 1)
    if is_cleaning(mission) or mission.nodes_passed == 0:
        return last
    for visit in mission.results.get("checkpoints", []):
        if visit["plan_index"] == last and any(
            a["status"] not in TERMINAL for a in visit["actions"]
        ):
            return last
    return min(last + 1, len(mission.plan) - 1)


def approach_to(
    graph: RouteGraph, site: Site, plan: MissionPlan, target: int, start: str
) -> list[str]:
    """The nodes from `start` to the plan's node at `target`, that node included.

    A plan's own node (a lane end) is reached through the site node nearest to it.
    """
    node = plan.nodes[target]
    if node in plan.positions:
        entry = site.nearest_node(*plan.positions[node]).id
        path, _ = graph.shortest_path(start, entry)
        return [*path, node]
    path, _ = graph.shortest_path(start, node)
    return path


def resumed_plan(plan: MissionPlan, resume: Resume, site: Site) -> MissionPlan:
    """The plan from the new approach on: actions before the target are done and dropped."""
    shift = resume.shift
    nodes = resume.approach + plan.nodes[resume.target + 1 :]
    return MissionPlan(
        nodes=nodes,
        approach_nodes=plan.approach_nodes + shift,
        round_nodes=plan.round_nodes,
        length_m=_length(site, plan.positions, nodes),
        actions_at={
            index + shift: actions
            for index, actions in plan.actions_at.items()
            if index >= resume.target
        },
        slots=[replace(slot, plan_index=slot.plan_index + shift) for slot in plan.slots],
        positions=plan.positions,
    )


def shift_results(results: dict[str, Any], plan: MissionPlan, resume: Resume) -> dict[str, Any]:
    """The mission's results with every checkpoint and route visit moved into the resumed plan's
    indices (a route visit before the resume node was passed: -1, before the new approach).

    Actions that had not ended (one interrupted, or waiting for a retry under a retry id) wait
    again under the id the resumed plan's order gives them.
    """
    shift = resume.shift
    if "route_visits" in results:
        moved = [-1 if i < resume.target else i + shift for i in results["route_visits"]]
        results = results | {"route_visits": moved}
    if "checkpoints" not in results:
        return results
    visits = []
    for visit in results["checkpoints"]:
        index = visit["plan_index"] + shift
        ordered = plan.actions_at.get(index, [])
        actions = [
            a
            if a["status"] in TERMINAL or k >= len(ordered)
            else a | {"id": ordered[k].action_id, "status": "WAITING", "result": None}
            for k, a in enumerate(visit["actions"])
        ]
        visits.append(visit | {"plan_index": index, "actions": actions})
    return results | {"checkpoints": visits}


def _length(site: Site, positions: dict[str, tuple[float, float]], nodes: list[str]) -> float:
    points = [positions[n] if n in positions else _xy(site, n) for n in nodes]
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))


def _xy(site: Site, node_id: str) -> tuple[float, float]:
    node = site.node(node_id)
    return node.x, node.y


def current_plan(mission: Mission, graph: RouteGraph, site: Site) -> MissionPlan:
    """The plan the mission drives now: compiled from its first start, then every resume."""
    plan = compile_mission(mission, graph, site, first_start(mission))
    for entry in mission.definition.get("resumes", []):
        plan = resumed_plan(plan, Resume.of(entry), site)
    return plan
