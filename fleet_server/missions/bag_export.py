"""A mission's telemetry and events as a rosbag2 bag in MCAP storage, for ROS 2 tools and Foxglove.

Each robot that sent samples for the mission gets `/<ns>/pose` (geometry_msgs/PoseStamped) and
`/<ns>/battery_state` (sensor_msgs/BatteryState, samples with a known battery only); the
mission's robot (for a requeued mission without one, its last sample's) gets
`/<ns>/mission_events` (std_msgs/String, one JSON object per event). Poses are in the ROS frame
`map`; the VDA 5050 mapIds they were reported on (a site has one map, whose mapId is the site id)
are in the bag's custom_data as `fleet.map_ids`. Every message is logged, and stamped, at the
time of its sample or event.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

import numpy as np
from rosbags.rosbag2 import Writer, WriterError
from rosbags.rosbag2.enums import StoragePlugin
from rosbags.typesys import Stores, get_typestore
from rosbags.typesys.stores import ros2_humble as ros
from sqlmodel import Session, col, select

from fleet_protocol.orientation import yaw_to_quaternion
from fleet_protocol.ros_names import ros_namespace
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.texts import (
    BAG_EXISTS,
    BAG_NAMESPACE_CLASH,
    BAG_NO_MISSION,
    BAG_NO_ROS_NAME,
    BAG_NOTHING,
)

# Humble's message definitions (the same as Jazzy's for these three types). Bag format 8 keeps
# offered_qos_profiles a string, which Humble's `ros2 bag` can parse; Jazzy reads it too.
TYPESTORE = get_typestore(Stores.ROS2_HUMBLE)
Time = ros.builtin_interfaces__msg__Time
Header = ros.std_msgs__msg__Header
Point = ros.geometry_msgs__msg__Point
Pose = ros.geometry_msgs__msg__Pose
PoseStamped = ros.geometry_msgs__msg__PoseStamped
Quaternion = ros.geometry_msgs__msg__Quaternion
BatteryState = ros.sensor_msgs__msg__BatteryState
String = ros.std_msgs__msg__String
BAG_VERSION: Final = 8
MAP_FRAME = "map"
POSE_TOPIC = "pose"
BATTERY_TOPIC = "battery_state"
EVENTS_TOPIC = "mission_events"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NO_READINGS = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class MissionEvent:
    """Something that happened to a mission, at the time the mission row records for it."""

    time: datetime
    payload: dict[str, Any]

    def to_json(self) -> str:
        """The event as the JSON text of its std_msgs/String."""
        return json.dumps(self.payload, ensure_ascii=False)


@dataclass(frozen=True)
class TopicCount:
    """A topic written to a bag, its message type and how many messages it holds."""

    topic: str
    msgtype: str
    count: int


@dataclass(frozen=True)
class BagSummary:
    """What an export wrote: where, which topics, and how many samples it found."""

    path: Path
    topics: tuple[TopicCount, ...]
    samples: int


def load_mission(session: Session, mission_id: int) -> tuple[Mission, list[TelemetrySample]]:
    """The mission and its telemetry samples (every robot's), oldest first."""
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise NotFound(BAG_NO_MISSION.of(mission=mission_id))
    query = (
        select(TelemetrySample)
        .where(TelemetrySample.mission_id == mission_id)
        .order_by(col(TelemetrySample.time), col(TelemetrySample.id))
    )
    return mission, list(session.exec(query))


def time_ns(moment: datetime) -> int:
    """Nanoseconds since the Unix epoch, exactly (no float rounding)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def yaw_quaternion(theta: float) -> Quaternion:
    """The rotation by `theta` about z, as the ROS driver turns headings into quaternions."""
    q = yaw_to_quaternion(theta)
    return Quaternion(x=q.x, y=q.y, z=q.z, w=q.w)


def mission_events(mission: Mission) -> list[MissionEvent]:
    """The mission's events in time order, from what its row stores.

    Action outcomes have no time of their own: they are reported with the checkpoint visit, at
    the time it was reached. Errors carry no time either; the server records them as the mission
    ends, so they are logged at finished_at (at the latest other event if it has not ended).
    """
    base = {"mission": mission.id}

    def event(name: str, moment: datetime, **fields: Any) -> MissionEvent:
        # reached_at is JSON text: one without a zone is UTC, as every stored time is.
        moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
        moment = moment.astimezone(timezone.utc)
        return MissionEvent(moment, {**base, "event": name, "time": moment.isoformat(), **fields})

    events = [
        event(
            "created",
            mission.created_at,
            kind=mission.kind,
            site=mission.site_id,
            priority=mission.priority,
            requested_robot=mission.requested_robot,
        )
    ]
    if mission.assigned_at is not None:
        events.append(event("assigned", mission.assigned_at, robot=mission.robot))
    if mission.started_at is not None:
        events.append(event("started", mission.started_at))
    for visit in mission.results.get("checkpoints", []):
        if visit.get("reached_at"):
            events.append(
                event(
                    "checkpoint",
                    datetime.fromisoformat(visit["reached_at"]),
                    node=visit["node"],
                    round=visit["round"],
                    checkpoint=visit["checkpoint"],
                    actions=visit["actions"],
                )
            )
    errors_at = mission.finished_at or max(e.time for e in events)
    events.extend(event("error", errors_at, error=error) for error in mission.errors)
    if mission.finished_at is not None:
        finish: dict[str, Any] = {"status": mission.status.value, "reason": mission.reason}
        if "coverage" in mission.results:
            finish["coverage"] = mission.results["coverage"]
        events.append(event("finished", mission.finished_at, **finish))
    # Stable: events at the same moment keep the order of a mission's life.
    return sorted(events, key=lambda e: e.time)


def _header(moment: datetime) -> Header:
    ns = time_ns(moment)
    return Header(
        stamp=Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000), frame_id=MAP_FRAME
    )


def pose_message(sample: TelemetrySample) -> PoseStamped:
    """The sample's pose on the map (z = 0: the fleet's maps are flat)."""
    position = Point(x=sample.x, y=sample.y, z=0.0)
    return PoseStamped(
        header=_header(sample.time),
        pose=Pose(position=position, orientation=yaw_quaternion(sample.theta)),
    )


def battery_message(sample: TelemetrySample) -> BatteryState:
    """The sample's charge as a fraction; what VDA 5050 state does not report is NaN/UNKNOWN."""
    assert sample.battery is not None
    nan = math.nan
    return BatteryState(
        header=_header(sample.time),
        voltage=nan,
        temperature=nan,
        current=nan,
        charge=nan,
        capacity=nan,
        design_capacity=nan,
        percentage=sample.battery / 100.0,
        power_supply_status=BatteryState.POWER_SUPPLY_STATUS_UNKNOWN,
        power_supply_health=BatteryState.POWER_SUPPLY_HEALTH_UNKNOWN,
        power_supply_technology=BatteryState.POWER_SUPPLY_TECHNOLOGY_UNKNOWN,
        present=True,
        cell_voltage=_NO_READINGS,
        cell_temperature=_NO_READINGS,
        location="",
        serial_number="",
    )


def robot_namespaces(serials: Iterable[str]) -> dict[str, str]:
    """Each robot's ROS namespace; two robots whose serial numbers share one are refused."""
    namespaces: dict[str, str] = {}
    for serial in dict.fromkeys(serials):
        try:
            namespace = ros_namespace(serial)
        except ValueError:
            raise Invalid(BAG_NO_ROS_NAME.of(robot=serial)) from None
        clash = next((s for s, ns in namespaces.items() if ns == namespace), None)
        if clash is not None:
            raise Invalid(BAG_NAMESPACE_CLASH.of(robot=clash, other=serial, namespace=namespace))
        namespaces[serial] = namespace
    return namespaces


def write_mission_bag(path: Path, mission: Mission, samples: list[TelemetrySample]) -> BagSummary:
    """Write the mission's bag to `path`, which must not exist; nothing is left if it fails."""
    events_robot = mission.robot or (samples[-1].serial_number if samples else None)
    if events_robot is None:
        raise Invalid(BAG_NOTHING.of(mission=mission.id))
    namespaces = robot_namespaces([*(s.serial_number for s in samples), events_robot])
    writer = _new_writer(path, _custom_data(mission, samples, namespaces))
    try:
        topics = _write_messages(writer, mission, samples, namespaces, events_robot)
        writer.close()
    except BaseException:
        writer.abort()
        # Writer.open made the directory (it refuses an existing one), so it is ours to remove.
        shutil.rmtree(path, ignore_errors=True)
        raise
    return BagSummary(path=path, topics=topics, samples=len(samples))


def _new_writer(path: Path, custom_data: dict[str, str]) -> Writer:
    """An open writer on the new directory `path`; an existing path is never written to."""
    try:
        # The writer refuses a path that exists, and so does its mkdir if one appears meanwhile.
        writer = Writer(path, version=BAG_VERSION, storage_plugin=StoragePlugin.MCAP)
        for key, value in custom_data.items():
            writer.set_custom_data(key, value)
        writer.open()
    except WriterError:
        raise Conflict(BAG_EXISTS.of(path=str(path))) from None
    return writer


def _custom_data(
    mission: Mission, samples: list[TelemetrySample], namespaces: dict[str, str]
) -> dict[str, str]:
    """What the bag is (strings only): the mission, its site, the VDA 5050 mapIds behind the
    `map` frame (in order of first sample; empty with no samples) and each robot's namespace."""
    return {
        "fleet.mission_id": str(mission.id),
        "fleet.site_id": mission.site_id,
        "fleet.map_frame": MAP_FRAME,
        "fleet.map_ids": ",".join(dict.fromkeys(s.map_id for s in samples)),
        "fleet.robots": ",".join(f"{serial}=/{ns}" for serial, ns in namespaces.items()),
    }


def _write_messages(
    writer: Writer,
    mission: Mission,
    samples: list[TelemetrySample],
    namespaces: dict[str, str],
    events_robot: str,
) -> tuple[TopicCount, ...]:
    """Write every message in log-time order; returns the topics with their counts."""
    # (log time, topic, message) for every message, then written in time order.
    messages: list[tuple[int, str, Any]] = []
    for sample in samples:
        namespace = namespaces[sample.serial_number]
        stamp = time_ns(sample.time)
        messages.append((stamp, f"/{namespace}/{POSE_TOPIC}", pose_message(sample)))
        if sample.battery is not None:
            messages.append((stamp, f"/{namespace}/{BATTERY_TOPIC}", battery_message(sample)))
    events_topic = f"/{namespaces[events_robot]}/{EVENTS_TOPIC}"
    for event in mission_events(mission):
        messages.append((time_ns(event.time), events_topic, String(data=event.to_json())))
    messages.sort(key=lambda m: m[0])
    connections: dict[str, Any] = {}
    counts: dict[str, TopicCount] = {}
    for stamp, topic, message in messages:
        msgtype = message.__msgtype__
        if topic not in connections:
            connections[topic] = writer.add_connection(topic, msgtype, typestore=TYPESTORE)
            counts[topic] = TopicCount(topic, msgtype, 0)
        writer.write(connections[topic], stamp, TYPESTORE.serialize_cdr(message, msgtype))
        counts[topic] = TopicCount(topic, msgtype, counts[topic].count + 1)
    return tuple(sorted(counts.values(), key=lambda t: t.topic))


def export_mission_bag(session: Session, mission_id: int, path: Path) -> BagSummary:
    """Read the mission and its samples and write them to a new bag at `path`."""
    mission, samples = load_mission(session, mission_id)
    return write_mission_bag(path, mission, samples)
