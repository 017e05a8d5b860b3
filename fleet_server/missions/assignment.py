"""Giving a mission to a robot: its plan compiled (or resumed where it stopped), its order built
and released in parts, held at a checkpoint that may still retry."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.allocation import start_node_of
from fleet_server.missions.core import MissionCore
from fleet_server.missions.idle_charging import end_charge_for
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.orders import Release, build_order
from fleet_server.missions.plans import MissionPlan, compile_mission
from fleet_server.missions.results import held_at, initial_results
from fleet_server.missions.resume import (
    Resume,
    approach_to,
    current_plan,
    resumed_plan,
    shift_results,
)

log = logging.getLogger(__name__)


class MissionAssignment(MissionCore):
    """Assigns a mission to a robot and sends the parts of its order as they are due."""

    def _assign(self, mission: Mission, robot: Robot) -> None:
        assert mission.id is not None and robot.x is not None and robot.y is not None
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        start, offset = start_node_of(graph, robot.x, robot.y)
        if robot.mission_id not in (None, mission.id):
            # Only a robot on an automatic charge is offered while it has another mission
            # (dispatch's _idle_robots): it ends the charge first, then takes the mission. (Its
            # own mission comes back to it after a charging leg, missions.charging.)
            end_charge_for(self, mission, robot)
            return
        if mission.kind == "dock" and self._waits_for_charger(mission, robot, start):
            return
        if "resume_at" in mission.definition:
            plan = self._resume(mission, start)
        else:
            mission.definition = mission.definition | {"start_node": start}
            plan = compile_mission(mission, graph, site, start)
            mission.results = initial_results(plan)
        self._plans[mission.id] = plan
        self.chooser.forget(mission.id)
        mission.plan = plan.nodes
        mission.approach_nodes = plan.approach_nodes
        mission.round_nodes = plan.round_nodes
        mission.nodes_passed = 0
        mission.robot = robot.serial_number
        mission.status = MissionStatus.ASSIGNED
        mission.assigned_at = self.clock()
        mission.order_id = f"mission-{mission.id}-{uuid.uuid4().hex[:8]}"
        mission.order_update_id = 0
        release = self._held(mission, self.policy.initial(mission.nodes_total))
        assert release is not None
        robot.mission_id = mission.id
        self.registry.mark_dirty(robot.serial_number)
        self._send(mission, robot, release, start_deviation_m=offset)
        self._notify(mission)
        log.info(
            "mission %s assigned to %s (%d nodes)",
            mission.id,
            robot.serial_number,
            len(plan.nodes),
            extra={"mission": mission.id, "robot": robot.serial_number},
        )

    def _waits_for_charger(self, mission: Mission, robot: Robot, start: str) -> bool:
        """Reserve a charger for the dock mission; if none is free it stays queued and says
        which dock it waits for and until about when."""
        waiting_for = self.charger_keeper.take(mission, robot, start)
        if waiting_for is None:
            return False
        mission.explain(waiting_for)
        if self.charger_keeper.wait_changed(mission, waiting_for):
            self.store.save_mission(mission)
            self._notify(mission)
        return True

    def _resume(self, mission: Mission, start: str) -> MissionPlan:
        """The rest of an interrupted mission, from the new robot's start node."""
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        before = self._plan(mission)
        target = int(mission.definition["resume_at"])
        resume = Resume(target, approach_to(graph, site, before, target, start))
        definition = {k: v for k, v in mission.definition.items() if k != "resume_at"}
        resumes = [*definition.get("resumes", []), resume.as_dict()]
        mission.definition = definition | {"resumes": resumes}
        plan = resumed_plan(before, resume, site)
        mission.results = shift_results(mission.results, plan, resume)
        rounds = mission.definition.get("ends_after_round")
        if rounds is not None and plan.round_nodes:
            # A patrol past its end time keeps ending with the round it was in.
            end = plan.approach_nodes - 1 + int(rounds) * plan.round_nodes
            plan = replace(plan, nodes=plan.nodes[: end + 1])
        return plan

    def _plan(self, mission: Mission) -> MissionPlan:
        """The mission's compiled plan (compiled again after a server restart)."""
        assert mission.id is not None
        if mission.id not in self._plans:
            site = self.sites.get(mission.site_id)
            self._plans[mission.id] = current_plan(mission, self.sites.graph(site.id), site)
        return self._plans[mission.id]

    def _send(
        self,
        mission: Mission,
        robot: Robot,
        release: Release,
        start_deviation_m: float | None = None,
    ) -> None:
        assert mission.order_id is not None
        assert mission.id is not None
        site = self.sites.get(mission.site_id)
        plan = self._plan(mission)
        order = build_order(
            site=site,
            plan=mission.plan,
            actions_at=plan.actions_at,
            positions=plan.positions,
            release=release,
            order_id=mission.order_id,
            order_update_id=mission.order_update_id,
            header_id=0,
            manufacturer=robot.manufacturer,
            serial_number=robot.serial_number,
            start_deviation_m=start_deviation_m,
        )
        mission.released_until = release.base_end
        self.store.save_mission(mission)
        self.outbox.send_order(robot, order)

    def _held(self, mission: Mission, release: Release | None) -> Release | None:
        """The release cut short at a checkpoint that may still retry, or None if that leaves
        nothing new to send."""
        if release is None:
            # Most state messages release nothing: the checkpoints are not parsed for them.
            return None
        hold = held_at(mission)
        if hold is None or release.base_end <= hold + 1:
            return release
        if release.first > 0 and hold + 1 <= release.first + 1:
            return None
        return Release(release.first, hold + 1, max(release.horizon_end, hold + 1))
