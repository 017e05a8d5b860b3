"""`fleet-sim --backend ros`: simulated ROS 2 robots and real agents on the ROS driver, over MQTT.

The command is run as a user runs it, against a real Mosquitto; everything it starts talks DDS
on this machine only, in the test worker's domain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleet_protocol.topics import Subtopic, topic
from simulation.ros_backend import RosUnavailable, check_ros
from tests.broker import MosquittoBroker
from tests.robot_agent.messages import MANUFACTURER, action, order, payload
from tests.ros_environment import import_rclpy
from tests.system import DEMO_SITE_FILE, script
from tests.wire import WireRecorder, match

import_rclpy()  # the children need it; skipped (or failed, in CI) without it

pytestmark = pytest.mark.rclpy

MAP = "longgang-demo"
ROUTE = [("street-dock", 150.0, -40.0), ("street-s1", 150.0, 0.0), ("street-s2", 300.0, 0.0)]
WORDS = "请勿占道经营"


@pytest.fixture
def ros_fleet(
    broker: MosquittoBroker, ros_child_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    log = tmp_path / "fleet-sim.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                script("fleet-sim"),
                *("--backend", "ros", "--robots", "2", "--site", str(DEMO_SITE_FILE)),
                *("--mqtt", broker.url, "--manufacturer", MANUFACTURER),
                *("--speed-factor", "40", "--ros-domain-id", os.environ["ROS_DOMAIN_ID"]),
            ],
            env=ros_child_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log
        finally:
            if process.poll() is None:  # the test failed early: fleet-sim stops its children
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def online(serial: str) -> Any:
    return match(
        Subtopic.CONNECTION, serial_number=serial, where=lambda c: c["connectionState"] == "ONLINE"
    )


def test_two_ros_robots_come_online_drive_an_order_and_go_offline(
    ros_fleet: tuple[subprocess.Popen[bytes], Path], wire: WireRecorder
) -> None:
    process, log = ros_fleet
    sheets = {}
    for serial in ("dog-01", "sweeper-01"):
        wire.wait_for(online(serial), timeout=40)
        sheet = wire.wait_for(match(Subtopic.FACTSHEET, serial_number=serial), timeout=10)
        sheets[serial] = {a["actionType"] for a in sheet.json()["protocolFeatures"]["agvActions"]}
        wire.wait_for(match(Subtopic.STATE, serial_number=serial), timeout=10)
    assert {"announce", "capturePhoto", "dock", "charge"} <= sheets["dog-01"]
    assert {"clean", "dock", "charge"} <= sheets["sweeper-01"]

    mark = wire.mark()
    body = order(
        "ros-order-1",
        ROUTE,
        serial_number="dog-01",
        map_id=MAP,
        node_actions={"street-s1": [action("announce", "say-1", text=WORDS, repeat=1)]},
    )
    wire.publish(topic("uagv", MANUFACTURER, "dog-01", Subtopic.ORDER), payload(body))
    done = wire.wait_for(
        match(
            Subtopic.STATE,
            serial_number="dog-01",
            where=lambda s: s["lastNodeId"] == "street-s2" and not s["nodeStates"],
        ),
        since=mark,
        timeout=40,
    )
    state = done.json()
    assert state["errors"] == []
    position = state["agvPosition"]
    assert (position["x"], position["y"]) == pytest.approx((300.0, 0.0), abs=0.01)
    said = [a for a in state["actionStates"] if a["actionId"] == "say-1"]
    assert said and said[0]["actionStatus"] == "FINISHED"
    passed = [
        m.json()["lastNodeId"]
        for m in wire.matching(match(Subtopic.STATE, serial_number="dog-01"), since=mark)
    ]
    assert "street-s1" in passed, "the state reported the node passed on the way"

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for serial in ("dog-01", "sweeper-01"):
        offline = match(
            Subtopic.CONNECTION,
            serial_number=serial,
            where=lambda c: c["connectionState"] == "OFFLINE",
        )
        wire.wait_for(offline, since=mark, timeout=5)
    output = log.read_text(errors="replace")
    assert f"dog-01 says: {WORDS}" in output, "the simulated robot heard the announce"


def test_without_ros_in_the_python_the_error_names_the_setup_script() -> None:
    # -S: the Python without its site-packages, where rclpy is installed.
    with pytest.raises(RosUnavailable, match=r"rclpy .*ros_ws/tools/setup_ros2\.sh"):
        check_ros([sys.executable, "-S"], dict(os.environ))
