"""Handing the rest of a mission over: when its robot reaches the charger and an idle capable
robot, charged for all the rest, finishes it sooner than charging and coming back would, the
rest goes to that robot (same mission) and the first robot's charge goes on as a dock mission."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from fleet_protocol.state import State
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import start_node_of
from fleet_server.missions.charge_orders import handed_off_charge
from fleet_server.missions.charging import MissionLegs
from fleet_server.missions.legs import (
    Handover,
    best_handover,
    charge_minutes,
    clock_time,
    drive_time,
    level_for,
    plan_length,
)
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import required_actions
from fleet_server.missions.resume import approach_to
from fleet_server.missions.robot_choice import fits
from fleet_server.sites.routing import NoRoute
from fleet_server.texts import figure

log = logging.getLogger(__name__)


class MissionHandover(MissionLegs):
    """Offers the rest of a charging mission to idle robots that would finish it sooner."""

    def _try_handover(self, mission: Mission, robot: Robot, state: State) -> bool:
        """On the charger: hand the rest over if an idle robot finishes it sooner."""
        leg = mission.definition["leg"]
        now = self.clock()
        rules = self._rules_of(robot)
        minutes = charge_minutes(state.battery_state.battery_charge, leg["target"], rules)
        mine = now + timedelta(minutes=minutes) + drive_time(leg["back_m"] + leg["rest_m"], rules)
        handover = best_handover(mine, self._offers(mission, now))
        if handover is None:
            return False
        self._hand_over(mission, robot, handover)
        return True

    def _offers(self, mission: Mission, now: datetime) -> list[tuple[str, datetime]]:
        """Idle capable robots with the charge for all the rest, and when each would finish."""
        leg = mission.definition["leg"]
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        plan = self._plan(mission)
        target = int(mission.definition["resume_at"])
        floor = self.floor_of(mission) or 0.0
        required = required_actions(mission)
        offers: list[tuple[str, datetime]] = []
        for other in self._idle_robots(mission.site_id):
            # A robot on an automatic charge is not offered: the rest would wait, unplanned,
            # for that charge to end (it is dispatch's to end one, for queued work).
            if other.mission_id is not None:
                continue
            if not fits(mission, other, required) or other.battery is None:
                continue
            assert other.x is not None and other.y is not None
            start, offset = start_node_of(graph, other.x, other.y)
            try:
                approach = approach_to(graph, site, plan, target, start)
            except NoRoute:
                continue
            work_m = offset + plan_length(site, plan.positions, approach) + leg["rest_m"]
            model = self.chooser.battery_for(other, mission)
            plain = self.chooser.battery_of(other)
            needs = level_for(model, work_m, leg["after_m"], floor, plain)
            if other.battery >= needs:
                rules = self._rules_of(other)
                offers.append((other.serial_number, now + drive_time(work_m, rules)))
        return offers

    def _hand_over(self, mission: Mission, robot: Robot, handover: Handover) -> None:
        site = self.sites.get(mission.site_id)
        taker = self.registry.get(handover.serial_number)
        gain_min = handover.gain.total_seconds() / 60
        reason = reasons.HANDED_OVER.of(
            robot=taker.serial_number,
            time=clock_time(handover.finishes_at, site.timezone),
            minutes=figure(gain_min),
            charger=robot.serial_number,
        )
        self._charge_on_alone(mission, robot, taker.serial_number)
        mission.results = mission.results | {
            "handovers": [
                *mission.results.get("handovers", []),
                {
                    "from": robot.serial_number,
                    "to": taker.serial_number,
                    "at": self.clock().isoformat(),
                    "finishes_about": handover.finishes_at.isoformat(),
                    "sooner_min": round(gain_min, 1),
                },
            ]
        }
        self._keep_lanes_passed(mission)
        mission.explain(reason)
        log.info("mission %s %s", mission.id, reason)
        self._assign(mission, taker)

    def _charge_on_alone(self, mission: Mission, robot: Robot, taker: str) -> None:
        """The first robot's charging order goes on as a dock mission of its own."""
        dock = handed_off_charge(
            mission,
            mission.definition["leg"],
            taker,
            self.priorities.get("dock", 0),
            self.clock(),
        )
        self.store.save_mission(dock)
        assert dock.id is not None
        self._unfinished[dock.id] = dock
        robot.mission_id = dock.id
        self.registry.mark_dirty(robot.serial_number)
        self._notify(dock)
