"""The live feed's hub: coalesces robot, mission, incident and alert changes into batches for
listeners.

Anything may tell the feed that something changed, from the event loop or from a worker thread:
robot changes are kept as serial numbers (latest per robot wins), mission, incident and alert
changes as the latest object per id. Nothing is built while nobody listens. `publish`, run in
the event loop every FLEET_LIVE_INTERVAL_S, builds the messages once and queues the same JSON
text for every subscription; a subscription whose bounded queue is full is emptied and given a
fresh snapshot instead, so a slow client costs at most its queue. The messages are documented in
fleet_server/feed/routes.py, the WebSocket that carries them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from fleet_server.alerts.alerts import AlertEvent
from fleet_server.alerts.models import Alert, AlertPublic
from fleet_server.fleet.models.robot import Robot, RobotPublic
from fleet_server.incidents.models.incident import Incident, IncidentPublic
from fleet_server.missions.models.fleet_control import FleetControlChange, FleetControlPublic
from fleet_server.missions.models.mission import Mission, MissionPublic

# Messages a subscription may hold before it is reset to a snapshot: about 16 s of batches at
# the default interval, and a few MB at most with a thousand robots moving.
QUEUE_LIMIT = 64


class RobotSource(Protocol):
    """Where the feed reads robots (the FleetRegistry)."""

    def all(self) -> list[Robot]:
        """Every robot, by serial number."""

    def get(self, serial_number: str) -> Robot:
        """One robot."""

    def public(self, robot: Robot) -> RobotPublic:
        """The robot as the feed shows it."""


class SnapshotMessage(BaseModel):
    """The whole picture: every robot, every unfinished mission, every incident not closed."""

    type: Literal["snapshot"] = "snapshot"
    robots: list[RobotPublic]
    missions: list[MissionPublic]
    incidents: list[IncidentPublic]


class RobotsMessage(BaseModel):
    """The robots that changed since the last batch, each as it is now."""

    type: Literal["robots"] = "robots"
    robots: list[RobotPublic]


class MissionMessage(BaseModel):
    """A mission as it is after a change."""

    type: Literal["mission"] = "mission"
    mission: MissionPublic


class IncidentMessage(BaseModel):
    """An incident as it is after a change."""

    type: Literal["incident"] = "incident"
    incident: IncidentPublic


class AlertChange(BaseModel):
    """An alert as it is after it was raised, repeated or acknowledged."""

    event: AlertEvent
    alert: AlertPublic


class AlertsMessage(BaseModel):
    """The alerts that changed since the last batch, and how many await acknowledging now."""

    type: Literal["alerts"] = "alerts"
    changes: list[AlertChange]
    unacknowledged: int


class FleetMessage(BaseModel):
    """The whole fleet was paused, resumed or recalled: its state now."""

    type: Literal["fleet"] = "fleet"
    control: FleetControlPublic


class Subscription:
    """One listener's bounded queue of JSON text messages, read in the event loop."""

    def __init__(self, limit: int) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue(limit)
        # How often this listener fell behind and was given a snapshot instead.
        self.resets = 0

    async def next(self) -> str:
        """The next message, waiting for one."""
        return await self._queue.get()

    def pending(self) -> list[str]:
        """Take every message queued now, without waiting."""
        taken = []
        while not self._queue.empty():
            taken.append(self._queue.get_nowait())
        return taken

    def offer(self, text: str) -> bool:
        """Queue a message; False if the queue is full (the listener fell behind)."""
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            return False
        return True

    def restart(self, snapshot: str) -> int:
        """Drop everything queued and queue this snapshot instead; returns how many messages
        were dropped."""
        dropped = len(self.pending())
        self._queue.put_nowait(snapshot)
        self.resets += 1
        return dropped


class LiveFeed:
    """Collects changes from anywhere and sends them in batches to every subscription."""

    def __init__(
        self,
        robots: RobotSource,
        missions: Callable[[], Iterable[Mission]],
        incidents: Callable[[], Iterable[Incident]],
        *,
        queue_limit: int = QUEUE_LIMIT,
    ) -> None:
        self._robot_source = robots
        self._mission_source = missions
        self._incident_source = incidents
        self._queue_limit = queue_limit
        self._subscriptions: list[Subscription] = []
        # Since start: listeners that fell behind and were given a snapshot instead, and the
        # messages they lost by it (queued ones dropped, and the rest of the batch not queued).
        self.resets = 0
        self.dropped_messages = 0
        # Changes since the last batch; publishers may be worker threads, so under the lock.
        self._lock = threading.Lock()
        self._robots: set[str] = set()
        self._missions: dict[int, Mission] = {}
        self._incidents: dict[int, Incident] = {}
        self._fleet: FleetControlPublic | None = None
        self._alerts: dict[int, AlertChange] = {}
        self._unacknowledged = 0
        # Each robot's (mission, last node) as last sent: when it passes a node, its mission's
        # progress is sent too (the mission service does not announce progress by itself).
        self._progress: dict[str, tuple[int | None, str | None]] = {}

    @property
    def listeners(self) -> int:
        """How many subscriptions are open."""
        return len(self._subscriptions)

    # ---- told about changes (any thread)

    def robot_changed(self, serial_number: str) -> None:
        """A robot's state, connection, pose or mission changed."""
        # Reading the list without the lock is safe: a subscriber's snapshot is taken after it
        # is listed, so a change missed here happened before the snapshot and is in it.
        if not self._subscriptions:
            return
        with self._lock:
            self._robots.add(serial_number)

    def on_mission(self, mission: Mission) -> None:
        """A mission changed (MissionListener)."""
        if not self._subscriptions or mission.id is None:
            return
        with self._lock:
            self._missions[mission.id] = mission

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """A checkpoint visit ended: its results are part of the mission (MissionListener)."""
        self.on_mission(mission)

    def on_incident(self, incident: Incident) -> None:
        """An incident changed (IncidentListener)."""
        if not self._subscriptions or incident.id is None:
            return
        with self._lock:
            self._incidents[incident.id] = incident

    def on_fleet_control(self, change: FleetControlChange) -> None:
        """The whole fleet was paused, resumed or recalled (FleetControlListener)."""
        if not self._subscriptions:
            return
        control = FleetControlPublic(mode=change.mode, since=change.at, by=change.by, last=change)
        with self._lock:
            self._fleet = control

    def on_alert(self, alert: Alert, event: AlertEvent, unacknowledged: int) -> None:
        """An alert was raised, repeated or acknowledged (AlertListener)."""
        if not self._subscriptions or alert.id is None:
            return
        with self._lock:
            earlier = self._alerts.get(alert.id)
            # Raised and repeated within one batch is still news to the consoles.
            if earlier is not None and earlier.event == "raised" and event == "repeated":
                event = "raised"
            self._alerts[alert.id] = AlertChange(event=event, alert=AlertPublic.of(alert))
            self._unacknowledged = unacknowledged

    # ---- listeners and batches (the event loop)

    def subscribe(self) -> Subscription:
        """A new subscription whose first message is a snapshot."""
        subscription = Subscription(self._queue_limit)
        self._subscriptions.append(subscription)
        subscription.offer(self.snapshot())
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop sending to a subscription (its client went away)."""
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def snapshot(self) -> str:
        """The snapshot message as JSON text."""
        message = SnapshotMessage(
            robots=[self._robot_source.public(r) for r in self._robot_source.all()],
            missions=[MissionPublic.of(m) for m in self._mission_source() if m.id is not None],
            incidents=[IncidentPublic.of(i) for i in self._incident_source()],
        )
        return message.model_dump_json()

    def publish(self) -> int:
        """Send what changed since the last batch to every subscription; returns how many
        messages the batch had (0 when nothing changed or nobody listens)."""
        with self._lock:
            robots, self._robots = self._robots, set()
            missions, self._missions = self._missions, {}
            incidents, self._incidents = self._incidents, {}
            fleet, self._fleet = self._fleet, None
            alerts, self._alerts = self._alerts, {}
            unacknowledged = self._unacknowledged
        if not self._subscriptions:
            return 0
        messages = self._messages(robots, missions, incidents)
        if fleet is not None:
            messages.insert(0, FleetMessage(control=fleet).model_dump_json())
        if alerts:
            changes = [alerts[i] for i in sorted(alerts)]
            message = AlertsMessage(changes=changes, unacknowledged=unacknowledged)
            messages.append(message.model_dump_json())
        snapshot: str | None = None
        for subscription in list(self._subscriptions):
            for position, text in enumerate(messages):
                if not subscription.offer(text):
                    # The snapshot is built after the changes were taken, so it holds them all.
                    snapshot = snapshot or self.snapshot()
                    dropped = subscription.restart(snapshot)
                    self.resets += 1
                    self.dropped_messages += dropped + len(messages) - position
                    break
        return len(messages)

    def _messages(
        self, robots: set[str], missions: dict[int, Mission], incidents: dict[int, Incident]
    ) -> list[str]:
        messages = [MissionMessage(mission=MissionPublic.of(m)) for m in missions.values()]
        texts = [m.model_dump_json() for m in messages]
        texts += [
            IncidentMessage(incident=IncidentPublic.of(i)).model_dump_json()
            for i in incidents.values()
        ]
        if robots:
            changed = [self._robot_source.get(s) for s in sorted(robots)]
            texts += [
                MissionMessage(mission=MissionPublic.of(m)).model_dump_json()
                for m in self._progressed(changed, missions.keys())
            ]
            public = [self._robot_source.public(robot) for robot in changed]
            texts.append(RobotsMessage(robots=public).model_dump_json())
        return texts

    def _progressed(self, robots: list[Robot], sent: Iterable[int]) -> list[Mission]:
        """The unfinished missions of robots that reached a new node since the last batch (and
        are not already in it)."""
        moved: set[int] = set()
        for robot in robots:
            now = (robot.mission_id, robot.last_node_id)
            if now != self._progress.get(robot.serial_number) and robot.mission_id is not None:
                moved.add(robot.mission_id)
            self._progress[robot.serial_number] = now
        moved -= set(sent)
        if not moved:
            return []
        return [m for m in self._mission_source() if m.id in moved]
