"""The orders and records of a charging leg: the robot's order to a dock (as a dock mission's,
with action ids of the leg's own), and the dock mission a handed-off charge goes on as (no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleet_protocol.order import Order
from fleet_protocol.site import Site
from fleet_server.missions import reasons
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.orders import Release, build_order
from fleet_server.missions.plans import compile_dock
from fleet_server.sites.routing import RouteGraph


@dataclass(frozen=True)
class ChargeOrder:
    """A charging leg's order, the id of its charge action and the nodes it drives."""

    order: Order
    charge_action_id: str
    nodes: list[str]


def charge_order(
    *,
    mission_id: int,
    leg: int,
    site: Site,
    graph: RouteGraph,
    start: str,
    start_deviation_m: float,
    dock_id: str,
    target: float,
    manufacturer: str,
    serial_number: str,
) -> ChargeOrder:
    """To the dock from `start`, dock and charge to `target` percent, all released at once."""
    charging = Mission(
        id=mission_id,
        kind="dock",
        site_id=site.id,
        definition={"dock": dock_id, "target_level": target},
    )
    plan = compile_dock(charging, graph, site, start)
    # Ids of their own, so they are never taken for the mission's checkpoint actions.
    actions_at = {
        index: [
            a.model_copy(update={"action_id": f"m{mission_id}-leg{leg}-a{k}"})
            for k, a in enumerate(actions)
        ]
        for index, actions in plan.actions_at.items()
    }
    total = len(plan.nodes)
    order = build_order(
        site=site,
        plan=plan.nodes,
        actions_at=actions_at,
        release=Release(0, total, total),
        order_id=f"mission-{mission_id}-charge{leg}-{uuid.uuid4().hex[:8]}",
        order_update_id=0,
        header_id=0,
        manufacturer=manufacturer,
        serial_number=serial_number,
        start_deviation_m=start_deviation_m,
    )
    return ChargeOrder(order, actions_at[total - 1][-1].action_id, plan.nodes)


def handed_off_charge(
    mission: Mission, leg: dict[str, Any], taker: str, priority: int, now: datetime
) -> Mission:
    """The dock mission a robot's charging order goes on as once its mission is handed over:
    already running, its order the leg's."""
    assert mission.robot is not None
    nodes = list(leg["nodes"])
    charge = Mission(
        kind="dock",
        site_id=mission.site_id,
        requested_robot=mission.robot,
        robot=mission.robot,
        status=MissionStatus.RUNNING,
        priority=priority,
        definition={
            "dock": leg["dock"],
            "target_level": leg["target"],
            "start_node": nodes[0],
            "charging_for": mission.id,
        },
        plan=nodes,
        approach_nodes=len(nodes),
        nodes_passed=len(nodes),
        order_id=mission.order_id,
        released_until=len(nodes),
        assigned_at=now,
        started_at=now,
    )
    charge.explain(reasons.CHARGING_AFTER_HANDOVER.of(mission=mission.id, robot=taker))
    return charge
