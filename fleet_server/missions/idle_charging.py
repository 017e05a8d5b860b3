"""Idle robots charge by themselves: below a threshold, a robot with nothing to do is sent to a
free charger, and leaves it again when work comes that its charge is enough for."""

from __future__ import annotations

import logging

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import start_node_of
from fleet_server.missions.core import MissionCore
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.texts import Text, figure

log = logging.getLogger(__name__)

# Set in a dock mission's definition when the server made it by itself (why).
AUTOMATIC = "automatic"
DOCK_ACTIONS = frozenset({"dock", "charge"})


def on_automatic_charge(mission: Mission | None) -> bool:
    """Whether the mission is an automatic charge under way that work may still end."""
    return (
        mission is not None
        and mission.kind == "dock"
        and bool(mission.definition.get(AUTOMATIC))
        and mission.status in (MissionStatus.ASSIGNED, MissionStatus.RUNNING)
        and "preempted_by" not in mission.definition
    )


def wants_charge(robot: Robot, below_percent: float) -> bool:
    """Whether an idle robot is low enough to go and charge by itself."""
    return (
        robot.online
        and robot.mission_id is None
        and robot.map_id is not None
        and robot.x is not None
        and robot.y is not None
        and not robot.paused
        and not robot.charging
        and robot.battery is not None
        and robot.battery < below_percent
        and set(robot.actions) >= DOCK_ACTIONS
    )


def charge_reason(robot: Robot, below_percent: float) -> Text:
    """What an automatic charge says about why it was made."""
    assert robot.battery is not None
    return reasons.IDLE_CHARGE.of(battery=figure(robot.battery), threshold=figure(below_percent, 1))


def robots_to_charge(core: MissionCore) -> list[Robot]:
    """Idle robots below the threshold, with no order under way and no dock mission waiting for
    them, for which a charger is free now."""
    below = core.idle_charge_below_percent
    waiting = {
        m.requested_robot
        for m in core._unfinished.values()
        if m.kind == "dock" and m.status is MissionStatus.QUEUED
    }
    sites = {site.id for site in core.sites.all()}
    chosen = []
    for robot in core.registry.all():
        if (
            not wants_charge(robot, below)
            or robot.serial_number in waiting
            or not core.registry.free_of_orders(robot.serial_number)
            or robot.map_id not in sites
        ):
            continue
        assert robot.map_id is not None and robot.x is not None and robot.y is not None
        site = core.sites.get(robot.map_id)
        graph = core.sites.graph(site.id)
        start, _ = start_node_of(graph, robot.x, robot.y)
        choice = core.chargers.nearest(graph, site, start, robot.serial_number)
        if choice is not None and choice.free_now:
            chosen.append(robot)
    return chosen


def end_charge_for(core: MissionCore, mission: Mission, robot: Robot) -> None:
    """The robot on an automatic charge was chosen for `mission`: the charge is cancelled, and
    the mission waits for the robot to confirm (the preemption's protocol: the charge ends and
    dispatch gives the mission out again, missions.tracking)."""
    assert mission.id is not None and robot.mission_id is not None
    charge = core._unfinished[robot.mission_id]
    charge.definition = charge.definition | {"preempted_by": mission.id}
    core._preempting[mission.id] = robot.mission_id
    core._control(charge, CANCEL_ORDER)
    mission.explain(reasons.WAITING_CHARGE_END.of(robot=robot.serial_number, mission=charge.id))
    core.store.save_mission(mission)
    core._notify(mission)
    log.info(
        "mission %s ends the automatic charge %s of %s", mission.id, charge.id, robot.serial_number
    )
