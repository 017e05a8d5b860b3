"""The live fleet: latest state per robot in memory, online/offline, batched writes to the DB."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from fleet_protocol.base import utc_now
from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.factsheet import Factsheet
from fleet_protocol.kinds import RobotKind, kind_from_series
from fleet_protocol.logs import LogContext
from fleet_protocol.state import ActionStatus, State, Visualization
from fleet_protocol.topics import Subtopic, TopicAddress
from fleet_server.fleet import reasons
from fleet_server.fleet.activity import ActivityTracker, DayActivity, Observation
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.batch_writer import MAX_PENDING, BatchWriter, Outcome, Row, state_row
from fleet_server.fleet.energy_model import EnergyModel
from fleet_server.fleet.ingest_metrics import IngestMetrics
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.roster import FleetRoster
from fleet_server.fleet.store import RobotStore
from fleet_server.isolation import LoopFailures
from fleet_server.texts import Text, figure

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# States this long after a robot's OFFLINE bring it back online (earlier ones were in flight).
STATE_AFTER_OFFLINE = timedelta(seconds=5)


_ACTION_DONE = (ActionStatus.FINISHED, ActionStatus.FAILED)


def order_running(state: State) -> bool:
    """Whether the robot is still working through an order: nodes or edges left to pass, or an
    action not yet FINISHED or FAILED (a charge at the dock the order ended on). A vehicle
    refuses a new order while one is running (VDA 5050 6.6.3), so the server must wait too."""
    if not state.order_id:
        return False
    if state.node_states or state.edge_states:
        return True
    return any(a.action_status not in _ACTION_DONE for a in state.action_states)


class RobotListener(Protocol):
    """Told about robot events that matter to missions."""

    def on_robot_state(self, robot: Robot, state: State) -> None:
        """A state message from the robot was ingested."""

    def on_robot_offline(self, robot: Robot, reason: Text) -> None:
        """The robot went offline."""

    def on_robot_online(self, robot: Robot) -> None:
        """The robot came (back) online."""


@dataclass
class IngestStats:
    """Counters of what the gateway handed to the registry."""

    state_messages: int = 0
    connection_messages: int = 0
    factsheet_messages: int = 0
    visualization_messages: int = 0
    # Messages whose header id is lower than the vehicle's previous one on the same topic.
    backwards_header_ids: int = 0
    flushes: int = 0
    rows_written: int = 0
    # Rows, samples and robot days the batch writer could not write (bad values) and set aside.
    rows_set_aside: int = 0


class FleetRegistry(FleetRoster):
    """Every robot's latest state; the database is written in batches, latest per robot wins."""

    def __init__(
        self,
        store: RobotStore,
        *,
        offline_timeout_s: float,
        telemetry_interval_s: float,
        clock: Clock = utc_now,
        activity: ActivityTracker | None = None,
        activity_store: ActivityStore | None = None,
        failures: LoopFailures | None = None,
        auto_register: bool = False,
        energy: EnergyModel | None = None,
        metrics: IngestMetrics | None = None,
    ) -> None:
        super().__init__(store, auto_register=auto_register)
        self.metrics = metrics
        # The timestamp of each robot's latest state or visualization since the last flush:
        # how old what a batch stores is (connection and factsheet are retained, so may be old).
        self._heard: dict[str, datetime] = {}
        # Each robot's energy use, learned from its states.
        self.energy = energy
        self.failures = failures or LoopFailures()
        # Per robot and day: time online/active/in geofences and distance, added to at each flush.
        self.activity = activity
        self.activity_store = activity_store
        self.writer = BatchWriter(store, activity_store)
        self._retry_days: list[DayActivity] = []
        self.offline_timeout = timedelta(seconds=offline_timeout_s)
        self.telemetry_interval = timedelta(seconds=telemetry_interval_s)
        self.clock = clock
        self.stats = IngestStats()
        self.listeners: list[RobotListener] = []
        self._last_state: dict[str, datetime] = {}
        self._last_sample: dict[str, datetime] = {}
        # Robots whose factsheet (kind, actions) changed: written with their whole description.
        self._described: set[str] = set()
        self._samples: list[dict[str, object]] = []
        self.broker_connected_since: datetime | None = None
        # Per robot, whether its last state since it (re)connected showed an order under way;
        # absent until that first state, so a robot is not given work before it is heard.
        self._order_running: dict[str, bool] = {}
        # When a robot's OFFLINE (or Last Will) came: states long after it bring it back.
        self._offline_at: dict[str, datetime] = {}
        # The last header id heard from each robot on each topic.
        self._header_ids: dict[tuple[str, Subtopic], int] = {}

    def free_of_orders(self, serial_number: str) -> bool:
        """Whether the robot's last state since it (re)connected showed no order under way."""
        return self._order_running.get(serial_number) is False

    def on_connection(self, address: TopicAddress, message: Connection) -> None:
        """ONLINE brings a robot online; OFFLINE or CONNECTIONBROKEN (Last Will) take it offline."""
        self.stats.connection_messages += 1
        robot = self._robot_for(address)
        if robot is None:
            return
        if message.connection_state is ConnectionState.ONLINE:
            # A vehicle's new session may start its header ids again from 0.
            for subtopic in Subtopic:
                self._header_ids.pop((robot.serial_number, subtopic), None)
        self._note_header(robot, address.subtopic, message.header_id)
        robot.connection_state = message.connection_state.value
        now = self.clock()
        if message.connection_state is ConnectionState.ONLINE:
            robot.last_seen = now
            # Give the robot a full timeout to send its first state after (re)connecting.
            self._last_state[robot.serial_number] = now
            self._order_running.pop(robot.serial_number, None)
            self._offline_at.pop(robot.serial_number, None)
            self._set_online(robot, True, None)
        else:
            self._offline_at[robot.serial_number] = now
            broken = message.connection_state is ConnectionState.CONNECTIONBROKEN
            gone = reasons.CONNECTION_BROKEN if broken else reasons.CONNECTION_OFFLINE
            self._set_online(robot, False, gone.of())
        self._observe(robot, now, robot.driving)
        self.mark_dirty(robot.serial_number)

    def on_factsheet(self, address: TopicAddress, message: Factsheet) -> None:
        """Record what the robot is and which actions it declares."""
        self.stats.factsheet_messages += 1
        robot = self._robot_for(address)
        if robot is None:
            return
        self._note_header(robot, address.subtopic, message.header_id)
        kind = kind_from_series(message.type_specification.series_name)
        if kind is not RobotKind.OTHER or not robot.registered:
            robot.kind = kind
        robot.actions = sorted(message.action_types())
        robot.factsheet = message.to_wire()
        self.mark_dirty(robot.serial_number)
        self._described.add(robot.serial_number)

    def on_state(self, address: TopicAddress, message: State) -> None:
        """Take the robot's latest state and tell the listeners."""
        self.stats.state_messages += 1
        robot = self._robot_for(address)
        if robot is None:
            return
        self._note_header(robot, address.subtopic, message.header_id)
        now = self.clock()
        robot.last_seen = now
        self._last_state[robot.serial_number] = now
        self._heard[robot.serial_number] = message.timestamp
        robot.battery = message.battery_state.battery_charge
        robot.charging = message.battery_state.charging
        if message.agv_position is not None:
            self._set_pose(
                robot,
                message.agv_position.x,
                message.agv_position.y,
                message.agv_position.theta,
                message.agv_position.map_id,
            )
        robot.driving = message.driving
        robot.paused = bool(message.paused)
        robot.errors = [
            {"type": e.error_type, "level": e.error_level.value, "description": e.error_description}
            for e in message.errors
        ]
        robot.order_id = message.order_id or None
        robot.order_update_id = message.order_update_id
        robot.last_node_id = message.last_node_id or None
        self._order_running[robot.serial_number] = order_running(message)
        if not robot.online and self._back_online(robot.serial_number, now):
            self._set_online(robot, True, None)
        running = any(a.action_status is ActionStatus.RUNNING for a in message.action_states)
        self._observe(robot, now, message.driving or running)
        self.mark_dirty(robot.serial_number)
        self._maybe_sample(robot, now)
        if self.energy is not None:
            self.energy.on_state(robot, message, now)
        for listener in self.listeners:
            self._tell(listener.on_robot_state, robot, message)

    def _note_header(self, robot: Robot, subtopic: Subtopic, header_id: int) -> None:
        """Count a header id lower than the robot's last on the topic (spec 6.4: +1 each)."""
        key = (robot.serial_number, subtopic)
        last = self._header_ids.get(key)
        if last is not None and header_id < last:
            self.stats.backwards_header_ids += 1
        self._header_ids[key] = header_id

    def _back_online(self, serial_number: str, now: datetime) -> bool:
        """Whether a state brings an offline robot back: unless it said OFFLINE (or its Last
        Will did) only just now, in which case the state was already under way. A state long
        after an OFFLINE proves the robot connected, whoever published that OFFLINE."""
        since = self._offline_at.get(serial_number)
        if since is None or now - since <= STATE_AFTER_OFFLINE:
            return since is None
        log.warning(
            "robot %s sends states %.0f s after its OFFLINE: online again",
            serial_number,
            (now - since).total_seconds(),
        )
        del self._offline_at[serial_number]
        return True

    def on_visualization(self, address: TopicAddress, message: Visualization) -> None:
        """Update the pose between state messages (kept in memory; written with the next batch)."""
        self.stats.visualization_messages += 1
        robot = self._robots.get(address.serial_number)
        if robot is None or robot.manufacturer != address.manufacturer:
            return
        self._note_header(robot, address.subtopic, message.header_id)
        if message.agv_position is None:
            return
        position = message.agv_position
        self._set_pose(robot, position.x, position.y, position.theta, position.map_id)
        self.mark_dirty(robot.serial_number)
        self._heard[robot.serial_number] = message.timestamp
        if self.energy is not None:
            self.energy.on_pose(robot)

    @staticmethod
    def _set_pose(robot: Robot, x: float, y: float, theta: float, map_id: str) -> None:
        robot.x, robot.y, robot.theta, robot.map_id = x, y, theta, map_id

    def _set_online(self, robot: Robot, online: bool, reason: Text | None) -> None:
        if robot.online == online:
            return
        robot.online = online
        log.info(
            "robot %s is %s %s",
            robot.serial_number,
            "online" if online else "offline",
            reason or "",
        )
        for listener in self.listeners:
            if online:
                self._tell(listener.on_robot_online, robot)
            else:
                self._tell(listener.on_robot_offline, robot, reason)

    def _tell(self, call: Callable[..., None], robot: Robot, *more: object) -> None:
        """Tell one listener; its failure is recorded and the others are still told."""
        try:
            call(robot, *more)
        except Exception as exc:
            listener = type(getattr(call, "__self__", call)).__name__
            self.failures.record(f"robot listener {listener}", robot.serial_number, exc)

    def broker_connection(self, connected: bool) -> None:
        """The gateway's link to the broker went up or down.

        While the server cannot hear the broker, silence says nothing about the robots, so no one
        is timed out; after reconnecting, every robot gets a full timeout to be heard again.
        """
        now = self.clock()
        self.broker_connected_since = now if connected else None
        if connected:
            for serial in self._robots:
                self._last_state[serial] = now

    def check_timeouts(self) -> None:
        """Take offline every robot whose state has not arrived within the timeout."""
        if self.broker_connected_since is None:
            return
        now = self.clock()
        for serial, robot in self._robots.items():
            last = self._last_state.get(serial)
            if robot.online and (last is None or now - last > self.offline_timeout):
                seconds = self.offline_timeout.total_seconds()
                with LogContext(robot=serial):
                    self._set_online(robot, False, reasons.SILENT.of(seconds=figure(seconds)))
                self.mark_dirty(serial)

    def _observe(self, robot: Robot, now: datetime, active: bool) -> None:
        if self.activity is not None:
            seen = Observation(
                robot.serial_number,
                now,
                robot.online,
                robot.x,
                robot.y,
                robot.map_id,
                active,
                battery=robot.battery,
                charging=robot.charging,
            )
            self.activity.observe(seen)

    def _maybe_sample(self, robot: Robot, now: datetime) -> None:
        last = self._last_sample.get(robot.serial_number)
        if robot.x is None or robot.y is None or robot.map_id is None:
            return
        if last is not None and now - last < self.telemetry_interval:
            return
        self._last_sample[robot.serial_number] = now
        self._samples.append(
            {
                "serial_number": robot.serial_number,
                "time": now,
                "x": robot.x,
                "y": robot.y,
                "theta": robot.theta or 0.0,
                "map_id": robot.map_id,
                "battery": robot.battery,
                "driving": robot.driving,
                "charging": robot.charging,
                "mission_id": robot.mission_id,
            }
        )

    async def flush(self, final: bool = False) -> int:
        """Write every changed robot and pending telemetry in one batch; returns rows written.

        Rows that cannot be written are set aside (and counted); what failed because the
        database could not be reached waits for the next flush. Energy figures are written
        every while (all of them at the `final` flush)."""
        if self.energy is not None:
            await self.energy.flush(everything=final)
        days = self._retry_days + (self.activity.take_pending() if self.activity else [])
        if not self._dirty and not self._samples and not days:
            return 0
        # Only the fields state messages change, read directly: dumping whole models (factsheet
        # included) for a thousand robots each second held up the event loop.
        rows = [state_row(self._robots[s], s in self._described) for s in self._dirty]
        samples, self._samples = self._samples, []
        self._dirty = set()
        self._described = set()
        self._retry_days = []
        heard, self._heard = self._heard, {}
        outcome = await asyncio.to_thread(self._write, rows, samples, days, heard)
        for row in outcome.retry_rows:
            self._dirty.add(str(row["serial_number"]))
        self._samples = outcome.retry_samples[-MAX_PENDING:] + self._samples
        self._retry_days = outcome.retry_days[-MAX_PENDING:]
        self.stats.flushes += 1
        self.stats.rows_written += outcome.written
        self.stats.rows_set_aside += outcome.set_aside
        return outcome.written

    def _write(
        self,
        rows: list[Row],
        samples: list[Row],
        days: list[DayActivity],
        heard: dict[str, datetime],
    ) -> Outcome:
        """Write one batch (in a worker thread) and measure it."""
        started = time.perf_counter()
        outcome = self.writer.write(rows, samples, days)
        if self.metrics is not None:
            retried = {row["serial_number"] for row in outcome.retry_rows}
            stored = (stamp for serial, stamp in heard.items() if serial not in retried)
            seconds = time.perf_counter() - started
            self.metrics.batch_written(seconds, len(rows), stored, self.clock())
        return outcome
