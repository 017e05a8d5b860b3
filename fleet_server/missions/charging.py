"""Charging legs: a mission whose robot reaches its battery floor, or the end of the leg planned
for its charge, pauses; the robot charges at the nearest free charger to what the rest needs and
resumes where it stopped, or hands the rest to a charged idle robot that finishes sooner. It stays
one mission: its id, progress, results and coverage go on across legs (missions.legs decides)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_protocol.state import ActionStatus, ErrorLevel, State
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import start_node_of
from fleet_server.missions.charge_orders import charge_order
from fleet_server.missions.intake import MissionIntake
from fleet_server.missions.legs import (
    LegRules,
    charge_minutes,
    charge_target,
    charger_distances,
    clock_time,
    drive_time,
    leg_end,
    plan_length,
    plan_to_charger,
    steps_of,
    used,
    way_to_charger,
)
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.observe import DEFAULT_ACCEPT_TIMEOUT, observe
from fleet_server.missions.orders import Release
from fleet_server.missions.resume import approach_to, resume_target
from fleet_server.sites.routing import NoRoute
from fleet_server.texts import Text, figure

log = logging.getLogger(__name__)

TERMINAL = (ActionStatus.FINISHED, ActionStatus.FAILED)
# A robot that has not taken its charging order by then never will (as for any order).
CHARGE_ORDER_TIMEOUT = DEFAULT_ACCEPT_TIMEOUT


class MissionLegs(MissionIntake):
    """Plans each assignment's leg for the robot's charge and carries missions across charges."""

    leg_rules: LegRules = LegRules()

    def floor_of(self, mission: Mission) -> float | None:
        """The charge (percent) below which the mission's robot stops to charge; a dock mission
        has none."""
        if mission.kind == "dock":
            return None
        floor = mission.definition.get("battery_floor")
        return self.battery_floor if floor is None else float(floor)

    def _assign(self, mission: Mission, robot: Robot) -> None:
        # A mission taken over (lost robot, preemption) while charging starts its new leg clean.
        mission.definition = {
            k: v for k, v in mission.definition.items() if k not in ("leg", "leg_end")
        }
        super()._assign(mission, robot)

    def _held(self, mission: Mission, release: Release | None) -> Release | None:
        """Releases stop at the end of the leg under way, so the robot waits there to charge."""
        release = super()._held(mission, release)
        if release is not None and release.first == 0:
            # The first part of an order is released once per assignment: plan its leg.
            self._plan_leg(mission)
        end = mission.definition.get("leg_end")
        if release is None or end is None or release.base_end <= end + 1:
            return release
        if release.first > 0 and end + 1 <= release.first + 1:
            return None
        return Release(release.first, end + 1, max(release.horizon_end, end + 1))

    def _plan_leg(self, mission: Mission) -> None:
        """Where the leg the robot's charge allows ends (None: it covers the whole plan)."""
        definition = {k: v for k, v in mission.definition.items() if k != "leg_end"}
        mission.definition = definition
        floor = self.floor_of(mission)
        robot = self._robot_of(mission)
        if floor is None or robot is None or robot.battery is None:
            return
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        plan = self._plan(mission)
        to_dock = charger_distances(graph, site, self.chargers, robot.serial_number)
        end = leg_end(
            steps_of(site, plan.positions, plan.nodes),
            plan_to_charger(site, plan.positions, plan.nodes, to_dock),
            robot.battery,
            self.chooser.battery_for(robot, mission),
            floor,
            self.chooser.battery_of(robot),
        )
        if end is not None and end < len(plan.nodes) - 1:
            mission.definition = definition | {"leg_end": end}
            log.info("mission %s: its leg ends at plan index %d", mission.id, end)

    def _follow_leg(self, mission: Mission, robot: Robot, state: State) -> bool:
        """Carry the mission through a charging leg; True if this state was the leg's (the
        mission is stopping, waiting for a charger, or charging)."""
        leg = mission.definition.get("leg")
        if leg is None:
            why = self._leg_due(mission, state)
            if why is None:
                return False
            self._stop_for_charge(mission, why)
            return True
        stage = leg["stage"]
        if stage == "stopping":
            self._follow_stop(mission, robot, state)
        elif stage == "waiting":
            self._go_charge(mission, robot)
        else:
            self._follow_charging(mission, robot, state)
        return True

    def _leg_due(self, mission: Mission, state: State) -> Text | None:
        """Why the robot must stop to charge now, if it must."""
        floor = self.floor_of(mission)
        # A robot an operator paused stays where it is until it is resumed.
        paused = mission.status is MissionStatus.PAUSED
        if floor is None or paused or mission.nodes_passed >= mission.nodes_total:
            return None
        charge = state.battery_state.battery_charge
        if charge < floor:
            return reasons.LEG_FLOOR.of(battery=figure(charge), floor=figure(floor))
        end = mission.definition.get("leg_end")
        if end is None or mission.nodes_passed - 1 < end or state.driving:
            return None
        plan = self._plan(mission)
        ids = {a.action_id for a in plan.actions_at.get(end, [])}
        if any(a.action_id in ids and a.action_status not in TERMINAL for a in state.action_states):
            return None
        node = plan.nodes[end]
        return reasons.LEG_ENDED.of(node=node, battery=figure(charge))

    def _stop_for_charge(self, mission: Mission, why: Text) -> None:
        self._control(mission, CANCEL_ORDER)
        leg = {"stage": "stopping", "why": why.wire(), "stop_action": mission.control_action_id}
        mission.definition = mission.definition | {"leg": leg}
        self.store.save_mission(mission)
        log.info("mission %s pauses to charge: %s", mission.id, why)

    def _follow_stop(self, mission: Mission, robot: Robot, state: State) -> None:
        """Wait for the robot to stop the mission's order; then send it to charge."""
        seen = observe(mission, state, self.clock())
        leg = mission.definition["leg"]
        ours = leg["stop_action"] == mission.control_action_id
        if seen.status is MissionStatus.CANCELLED and ours:
            assert mission.id is not None
            mission.definition = mission.definition | {"resume_at": resume_target(mission)}
            mission.control_action_id = None
            mission.control_action_type = None
            self.reconciler.retire(mission.order_id, mission.id, "paused to charge", robot)
            self._go_charge(mission, robot)
        elif seen.status is not None and seen.status.finished:
            # It ended before the stop took effect (or an operator cancelled it meanwhile).
            self._finish(mission, seen.status, seen.reason)

    def _go_charge(self, mission: Mission, robot: Robot) -> None:
        """Send the robot to the nearest free charger with a target for the rest of the mission;
        if every charger is taken, it waits where it stands (and says until about when)."""
        assert mission.id is not None and robot.x is not None and robot.y is not None
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        leg = mission.definition["leg"]
        start, offset = start_node_of(graph, robot.x, robot.y)
        choice = self.chargers.nearest(graph, site, start, robot.serial_number)
        if choice is None:
            self._finish(mission, MissionStatus.FAILED, reasons.LEG_NO_DOCK.of(why=_why(leg)))
            return
        now = self.clock()
        if not choice.free_now:
            reason = (
                reasons.LEG_WAITING_ABOUT.of(
                    why=_why(leg),
                    dock=choice.dock.id,
                    time=clock_time(choice.free_at, site.timezone),
                )
                if choice.free_at
                else reasons.LEG_WAITING.of(why=_why(leg), dock=choice.dock.id)
            )
            self._set_leg(mission, leg | {"stage": "waiting"}, reason)
            return
        model, plain = self.chooser.battery_for(robot, mission), self.chooser.battery_of(robot)
        rules = self._rules_of(robot)
        back_m, rest_m, after_m = self._rest_of(mission, choice.dock.node)
        floor = self.floor_of(mission) or 0.0
        target = charge_target(model, back_m + rest_m, after_m, floor, plain)
        arrives = (robot.battery or 0.0) - used(plain, choice.distance_m)
        minutes = charge_minutes(arrives, target, rules)
        ready = now + drive_time(choice.distance_m, rules) + timedelta(minutes=minutes)
        self.chargers.reserve(robot.serial_number, site, choice.dock, now, until=ready)
        number = len(mission.results.get("charging_legs", [])) + 1
        charge_id, nodes = self._send_charge_order(
            mission, robot, choice.dock.id, target, start, offset
        )
        mission.results = mission.results | {
            "charging_legs": [
                *mission.results.get("charging_legs", []),
                {
                    "leg": number,
                    "robot": robot.serial_number,
                    "dock": choice.dock.id,
                    "why": _why(leg).message,
                    "battery_percent": robot.battery,
                    "target_percent": round(target, 1),
                    "started_at": now.isoformat(),
                    "resumes_about": ready.isoformat(),
                },
            ]
        }
        leg = leg | {
            "stage": "charging",
            "sent_at": now.isoformat(),
            "dock": choice.dock.id,
            "target": target,
            "charge_action": charge_id,
            "nodes": nodes,
            "back_m": back_m,
            "rest_m": rest_m,
            "after_m": after_m,
        }
        reason = reasons.LEG_CHARGING.of(
            why=_why(leg),
            dock=choice.dock.id,
            target=figure(target),
            time=clock_time(ready, site.timezone),
        )
        self._set_leg(mission, leg, reason)
        log.info("mission %s: %s", mission.id, reason)

    def _set_leg(self, mission: Mission, leg: dict[str, Any], reason: Text) -> None:
        changed = reason.message != mission.reason or mission.status is not MissionStatus.CHARGING
        mission.definition = mission.definition | {"leg": leg}
        mission.status = MissionStatus.CHARGING
        mission.explain(reason)
        if changed:
            self.store.save_mission(mission)
            self._notify(mission)

    def _send_charge_order(
        self, mission: Mission, robot: Robot, dock_id: str, target: float, start: str, offset: float
    ) -> tuple[str, list[str]]:
        """Send the robot its order for the leg (missions.charge_orders); the mission's order id
        is this order's until the work resumes. The charge action's id and the order's nodes."""
        assert mission.id is not None
        site = self.sites.get(mission.site_id)
        leg = charge_order(
            mission_id=mission.id,
            leg=len(mission.results.get("charging_legs", [])) + 1,
            site=site,
            graph=self.sites.graph(site.id),
            start=start,
            start_deviation_m=offset,
            dock_id=dock_id,
            target=target,
            manufacturer=robot.manufacturer,
            serial_number=robot.serial_number,
        )
        mission.order_id = leg.order.order_id
        mission.order_update_id = 0
        self.outbox.send_order(robot, leg.order)
        return leg.charge_action_id, leg.nodes

    def _rest_of(self, mission: Mission, dock_node: str) -> tuple[float, float, float]:
        """Metres from the dock back to where the mission resumes, of the rest of its plan, and
        from its end to a charger."""
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        plan = self._plan(mission)
        target = int(mission.definition["resume_at"])
        try:
            back = approach_to(graph, site, plan, target, dock_node)
        except NoRoute:
            back = [dock_node]
        back_m = plan_length(site, plan.positions, back)
        rest_m = plan_length(site, plan.positions, plan.nodes[target:])
        last = plan.nodes[-1]
        if last in plan.positions:
            last = site.nearest_node(*plan.positions[last]).id
        after_m = way_to_charger(graph, site, last, self.chargers)
        return back_m, rest_m, after_m

    def _rules_of(self, robot: Robot) -> LegRules:
        """The leg figures, with the robot's own charging rate and driving speed where they
        are known (learned from its telemetry)."""
        model = self.chooser.battery_of(robot)
        rate = model.charge_percent_per_min or self.leg_rules.charge_percent_per_min
        speed = model.metres_per_min / 60.0 if model.metres_per_min else self.leg_rules.speed_m_s
        return LegRules(charge_percent_per_min=float(rate), speed_m_s=speed)

    def _follow_charging(self, mission: Mission, robot: Robot, state: State) -> None:
        """Follow the charging order: an operator's cancel ends the mission, a failure fails it,
        arrival on the charger may hand the rest over, and a full enough battery resumes it."""
        leg = mission.definition["leg"]
        seen = observe(mission, state, self.clock())
        if mission.control_action_type == CANCEL_ORDER and seen.status is MissionStatus.CANCELLED:
            self._finish(mission, MissionStatus.CANCELLED, seen.reason)
            return
        # A FATAL error, a failure of the charging order, or the robot's refusal of it (an
        # order error naming it while the robot keeps another order).
        refused = bool(seen.errors) and state.order_id != mission.order_id
        if any(e.error_level is ErrorLevel.FATAL for e in state.errors) or (
            seen.status is MissionStatus.FAILED and (state.order_id == mission.order_id or refused)
        ):
            failed = seen.reason or reasons.PART_FAILED.of()
            self._finish(mission, MissionStatus.FAILED, reasons.LEG_ROBOT_FAILED.of(why=failed))
            return
        if state.order_id != mission.order_id:
            self._check_taken(mission, leg)
            return
        charge = next((a for a in state.action_states if a.action_id == leg["charge_action"]), None)
        if charge is None:
            return
        if charge.action_status is ActionStatus.RUNNING and not leg.get("handover_checked"):
            mission.definition = mission.definition | {"leg": leg | {"handover_checked": True}}
            if self._try_handover(mission, robot, state):
                return
        if state.driving or state.node_states or charge.action_status not in TERMINAL:
            return
        if charge.action_status is ActionStatus.FAILED:
            detail = charge.result_description
            self._finish(
                mission,
                MissionStatus.FAILED,
                reasons.LEG_CHARGE_FAILED.of(detail=detail)
                if detail
                else reasons.LEG_CHARGE_ACTION_FAILED.of(),
            )
            return
        self._resume_after_charging(mission, robot, state.battery_state.battery_charge)

    def _check_taken(self, mission: Mission, leg: dict[str, Any]) -> None:
        """Fail the mission if its robot has not taken the charging order in time (it reports
        another order, or none, and no error): it would otherwise wait on it for ever."""
        sent = leg.get("sent_at")
        if sent is None:  # a leg begun before the time was kept
            return
        waited = self.clock() - datetime.fromisoformat(sent)
        if waited > CHARGE_ORDER_TIMEOUT:
            seconds = figure(CHARGE_ORDER_TIMEOUT.total_seconds())
            self._finish(mission, MissionStatus.FAILED, reasons.LEG_NOT_TAKEN.of(seconds=seconds))

    def _resume_after_charging(self, mission: Mission, robot: Robot, charge: float) -> None:
        assert mission.id is not None
        self.chargers.release(robot.serial_number)
        legs = list(mission.results.get("charging_legs", []))
        if legs:
            legs[-1] = legs[-1] | {
                "charged_to_percent": round(charge, 1),
                "ended_at": self.clock().isoformat(),
            }
        mission.results = mission.results | {"charging_legs": legs}
        self.reconciler.retire(mission.order_id, mission.id, "charging leg ended", robot)
        self._keep_lanes_passed(mission)
        mission.explain(None)
        log.info("mission %s resumes on %s at %.0f %%", mission.id, robot.serial_number, charge)
        self._assign(mission, robot)

    def _try_handover(self, mission: Mission, robot: Robot, state: State) -> bool:
        """On the charger: whether the rest went to another robot (missions.handover)."""
        return False

    def _requeue(self, mission: Mission, robot: Robot, *, lost: Text | None = None) -> None:
        # A robot lost while charging for the mission gives its charger back.
        if mission.definition.get("leg", {}).get("stage") == "charging":
            self.chargers.release(robot.serial_number)
        super()._requeue(mission, robot, lost=lost)

    def _finish(self, mission: Mission, status: MissionStatus, reason: Text | None) -> None:
        # A charger held for a leg (or a charge handed off) is free again when the mission ends.
        charging = mission.definition.get("leg", {}).get("stage") == "charging"
        if mission.robot and (charging or "charging_for" in mission.definition):
            self.chargers.release(mission.robot)
        super()._finish(mission, status, reason)


def _why(leg: dict[str, Any]) -> Text:
    """Why the leg's robot stopped to charge (kept as a sentence; before codes, as English)."""
    return Text.kept(leg["why"])
