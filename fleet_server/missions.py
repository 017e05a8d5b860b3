"""The mission service: create, assign, release, track and control missions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fleet_protocol.base import utc_now
from fleet_protocol.kinds import CANCEL_ORDER, START_PAUSE, STOP_PAUSE
from fleet_protocol.state import State
from fleet_server.allocation import Candidate, choose_nearest, start_node_of
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.live import FleetRegistry
from fleet_server.models import Mission, MissionCreate, MissionStatus, Robot
from fleet_server.orders import Release, ReleasePolicy, build_order
from fleet_server.outbox import Outbox, instant_action
from fleet_server.planning import plan_patrol
from fleet_server.routing import NoRoute
from fleet_server.sites import SiteRegistry
from fleet_server.tracking import observe

log = logging.getLogger(__name__)

ACTIVE = (MissionStatus.ASSIGNED, MissionStatus.RUNNING, MissionStatus.PAUSED)


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
        self.offline_grace = timedelta(seconds=offline_grace_s)
        # Active missions whose robot is offline: since when, and why.
        self._offline_since: dict[int, tuple[datetime, str]] = {}

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

    def create(self, request: MissionCreate) -> Mission:
        """Validate a patrol against the site, store it, and assign it if a robot is free."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(f"unknown site {request.site!r}", field="site") from None
        known = site.node_ids()
        for index, node in enumerate(request.route):
            if node not in known:
                raise Invalid(
                    f"route[{index}]: unknown node {node!r} on site {site.id!r}", field="route"
                )
        try:
            plan_patrol(self.sites.graph(site.id), request.route[0], request.route, 1)
        except NoRoute as exc:
            raise Invalid(f"route cannot be driven: {exc}", field="route") from None
        if request.robot is not None:
            self._check_requested_robot(request.robot, site.id)
        mission = Mission(
            kind=request.kind,
            site_id=site.id,
            route=list(request.route),
            rounds=request.rounds,
            requested_robot=request.robot,
        )
        self.store.save_mission(mission)
        assert mission.id is not None
        self._unfinished[mission.id] = mission
        log.info("mission %s created: patrol of %s on %s", mission.id, request.route, site.id)
        self.dispatch()
        return mission

    def _check_requested_robot(self, serial: str, site_id: str) -> None:
        try:
            robot = self.registry.get(serial)
        except NotFound:
            raise Invalid(f"unknown robot {serial!r}", field="robot") from None
        if not robot.online:
            raise Conflict(f"robot {serial!r} is offline", field="robot")
        if robot.map_id != site_id:
            where = f"on map {robot.map_id!r}" if robot.map_id else "without a reported position"
            raise Conflict(f"robot {serial!r} is {where}, not on site {site_id!r}", field="robot")

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
        """Assign queued missions, oldest first, to the nearest idle robot on their site."""
        for mission in sorted(self._unfinished.values(), key=lambda m: m.id or 0):
            if mission.status is not MissionStatus.QUEUED:
                continue
            graph = self.sites.graph(mission.site_id)
            candidates = [
                Candidate(r.serial_number, r.x, r.y)
                for r in self._idle_robots(mission.site_id)
                if mission.requested_robot in (None, r.serial_number)
                and r.x is not None
                and r.y is not None
            ]
            choice = choose_nearest(graph, candidates, mission.route[0])
            if choice is not None:
                self._assign(mission, self.registry.get(choice.serial_number))

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
        plan = plan_patrol(graph, start, mission.route, mission.rounds)
        mission.plan = plan.nodes
        mission.approach_nodes = plan.approach_nodes
        mission.round_nodes = plan.round_nodes
        mission.robot = robot.serial_number
        mission.status = MissionStatus.ASSIGNED
        mission.assigned_at = self.clock()
        mission.order_id = f"mission-{mission.id}-{uuid.uuid4().hex[:8]}"
        mission.order_update_id = 0
        release = self.policy.initial(mission.nodes_total)
        robot.mission_id = mission.id
        self.registry.mark_dirty(robot.serial_number)
        self._send(mission, robot, release, start_deviation_m=offset)
        log.info(
            "mission %s assigned to %s (%d nodes)", mission.id, robot.serial_number, len(plan.nodes)
        )

    def _send(
        self,
        mission: Mission,
        robot: Robot,
        release: Release,
        start_deviation_m: float | None = None,
    ) -> None:
        assert mission.order_id is not None
        order = build_order(
            site=self.sites.get(mission.site_id),
            plan=mission.plan,
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
        seen = observe(mission, state, self.clock())
        if seen.nodes_passed is not None and seen.nodes_passed != mission.nodes_passed:
            mission.nodes_passed = seen.nodes_passed
            self._dirty.add(robot.mission_id)
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
        self._release_if_due(mission, robot)

    def _release_if_due(self, mission: Mission, robot: Robot) -> None:
        release = self.policy.next(
            mission.nodes_total, mission.released_until, mission.nodes_passed
        )
        if release is not None and mission.status in (
            MissionStatus.RUNNING,
            MissionStatus.ASSIGNED,
        ):
            mission.order_update_id += 1
            self._send(mission, robot, release)

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
        if mission.robot:
            try:
                robot = self.registry.get(mission.robot)
            except NotFound:
                robot = None
            if robot is not None and robot.mission_id == mission.id:
                robot.mission_id = None
                self.registry.mark_dirty(robot.serial_number)
        log.info("mission %s %s: %s", mission.id, status.value, reason or "")
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
