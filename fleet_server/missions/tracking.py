"""Following missions from what their robots report: progress, results, ends and offline robots."""

from __future__ import annotations

import logging
from datetime import datetime

from fleet_protocol.kinds import CANCEL_ORDER
from fleet_protocol.logs import LogContext
from fleet_protocol.state import State
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.outbox import instant_action
from fleet_server.missions import reasons
from fleet_server.missions.core import ACTIVE
from fleet_server.missions.handover import MissionHandover
from fleet_server.missions.idle_charging import AUTOMATIC
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.observe import observe
from fleet_server.missions.orders import Release
from fleet_server.missions.results import update_results
from fleet_server.texts import Text

log = logging.getLogger(__name__)


class MissionTracking(MissionHandover):
    """Reads each robot's state into its mission and releases the next part when due."""

    def on_robot_state(self, robot: Robot, state: State) -> None:
        """Follow the robot's mission from its state; release the next part when due. A robot
        running any order but its mission's is told to cancel it (missions.reconcile)."""
        mission = self._unfinished.get(robot.mission_id) if robot.mission_id is not None else None
        if mission is not None and mission.status not in ACTIVE:
            mission = None
        self.reconciler.check(robot, state, mission.order_id if mission is not None else None)
        if mission is None:
            return
        with LogContext(mission=mission.id):
            try:
                self._follow(mission, robot, state)
            except Exception as exc:
                # One mission whose state cannot be followed fails alone; the fleet goes on.
                self._set_aside(mission, "mission tracking", exc)

    def _follow(self, mission: Mission, robot: Robot, state: State) -> None:
        if "preempted_by" in mission.definition or "recalled_by" in mission.definition:
            self._follow_preemption(mission, robot, state)
            return
        if self._follow_leg(mission, robot, state):
            return
        seen = observe(mission, state, self.clock())
        assert mission.id is not None
        if seen.nodes_passed is not None and seen.nodes_passed != mission.nodes_passed:
            mission.nodes_passed = seen.nodes_passed
            self._dirty.add(mission.id)
        update = update_results(mission, state, self.clock())
        for visit in update.completed:
            self._notify_visit(mission, visit)
        if update.retries:
            # The robot waits at the checkpoint (nothing is released past it) while the failed
            # actions run again; the mission goes on from the next state after them.
            self.outbox.send_instant_actions(robot, list(update.retries))
            self.store.save_mission(mission)
            return
        if update.abort_reason is not None:
            self.outbox.send_instant_actions(robot, [instant_action(CANCEL_ORDER)])
            self._finish(mission, MissionStatus.FAILED, update.abort_reason)
            return
        if update.changed and seen.status is None:
            self.store.save_mission(mission)
            self._notify(mission)
        if seen.status is None:
            self._release_if_due(mission, robot)
            return
        if seen.errors:
            mission.errors = seen.errors
        if seen.status.finished:
            if seen.stop_robot:
                self.outbox.send_instant_actions(robot, [instant_action(CANCEL_ORDER)])
            self._finish(mission, seen.status, seen.reason)
            return
        if mission.started_at is None:
            mission.started_at = self.clock()
        mission.status = seen.status
        self.store.save_mission(mission)
        self._notify(mission)
        self._release_if_due(mission, robot)

    def _follow_preemption(self, mission: Mission, robot: Robot, state: State) -> None:
        """Wait for the robot to stop a preempted (or recalled) mission; its action states are the
        stop's, not the mission's outcome, so they are not folded into its results. An automatic
        charge stopped for work ends; other work re-queues to resume where it stopped."""
        seen = observe(mission, state, self.clock())
        if seen.status is MissionStatus.CANCELLED and mission.definition.get(AUTOMATIC):
            by = mission.definition.get("preempted_by")
            self._finish(mission, MissionStatus.CANCELLED, reasons.CHARGE_ENDED.of(mission=by))
        elif seen.status is MissionStatus.CANCELLED:
            self._requeue(mission, robot)
        elif seen.status is not None and seen.status.finished:
            # It ended on its own (completed, or failed) before the stop took effect.
            self._finish(mission, seen.status, seen.reason)

    def _release_if_due(self, mission: Mission, robot: Robot) -> None:
        if self._end_time_reached(mission):
            self._truncate_at_round_end(mission, robot)
        release = self._held(
            mission,
            self.policy.next(mission.nodes_total, mission.released_until, mission.nodes_passed),
        )
        if release is not None and mission.status in (
            MissionStatus.RUNNING,
            MissionStatus.ASSIGNED,
        ):
            mission.order_update_id += 1
            self._send(mission, robot, release)

    def _end_time_reached(self, mission: Mission) -> bool:
        until = mission.definition.get("until")
        if not until or mission.definition.get("ends_after_round") is not None:
            return False
        return self.clock() >= datetime.fromisoformat(until)

    def _truncate_at_round_end(self, mission: Mission, robot: Robot) -> None:
        """The end time has come: the patrol ends with the round under way (or being released)."""
        first = mission.approach_nodes - 1
        released_rounds = -(-(mission.released_until - 1 - first) // mission.round_nodes)
        rounds = max(1, released_rounds)
        end = first + rounds * mission.round_nodes
        mission.definition = mission.definition | {"ends_after_round": rounds}
        if end >= mission.nodes_total - 1:
            return
        mission.plan = mission.plan[: end + 1]
        mission.rounds = rounds
        visits = mission.results.get("checkpoints", [])
        mission.results = mission.results | {
            "checkpoints": [v for v in visits if v["plan_index"] <= end],
            "route_visits": [i for i in mission.results.get("route_visits", []) if i <= end],
        }
        log.info("mission %s: end time reached, ending after round %d", mission.id, rounds)
        if mission.released_until >= mission.nodes_total:
            # Everything left is released: an update of the last base node alone drops the
            # horizon beyond it, so the robot knows its order ends there.
            mission.order_update_id += 1
            last = mission.nodes_total
            self._send(mission, robot, Release(last - 1, last, last))
        else:
            self.store.save_mission(mission)

    def on_robot_offline(self, robot: Robot, reason: Text) -> None:
        """Start the grace period of the robot's mission; check_offline ends it if it runs out."""
        mission = self._unfinished.get(robot.mission_id) if robot.mission_id else None
        if mission is not None and mission.id is not None and mission.status in ACTIVE:
            why = reasons.ROBOT_OFFLINE.of(robot=robot.serial_number, why=reason)
            self._offline_since[mission.id] = (self.clock(), why)

    def on_robot_online(self, robot: Robot) -> None:
        """A robot back in time keeps its mission; a free one may take queued work."""
        if robot.mission_id is not None:
            self._offline_since.pop(robot.mission_id, None)
        self.dispatch()

    def check_offline(self) -> None:
        """Fail the missions whose robot has stayed offline for longer than the grace period.

        Time the server itself spent cut off from the broker does not count against the robot.
        """
        link_up = self.registry.broker_connected_since
        if link_up is None:
            return
        now = self.clock()
        for mission_id, (since, reason) in list(self._offline_since.items()):
            if now - max(since, link_up) < self.offline_grace:
                continue
            del self._offline_since[mission_id]
            mission = self._unfinished.get(mission_id)
            if mission is None or mission.status not in ACTIVE:
                continue
            with LogContext(robot=mission.robot, mission=mission_id):
                try:
                    self._robot_lost(mission, reason)
                except Exception as exc:
                    self._set_aside(mission, "offline check", exc)

    def _robot_lost(self, mission: Mission, reason: Text) -> None:
        """The robot stayed offline past the grace: by its kind's policy, the mission re-queues
        to resume where it stopped, or fails; a stale order on the robot, when it is back, is
        cancelled before it takes new work (missions.reconcile)."""
        assert mission.robot is not None
        if self.lost_robot_policy.get(mission.kind) == "requeue":
            self._requeue(mission, self.registry.get(mission.robot), lost=reason)
        else:
            self._finish(mission, MissionStatus.FAILED, reason)
