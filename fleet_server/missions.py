"""The mission service: create, assign, release, track and control missions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from fleet_protocol.base import utc_now
from fleet_protocol.kinds import CANCEL_ORDER, START_PAUSE, STOP_PAUSE
from fleet_protocol.state import State
from fleet_server.allocation import BatteryModel, start_node_of
from fleet_server.clean_results import coverage_png, coverage_summary
from fleet_server.errors import Conflict, FleetError, Invalid, NotFound
from fleet_server.live import FleetRegistry
from fleet_server.mission_checks import check_request, mission_from_request
from fleet_server.mission_plans import MissionPlan, compile_mission, is_cleaning, required_actions
from fleet_server.mission_resume import (
    Resume,
    approach_to,
    current_plan,
    resume_target,
    resumed_plan,
    shift_results,
)
from fleet_server.models import DockCreate, Mission, MissionCreate, MissionStatus, Robot
from fleet_server.orders import Release, ReleasePolicy, build_order
from fleet_server.outbox import Outbox, instant_action
from fleet_server.results import held_at, initial_results, update_results
from fleet_server.robot_choice import RobotChooser
from fleet_server.sites import SiteRegistry
from fleet_server.tracking import observe

log = logging.getLogger(__name__)

ACTIVE = (MissionStatus.ASSIGNED, MissionStatus.RUNNING, MissionStatus.PAUSED)


class MissionListener(Protocol):
    """Told when a mission changes (assigned, progressed, re-queued, ended) or ends a visit."""

    def on_mission(self, mission: Mission) -> None:
        """The mission's status, robot, reason or results changed."""

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Every action of one checkpoint visit has ended."""


class MissionService:
    """Owns every unfinished mission; finished ones live only in the database."""

    def __init__(
        self,
        *,
        store: Any,
        registry: FleetRegistry,
        sites: SiteRegistry,
        outbox: Outbox,
        policy: ReleasePolicy,
        offline_grace_s: float = 30.0,
        battery_floor: float = 20.0,
        priorities: dict[str, int] | None = None,
        battery: BatteryModel | None = None,
        preemptible_kinds: Iterable[str] = (),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.registry = registry
        self.sites = sites
        self.outbox = outbox
        self.policy = policy
        self.clock = clock
        self._unfinished: dict[int, Mission] = {}
        self._dirty: set[int] = set()
        self.priorities = priorities or {}
        self.battery_floor = battery_floor
        self.chooser = RobotChooser(
            sites, battery or BatteryModel(percent_per_km=6.0, reserve_percent=10.0)
        )
        # Kinds of work an incident response may interrupt (none: responses wait for a robot).
        self.preemptible_kinds = frozenset(preemptible_kinds)
        self.listeners: list[MissionListener] = []
        self.offline_grace = timedelta(seconds=offline_grace_s)
        # Active missions whose robot is offline: since when, and why.
        self._offline_since: dict[int, tuple[datetime, str]] = {}
        # Compiled plans of assigned missions (actions, lane positions), reused by every release.
        self._plans: dict[int, MissionPlan] = {}
        # Why a mission we are ending ourselves ends (e.g. its battery floor), by mission id.
        self._end_reasons: dict[int, str] = {}

    def load(self) -> None:
        """Take over the unfinished missions from the database (after a server restart)."""
        for mission in self.store.unfinished_missions():
            assert mission.id is not None
            self._unfinished[mission.id] = mission
            if mission.robot and mission.status in ACTIVE:
                try:
                    self.registry.get(mission.robot).mission_id = mission.id
                except NotFound:
                    self._finish(mission, MissionStatus.FAILED, "robot no longer exists")

    # ---- queries

    def get(self, mission_id: int) -> Mission:
        """One mission, or NotFound."""
        mission = self._unfinished.get(mission_id) or self.store.get_mission(mission_id)
        if mission is None:
            raise NotFound(f"unknown mission {mission_id}")
        return mission

    def find(self, status: MissionStatus | None, robot: str | None, limit: int) -> list[Mission]:
        """Missions newest first; unfinished ones as they are in memory."""
        rows = self.store.list_missions(status=status, robot=robot, limit=limit)
        return [self._unfinished.get(m.id, m) for m in rows]

    # ---- commands

    def check(self, request: MissionCreate) -> Mission:
        """The mission a request describes, checked against its site (Invalid names the field)."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(f"unknown site {request.site!r}", field="site") from None
        check_request(request, site, self.sites.graph(site.id))
        return mission_from_request(request, self.priorities.get(request.kind, 0))

    def create(self, request: MissionCreate) -> Mission:
        """Check a request against its site and robot, store it, and assign it if one is free."""
        mission = self.check(request)
        if request.robot is not None:
            self._check_requested_robot(request.robot, mission.site_id, required_actions(mission))
        return self.add(mission)

    def add(self, mission: Mission) -> Mission:
        """Store a checked mission and assign it if a robot is free."""
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished[mission.id] = mission
        log.info("mission %s created: %s on %s", mission.id, mission.kind, mission.site_id)
        self.dispatch()
        return mission

    def coverage_image(self, mission_id: int) -> bytes:
        """The PNG of what a cleaning mission has covered so far."""
        mission = self.get(mission_id)
        if not is_cleaning(mission):
            raise Conflict(f"mission {mission_id} is a {mission.kind} mission, not a cleaning one")
        if not mission.plan:
            raise Conflict(f"mission {mission_id} has no robot yet, so no coverage")
        return coverage_png(mission, self.sites.get(mission.site_id))

    def reprioritise(self, mission_id: int, priority: int) -> Mission:
        """Change the priority of a queued mission."""
        mission = self._unfinished_or_conflict(mission_id, "reprioritise")
        if mission.status is not MissionStatus.QUEUED:
            raise Conflict(
                f"mission {mission_id} is {mission.status.value}; only a queued mission "
                "changes priority"
            )
        mission.priority = priority
        self.store.save_mission(mission)
        self.dispatch()
        return mission

    def _check_requested_robot(self, serial: str, site_id: str, required: set[str]) -> None:
        try:
            robot = self.registry.get(serial)
        except NotFound:
            raise Invalid(f"unknown robot {serial!r}", field="robot") from None
        if not robot.online:
            raise Conflict(f"robot {serial!r} is offline", field="robot")
        if robot.map_id != site_id:
            where = f"on map {robot.map_id!r}" if robot.map_id else "without a reported position"
            raise Conflict(f"robot {serial!r} is {where}, not on site {site_id!r}", field="robot")
        missing = required - set(robot.actions)
        if missing:
            raise Conflict(
                f"robot {serial!r} cannot do action {', '.join(sorted(missing))} "
                f"(it declares: {', '.join(robot.actions) or 'no actions'})",
                field="robot",
            )

    def cancel(self, mission_id: int) -> Mission:
        """Cancel: a queued mission at once; an active one when its robot confirms cancelOrder."""
        mission = self._unfinished_or_conflict(mission_id, "cancel")
        if mission.status is MissionStatus.QUEUED:
            self._finish(mission, MissionStatus.CANCELLED, "cancelled by operator")
        else:
            self._control(mission, CANCEL_ORDER)
        return mission

    def pause(self, mission_id: int) -> Mission:
        """Ask the robot to pause; the mission shows paused when the robot reports it."""
        mission = self._unfinished_or_conflict(mission_id, "pause")
        if mission.status not in (MissionStatus.ASSIGNED, MissionStatus.RUNNING):
            raise Conflict(
                f"mission {mission_id} is {mission.status.value}; only a running mission pauses"
            )
        self._control(mission, START_PAUSE)
        return mission

    def resume(self, mission_id: int) -> Mission:
        """Ask the robot to resume; the mission shows running when the robot reports it."""
        mission = self._unfinished_or_conflict(mission_id, "resume")
        if mission.status is not MissionStatus.PAUSED:
            raise Conflict(
                f"mission {mission_id} is {mission.status.value}; only a paused mission resumes"
            )
        self._control(mission, STOP_PAUSE)
        return mission

    def _unfinished_or_conflict(self, mission_id: int, verb: str) -> Mission:
        mission = self.get(mission_id)
        if mission.status.finished:
            raise Conflict(f"cannot {verb} mission {mission_id}: it is {mission.status.value}")
        return self._unfinished[mission_id]

    def _control(self, mission: Mission, action_type: str) -> None:
        assert mission.robot is not None
        action = instant_action(action_type)
        mission.control_action_id = action.action_id
        mission.control_action_type = action_type
        self.store.save_mission(mission)
        self.outbox.send_instant_actions(self.registry.get(mission.robot), [action])

    # ---- dispatch

    def dispatch(self) -> None:
        """Assign queued missions, highest priority then oldest first, to the nearest capable
        idle robot on their site that has the charge for the mission and the way to a dock.

        A mission that may preempt (an incident response) takes a robot from lower-priority work
        when no robot is idle: that work stops, re-queues, and later resumes where it stopped.
        """
        queued = [m for m in self._unfinished.values() if m.status is MissionStatus.QUEUED]
        for mission in sorted(queued, key=lambda m: (-m.priority, m.id or 0)):
            if self._stopping_for(mission) is not None:
                continue
            choice, waiting_for = self.chooser.choose(mission, self._idle_robots(mission.site_id))
            if choice is None and self._may_preempt(mission):
                choice, _ = self.chooser.choose(mission, self._preemptible_robots(mission))
                if choice is not None:
                    victim = self._preempt(self.registry.get(choice.serial_number), mission)
                    waiting_for = (
                        f"waiting for robot {choice.serial_number} to stop mission {victim}"
                    )
                    choice = None
            interrupted_by = mission.definition.get("interrupted_by")
            if interrupted_by is not None and "resume_at" in mission.definition:
                waiting_for = (
                    f"preempted by mission {interrupted_by}; resumes where it stopped "
                    f"({waiting_for})"
                )
            if choice is not None:
                mission.reason = None
                self._assign(mission, self.registry.get(choice.serial_number))
            elif waiting_for != mission.reason:
                # Say why the mission waits, so an operator can act on it.
                mission.reason = waiting_for
                self.store.save_mission(mission)
                self._notify(mission)

    def _may_preempt(self, mission: Mission) -> bool:
        return mission.kind == "respond" and bool(self.preemptible_kinds)

    def _stopping_for(self, mission: Mission) -> Mission | None:
        """The mission being stopped to free a robot for this one, if any."""
        for other in self._unfinished.values():
            if other.definition.get("preempted_by") == mission.id:
                return other
        return None

    def _preemptible_robots(self, mission: Mission) -> list[Robot]:
        """Online robots on the site busy with running work of a kind that may be interrupted
        and of lower priority than `mission`."""
        robots = []
        for robot in self.registry.all():
            current = self._unfinished.get(robot.mission_id) if robot.mission_id else None
            if (
                current is not None
                and robot.online
                and robot.map_id == mission.site_id
                and current.kind in self.preemptible_kinds
                and current.priority < mission.priority
                and current.status in (MissionStatus.ASSIGNED, MissionStatus.RUNNING)
                and "preempted_by" not in current.definition
            ):
                robots.append(robot)
        return robots

    def _preempt(self, robot: Robot, mission: Mission) -> int:
        """Stop the robot's current mission for `mission`; it re-queues once the robot stops."""
        assert robot.mission_id is not None
        victim = self._unfinished[robot.mission_id]
        victim.definition = victim.definition | {"preempted_by": mission.id}
        self._control(victim, CANCEL_ORDER)
        log.info("mission %s preempts mission %s on %s", mission.id, victim.id, robot.serial_number)
        return robot.mission_id

    def _requeue(self, mission: Mission, robot: Robot) -> None:
        """The preempted mission's robot has stopped: queue the mission to resume where it was."""
        assert mission.id is not None
        by = mission.definition.get("preempted_by")
        if is_cleaning(mission):
            # The lane ends cleaned so far count towards the coverage after it resumes.
            own = self._plan(mission).positions
            passed = [n for n in mission.plan[: mission.nodes_passed] if n in own]
            before = mission.results.get("passed_before", [])
            mission.results = mission.results | {"passed_before": [*before, *passed]}
        definition = {k: v for k, v in mission.definition.items() if k != "preempted_by"}
        mission.definition = definition | {
            "resume_at": resume_target(mission),
            "interrupted_by": by,
        }
        mission.status = MissionStatus.QUEUED
        mission.reason = f"preempted by mission {by}; resumes where it stopped"
        mission.robot = None
        mission.order_id = None
        mission.control_action_id = None
        mission.control_action_type = None
        self._plans.pop(mission.id, None)
        if robot.mission_id == mission.id:
            robot.mission_id = None
            self.registry.mark_dirty(robot.serial_number)
        self.store.save_mission(mission)
        self._notify(mission)
        log.info("mission %s re-queued after preemption by mission %s", mission.id, by)
        self.dispatch()

    def _idle_robots(self, site_id: str) -> list[Robot]:
        return [
            r
            for r in self.registry.all()
            if r.online
            and r.mission_id is None
            and r.map_id == site_id
            and not r.paused
            and not any(e["level"] == "FATAL" for e in r.errors)
        ]

    def _assign(self, mission: Mission, robot: Robot) -> None:
        assert mission.id is not None and robot.x is not None and robot.y is not None
        site = self.sites.get(mission.site_id)
        graph = self.sites.graph(site.id)
        start, offset = start_node_of(graph, robot.x, robot.y)
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
            "mission %s assigned to %s (%d nodes)", mission.id, robot.serial_number, len(plan.nodes)
        )

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
        mission.results = shift_results(mission.results, resume.shift)
        plan = resumed_plan(before, resume, site)
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

    # ---- robot events

    def on_robot_state(self, robot: Robot, state: State) -> None:
        """Follow the robot's mission from its state; release the next part when due."""
        if robot.mission_id is None:
            return
        mission = self._unfinished.get(robot.mission_id)
        if mission is None or mission.status not in ACTIVE:
            return
        if "preempted_by" in mission.definition:
            self._follow_preemption(mission, robot, state)
            return
        self._check_battery_floor(mission, robot, state.battery_state.battery_charge)
        seen = observe(mission, state, self.clock())
        if seen.nodes_passed is not None and seen.nodes_passed != mission.nodes_passed:
            mission.nodes_passed = seen.nodes_passed
            self._dirty.add(robot.mission_id)
        update = update_results(mission, state, self.clock())
        for visit in update.completed:
            for listener in self.listeners:
                listener.on_checkpoint(mission, visit)
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
            reason = self._end_reasons.pop(robot.mission_id, seen.reason)
            self._finish(mission, seen.status, reason)
            return
        if mission.started_at is None:
            mission.started_at = self.clock()
        mission.status = seen.status
        self.store.save_mission(mission)
        self._notify(mission)
        self._release_if_due(mission, robot)

    def _follow_preemption(self, mission: Mission, robot: Robot, state: State) -> None:
        """Wait for the robot to stop a preempted mission; its action states are the stop's, not
        the mission's outcome, so they are not folded into its results."""
        seen = observe(mission, state, self.clock())
        if seen.status is MissionStatus.CANCELLED:
            self._requeue(mission, robot)
        elif seen.status is not None and seen.status.finished:
            # It ended on its own (completed, or failed) before the stop took effect.
            reason = self._end_reasons.pop(robot.mission_id or 0, seen.reason)
            self._finish(mission, seen.status, reason)

    def _notify(self, mission: Mission) -> None:
        for listener in self.listeners:
            listener.on_mission(mission)

    def _check_battery_floor(self, mission: Mission, robot: Robot, charge: float) -> None:
        """Below its battery floor a patrol ends and its robot is sent to the nearest dock."""
        assert mission.id is not None
        floor = mission.definition.get("battery_floor")
        floor = self.battery_floor if floor is None else float(floor)
        if mission.kind != "patrol" or charge >= floor or mission.id in self._end_reasons:
            return
        reason = f"ended early: battery {charge:.0f} % is below the patrol's floor of {floor:.0f} %"
        self._control(mission, CANCEL_ORDER)
        try:
            dock = self.create(
                DockCreate(kind="dock", site=mission.site_id, robot=robot.serial_number)
            )
            reason += f"; sent to a dock (mission {dock.id})"
        except FleetError as exc:
            reason += f"; no dock mission: {exc.message}"
        self._end_reasons[mission.id] = reason
        log.info("mission %s %s", mission.id, reason)

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

    @staticmethod
    def _held(mission: Mission, release: Release | None) -> Release | None:
        """The release cut short at a checkpoint that may still retry, or None if that leaves
        nothing new to send."""
        hold = held_at(mission)
        if release is None or hold is None or release.base_end <= hold + 1:
            return release
        if release.first > 0 and hold + 1 <= release.first + 1:
            return None
        return Release(release.first, hold + 1, max(release.horizon_end, hold + 1))

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
            "checkpoints": [v for v in visits if v["plan_index"] <= end]
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

    def on_robot_offline(self, robot: Robot, reason: str) -> None:
        """Start the grace period of the robot's mission; check_offline ends it if it runs out."""
        mission = self._unfinished.get(robot.mission_id) if robot.mission_id else None
        if mission is not None and mission.id is not None and mission.status in ACTIVE:
            why = f"robot {robot.serial_number} went offline ({reason})"
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
            if mission is not None and mission.status in ACTIVE:
                self._finish(mission, MissionStatus.FAILED, reason)

    def _finish(self, mission: Mission, status: MissionStatus, reason: str | None) -> None:
        if is_cleaning(mission) and mission.plan:
            site = self.sites.get(mission.site_id)
            mission.results = mission.results | {"coverage": coverage_summary(mission, site)}
        mission.status = status
        mission.reason = reason
        mission.finished_at = self.clock()
        mission.control_action_id = None
        mission.control_action_type = None
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished.pop(mission.id, None)
        self._dirty.discard(mission.id)
        self._offline_since.pop(mission.id, None)
        self.chooser.forget(mission.id)
        self._plans.pop(mission.id, None)
        self._end_reasons.pop(mission.id, None)
        if mission.robot:
            try:
                robot = self.registry.get(mission.robot)
            except NotFound:
                robot = None
            if robot is not None and robot.mission_id == mission.id:
                robot.mission_id = None
                self.registry.mark_dirty(robot.serial_number)
        log.info("mission %s %s: %s", mission.id, status.value, reason or "")
        self._notify(mission)
        self.dispatch()

    def flush(self) -> None:
        """Write batched progress of running missions."""
        rows = [
            {"id": m.id, "nodes_passed": m.nodes_passed}
            for m in (self._unfinished.get(i) for i in self._dirty)
            if m is not None
        ]
        self._dirty = set()
        self.store.update_missions(rows)
