"""`fleet export-bag`: a mission's samples and events, read back from the bag, match the DB."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rosbags.rosbag2 import Reader
from rosbags.typesys import Stores, get_typestore
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner, Result

from fleet_server.cli import app
from fleet_server.db import session_scope
from fleet_server.errors import Invalid
from fleet_server.fleet.models.telemetry import TelemetrySample
from fleet_server.missions.bag_export import export_mission_bag, robot_namespaces, yaw_quaternion
from fleet_server.missions.models.mission import Mission, MissionStatus

TYPESTORE = get_typestore(Stores.ROS2_HUMBLE)
T0 = datetime(2026, 5, 11, 1, 30, 0, 123456, tzinfo=timezone.utc)
MCAP_MAGIC = b"\x89MCAP0\r\n"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ns(moment: datetime) -> int:
    """Nanoseconds since the epoch, in whole microseconds as the DB stores them."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (moment - epoch) // timedelta(microseconds=1) * 1_000


CHECKPOINTS = [
    {
        "node": "gate",
        "round": 1,
        "checkpoint": 0,
        "plan_index": 2,
        "reached_at": at(40).isoformat(),
        "actions": [
            {"id": "a-1", "type": "announce", "status": "FINISHED", "result": "spoken"},
            {"id": "a-2", "type": "capturePhoto", "status": "FAILED", "result": "camera busy"},
        ],
    },
    {
        "node": "kiosk",
        "round": 1,
        "checkpoint": 1,
        "plan_index": 5,
        "reached_at": None,
        "actions": [{"id": "a-3", "type": "announce", "status": "WAITING", "result": None}],
    },
]
ERRORS = [
    {
        "type": "navigationFailed",
        "level": "FATAL",
        "description": "path blocked",
        "references": {"orderId": "o-1"},
    }
]


def mission_row(**fields: Any) -> Mission:
    values: dict[str, Any] = {
        "kind": "patrol",
        "site_id": "longgang-demo",
        "route": ["gate", "kiosk"],
        "status": MissionStatus.FAILED,
        "robot": "dog-01",
        "created_at": at(0),
        "assigned_at": at(5),
        "started_at": at(10),
        "finished_at": at(60),
        "reason": "robot reported a FATAL error (navigationFailed: path blocked)",
        "results": {"checkpoints": CHECKPOINTS},
        "errors": ERRORS,
    }
    return Mission(**(values | fields))


def sample(serial: str, seconds: float, mission_id: int | None, **fields: Any) -> TelemetrySample:
    values: dict[str, Any] = {
        "serial_number": serial,
        "time": at(seconds),
        "x": 10.0 + seconds,
        "y": -3.5 + seconds / 2,
        "theta": 0.25,
        "map_id": "longgang-demo",
        "battery": 80.0 - seconds / 10,
        "driving": True,
        "mission_id": mission_id,
    }
    return TelemetrySample(**(values | fields))


def store(engine: Engine, *rows: Any) -> list[int]:
    with session_scope(engine) as session:
        for row in rows:
            session.add(row)
        session.flush()
        return [row.id for row in rows]


def stored_mission(engine: Engine, **fields: Any) -> int:
    """A failed patrol of dog-01 and its samples, amid samples that are not its own."""
    mission_id, other_id = store(engine, mission_row(**fields), mission_row(robot="san-02"))
    store(
        engine,
        # Not in time order: the export orders them.
        sample("dog-01", 30, mission_id, theta=-2.9),
        sample("dog-01", 10, mission_id, theta=0.0),
        sample("dog-01", 20.5, mission_id, theta=3.1, battery=None),
        sample("dog-01", 45, mission_id, theta=-math.pi / 2),
        sample("dog-01", 50, mission_id, theta=math.pi),
        sample("dog-01", 70, other_id),
        sample("dog-01", 2, None),
        sample("san-02", 15, other_id),
        sample("san-02", 25, other_id),
    )
    return mission_id


def stored_samples(engine: Engine, mission_id: int) -> list[TelemetrySample]:
    with Session(engine) as session:
        rows = list(
            session.exec(select(TelemetrySample).where(TelemetrySample.mission_id == mission_id))
        )
    return sorted(rows, key=lambda s: s.time)


def read_bag(path: Path) -> dict[str, list[tuple[int, Any]]]:
    """Each topic's (log time, deserialized message), in log-time order."""
    by_topic: dict[str, list[tuple[int, Any]]] = {}
    with Reader(path) as reader:
        for connection, timestamp, raw in reader.messages():
            message = TYPESTORE.deserialize_cdr(raw, connection.msgtype)
            by_topic.setdefault(connection.topic, []).append((timestamp, message))
    return by_topic


def topic_types(path: Path) -> dict[str, str]:
    with Reader(path) as reader:
        return {c.topic: c.msgtype for c in reader.connections}


def stamp_ns(message: Any) -> int:
    return int(message.header.stamp.sec) * 1_000_000_000 + int(message.header.stamp.nanosec)


def yaw(message: Any) -> float:
    q = message.pose.orientation
    assert q.x == 0.0 and q.y == 0.0 and q.w >= 0.0
    assert math.isclose(q.z**2 + q.w**2, 1.0)
    return 2 * math.atan2(q.z, q.w)


def same_angle(a: float, b: float) -> bool:
    return math.isclose(math.cos(a), math.cos(b), abs_tol=1e-9) and math.isclose(
        math.sin(a), math.sin(b), abs_tol=1e-9
    )


def test_the_bag_holds_the_missions_samples_as_stored(engine: Engine, tmp_path: Path) -> None:
    mission_id = stored_mission(engine)
    path = tmp_path / "bag"
    with Session(engine) as session:
        summary = export_mission_bag(session, mission_id, path)

    samples = stored_samples(engine, mission_id)
    assert len(samples) == 5
    with_battery = [s for s in samples if s.battery is not None]
    messages = read_bag(path)
    assert topic_types(path) == {
        "/dog_01/pose": "geometry_msgs/msg/PoseStamped",
        "/dog_01/battery_state": "sensor_msgs/msg/BatteryState",
        "/dog_01/mission_events": "std_msgs/msg/String",
    }
    assert {t.topic: t.count for t in summary.topics} == {
        "/dog_01/pose": 5,
        "/dog_01/battery_state": 4,
        "/dog_01/mission_events": 6,
    }
    assert {topic: len(rows) for topic, rows in messages.items()} == {
        t.topic: t.count for t in summary.topics
    }

    poses = messages["/dog_01/pose"]
    for row, (logged, pose) in zip(samples, poses, strict=True):
        assert logged == stamp_ns(pose) == ns(row.time)
        assert pose.header.frame_id == "map"
        assert (pose.pose.position.x, pose.pose.position.y) == (row.x, row.y)
        assert pose.pose.position.z == 0.0
        assert same_angle(yaw(pose), row.theta)

    batteries = messages["/dog_01/battery_state"]
    for row, (logged, battery) in zip(with_battery, batteries, strict=True):
        assert logged == stamp_ns(battery) == ns(row.time)
        assert row.battery is not None
        assert math.isclose(battery.percentage, row.battery / 100, rel_tol=1e-6)
        assert 0.0 < battery.percentage < 1.0
        assert battery.present is True
        assert battery.power_supply_status == battery.POWER_SUPPLY_STATUS_UNKNOWN
        assert all(math.isnan(v) for v in (battery.voltage, battery.current, battery.charge))
        assert all(math.isnan(v) for v in (battery.capacity, battery.design_capacity))
        assert math.isnan(battery.temperature)
        assert len(battery.cell_voltage) == 0


def test_the_events_follow_the_missions_life_in_time_order(engine: Engine, tmp_path: Path) -> None:
    mission_id = stored_mission(engine)
    path = tmp_path / "bag"
    with Session(engine) as session:
        export_mission_bag(session, mission_id, path)

    logged = read_bag(path)["/dog_01/mission_events"]
    events = [json.loads(message.data) for _, message in logged]
    expected_times = [at(0), at(5), at(10), at(40), at(60), at(60)]
    assert [stamp for stamp, _ in logged] == [ns(t) for t in expected_times]
    base = {"mission": mission_id}
    assert events == [
        base
        | {
            "event": "created",
            "time": at(0).isoformat(),
            "kind": "patrol",
            "site": "longgang-demo",
            "priority": 0,
            "requested_robot": None,
        },
        base | {"event": "assigned", "time": at(5).isoformat(), "robot": "dog-01"},
        base | {"event": "started", "time": at(10).isoformat()},
        base
        | {
            "event": "checkpoint",
            "time": at(40).isoformat(),
            "node": "gate",
            "round": 1,
            "checkpoint": 0,
            "actions": CHECKPOINTS[0]["actions"],
        },
        base | {"event": "error", "time": at(60).isoformat(), "error": ERRORS[0]},
        base
        | {
            "event": "finished",
            "time": at(60).isoformat(),
            "status": "failed",
            "reason": "robot reported a FATAL error (navigationFailed: path blocked)",
        },
    ]


def test_the_bag_is_rosbag2_in_mcap_storage(engine: Engine, tmp_path: Path) -> None:
    mission_id = stored_mission(engine)
    path = tmp_path / "bag"
    with Session(engine) as session:
        export_mission_bag(session, mission_id, path)

    info = yaml.safe_load((path / "metadata.yaml").read_text())["rosbag2_bagfile_information"]
    assert info["storage_identifier"] == "mcap"
    assert info["version"] == 8
    (storage_file,) = info["relative_file_paths"]
    assert storage_file.endswith(".mcap")
    assert sorted(p.name for p in path.iterdir()) == sorted(["metadata.yaml", storage_file])
    assert (path / storage_file).read_bytes().startswith(MCAP_MAGIC)
    assert info["message_count"] == 5 + 4 + 6
    # Humble's `ros2 bag` reads offered_qos_profiles as a string (format 9 writes a list).
    assert all(
        isinstance(t["topic_metadata"]["offered_qos_profiles"], str)
        for t in info["topics_with_message_count"]
    )
    assert info["custom_data"] == {
        "fleet.mission_id": str(mission_id),
        "fleet.site_id": "longgang-demo",
        "fleet.map_frame": "map",
        "fleet.map_ids": "longgang-demo",
        "fleet.robots": "dog-01=/dog_01",
    }
    with Reader(path) as reader:
        assert reader.message_count == 15
        assert reader.start_time == ns(at(0))


def test_a_resumed_mission_puts_each_robots_samples_on_its_own_topics(
    engine: Engine, tmp_path: Path
) -> None:
    # Preempted on dog-01, resumed by dog.02: both robots' samples carry the mission's id.
    (mission_id,) = store(engine, mission_row(robot="dog.02"))
    store(
        engine,
        sample("dog-01", 12, mission_id),
        sample("dog-01", 14, mission_id, battery=None),
        sample("dog.02", 30, mission_id, map_id="longgang-demo"),
    )
    path = tmp_path / "bag"
    with Session(engine) as session:
        summary = export_mission_bag(session, mission_id, path)

    counts = {t.topic: t.count for t in summary.topics}
    assert counts == {
        "/dog_01/pose": 2,
        "/dog_01/battery_state": 1,
        "/dog_02/pose": 1,
        "/dog_02/battery_state": 1,
        "/dog_02/mission_events": 6,
    }
    messages = read_bag(path)
    assert [stamp for stamp, _ in messages["/dog_01/pose"]] == [ns(at(12)), ns(at(14))]
    assert messages["/dog_02/pose"][0][1].pose.position.x == 40.0
    info = yaml.safe_load((path / "metadata.yaml").read_text())["rosbag2_bagfile_information"]
    assert info["custom_data"]["fleet.robots"] == "dog-01=/dog_01,dog.02=/dog_02"


def test_a_mission_without_samples_still_gets_its_events(engine: Engine, tmp_path: Path) -> None:
    (mission_id,) = store(
        engine,
        mission_row(
            status=MissionStatus.CANCELLED,
            started_at=None,
            finished_at=at(8),
            reason="cancelled by operator",
            results={},
            errors=[],
        ),
    )
    path = tmp_path / "bag"
    with Session(engine) as session:
        summary = export_mission_bag(session, mission_id, path)

    assert summary.samples == 0
    assert [(t.topic, t.count) for t in summary.topics] == [("/dog_01/mission_events", 3)]
    events = [json.loads(m.data) for _, m in read_bag(path)["/dog_01/mission_events"]]
    assert [e["event"] for e in events] == ["created", "assigned", "finished"]
    assert events[-1]["status"] == "cancelled" and events[-1]["reason"] == "cancelled by operator"


def test_a_mission_never_assigned_and_without_samples_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    (mission_id,) = store(
        engine,
        mission_row(
            status=MissionStatus.QUEUED,
            robot=None,
            assigned_at=None,
            started_at=None,
            finished_at=None,
            reason=None,
            results={},
            errors=[],
        ),
    )
    with Session(engine) as session, pytest.raises(Invalid, match="no robot and no telemetry"):
        export_mission_bag(session, mission_id, tmp_path / "bag")
    assert not (tmp_path / "bag").exists()


def test_robots_whose_serials_share_a_namespace_are_refused() -> None:
    assert robot_namespaces(["dog-01", "7x", "dog-01"]) == {"dog-01": "dog_01", "7x": "r_7x"}
    with pytest.raises(Invalid) as refused:
        robot_namespaces(["dog-01", "dog.01"])
    assert refused.value.message == "robots 'dog-01' and 'dog.01' share the ROS namespace /dog_01"


def _fleet(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"FLEET_DATABASE_URL": database_url})


def test_cli_exports_and_reports_topics_and_counts(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    mission_id = stored_mission(engine)
    path = tmp_path / "out" / "patrol-bag"
    result = _fleet(database_url, "export-bag", str(mission_id), "-o", str(path))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"wrote {path} (rosbag2, MCAP storage)"
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows == {
        "/dog_01/battery_state": ["sensor_msgs/msg/BatteryState", "4"],
        "/dog_01/mission_events": ["std_msgs/msg/String", "6"],
        "/dog_01/pose": ["geometry_msgs/msg/PoseStamped", "5"],
    }
    assert {topic: len(m) for topic, m in read_bag(path).items()} == {
        topic: int(count) for topic, (_, count) in rows.items()
    }


def test_cli_writes_to_mission_bag_in_the_current_directory_by_default(
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mission_id,) = store(engine, mission_row(results={}, errors=[]))
    monkeypatch.chdir(tmp_path)
    result = _fleet(database_url, "export-bag", str(mission_id))

    assert result.exit_code == 0, result.output
    assert f"wrote mission-{mission_id}-bag " in result.stdout
    assert f"mission {mission_id} has no telemetry samples" in result.stdout
    assert (tmp_path / f"mission-{mission_id}-bag" / "metadata.yaml").is_file()


def test_cli_refuses_an_unknown_mission(database_url: str, engine: Engine, tmp_path: Path) -> None:
    stored_mission(engine)
    path = tmp_path / "bag"
    result = _fleet(database_url, "export-bag", "999", "-o", str(path))

    assert result.exit_code == 2
    assert "no mission 999" in result.stderr
    assert result.stdout == ""
    assert not path.exists()


def test_cli_never_overwrites_an_existing_output(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    mission_id = stored_mission(engine)
    folder = tmp_path / "earlier-bag"
    folder.mkdir()
    (folder / "metadata.yaml").write_text("someone else's bag\n")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me\n")

    for existing in (folder, a_file):
        result = _fleet(database_url, "export-bag", str(mission_id), "-o", str(existing))
        assert result.exit_code == 2
        assert f"{existing} already exists; not overwriting it" in " ".join(result.stderr.split())
    assert [p.name for p in folder.iterdir()] == ["metadata.yaml"]
    assert (folder / "metadata.yaml").read_text() == "someone else's bag\n"
    assert a_file.read_text() == "keep me\n"


@pytest.mark.parametrize("theta", [0.0, 1.0, -1.0, math.pi, -math.pi, 4.0, -4.0])
def test_orientation_is_the_yaw_with_w_never_negative(theta: float) -> None:
    # VDA 5050 theta is in [-pi, pi]; a vehicle that reports more still gets w >= 0.
    q = yaw_quaternion(theta)
    assert (q.x, q.y) == (0.0, 0.0) and q.w >= 0.0
    assert same_angle(2 * math.atan2(q.z, q.w), theta)
