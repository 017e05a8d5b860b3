"""`fleet export-bag` checked by ROS itself: every message of the MCAP bag decodes with rclpy's own
`deserialize_message` into the real message classes (Kilted in CI's main environment, Jazzy in its
second), carries what the database holds, and ROS serialises it back to the very same bytes.

Skipped where ROS 2 is absent, except where FLEET_REQUIRE_ROS=1 (as in CI): there a missing rclpy
fails the run. rosbags only lists the bag's records here; no rosbags type is used to decode.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from rosbags.rosbag2 import Reader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from fleet_server.missions.bag_export import export_mission_bag
from tests.fleet_server.missions.test_bag_export import (
    ERRORS,
    at,
    ns,
    same_angle,
    stored_mission,
    stored_samples,
)

if os.environ.get("FLEET_REQUIRE_ROS") == "1":
    serialization = importlib.import_module("rclpy.serialization")
else:
    serialization = pytest.importorskip("rclpy.serialization", reason="ROS 2 is not installed")

pytestmark = pytest.mark.rclpy


def message_class(msgtype: str) -> type[Any]:
    """The real ROS class of a bag's type name, e.g. geometry_msgs/msg/PoseStamped."""
    package, kind, name = msgtype.split("/")
    return getattr(importlib.import_module(f"{package}.{kind}"), name)  # type: ignore[no-any-return]


def decoded_by_ros(path: Path) -> dict[str, list[tuple[int, Any, bytes]]]:
    """Each topic's (log time, message decoded by rclpy, raw CDR bytes), in log-time order."""
    topics: dict[str, list[tuple[int, Any, bytes]]] = {}
    with Reader(path) as reader:
        for connection, timestamp, raw in reader.messages():
            message = serialization.deserialize_message(raw, message_class(connection.msgtype))
            topics.setdefault(connection.topic, []).append((timestamp, message, bytes(raw)))
    return topics


def stamp_ns(message: Any) -> int:
    return int(message.header.stamp.sec) * 1_000_000_000 + int(message.header.stamp.nanosec)


def test_rclpy_decodes_every_message_into_the_real_classes(engine: Engine, tmp_path: Path) -> None:
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import BatteryState
    from std_msgs.msg import String

    mission_id = stored_mission(engine)
    path = tmp_path / "bag"
    with Session(engine) as session:
        export_mission_bag(session, mission_id, path)
    topics = decoded_by_ros(path)
    samples = stored_samples(engine, mission_id)

    poses = topics["/dog_01/pose"]
    assert [type(message) for _, message, _ in poses] == [PoseStamped] * len(samples)
    for row, (logged, pose, _) in zip(samples, poses, strict=True):
        assert logged == stamp_ns(pose) == ns(row.time)
        assert pose.header.frame_id == "map"
        assert (pose.pose.position.x, pose.pose.position.y) == (row.x, row.y)
        q = pose.pose.orientation
        assert same_angle(2 * math.atan2(q.z, q.w), row.theta)

    batteries = topics["/dog_01/battery_state"]
    with_battery = [row for row in samples if row.battery is not None]
    assert [type(message) for _, message, _ in batteries] == [BatteryState] * len(with_battery)
    for row, (logged, battery, _) in zip(with_battery, batteries, strict=True):
        assert row.battery is not None
        assert logged == stamp_ns(battery) == ns(row.time)
        assert math.isclose(battery.percentage, row.battery / 100, rel_tol=1e-6)
        assert battery.power_supply_status == BatteryState.POWER_SUPPLY_STATUS_UNKNOWN
        assert battery.present and math.isnan(battery.voltage)

    events = topics["/dog_01/mission_events"]
    assert all(type(message) is String for _, message, _ in events)
    decoded = [json.loads(message.data) for _, message, _ in events]
    assert [event["event"] for event in decoded] == [
        "created",
        "assigned",
        "started",
        "checkpoint",
        "error",
        "finished",
    ]
    assert decoded[4]["error"] == ERRORS[0]
    assert events[0][0] == ns(at(0))

    # ROS writes each message back to exactly the bytes in the bag: the same CDR, padding and all.
    for rows in topics.values():
        for _, message, raw in rows:
            assert serialization.serialize_message(message) == raw
