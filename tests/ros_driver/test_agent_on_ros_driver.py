"""The agent over MQTT with the ROS driver: factsheet actions, progress and Nav2 errors on the wire.

A real Mosquitto and the real agent; the robot's ROS side is the thread-backed double of
tests/ros_driver/robot_double.py, since ROS 2 cannot be installed here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from fleet_robot_driver.parameters import DriverParameters
from fleet_robot_driver.ros_driver import RosDriver

from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import Subtopic, topic
from robot_agent.agent import Agent
from robot_agent.driver import BatteryReading, Pose
from robot_agent.settings import AgentSettings
from tests.broker import MosquittoBroker
from tests.robot_agent.messages import MANUFACTURER, MAP, action, order, payload
from tests.ros_driver.robot_double import NavFailure, ThreadedRobot
from tests.wire import Predicate, WireRecorder, match

SERIAL = "ros-dog-1"
ROUTE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0)]


@contextlib.asynccontextmanager
async def ros_agent(broker: MosquittoBroker) -> AsyncIterator[ThreadedRobot]:
    settings = AgentSettings(
        mqtt_url=broker.url, manufacturer=MANUFACTURER, serial_number=SERIAL, map_id=MAP
    )
    robot = ThreadedRobot(
        asyncio.get_running_loop(),
        map_id=MAP,
        start=Pose(0.0, 0.0, 0.0, MAP),
        battery=BatteryReading(76.0, False),
    )
    parameters = DriverParameters.from_values(
        {"serial_number": SERIAL, "kind": RobotKind.PATROL_DOG.value, "tts_topic": "speaker"}
    )
    task = asyncio.create_task(
        Agent(settings, RosDriver(robot, parameters, settings.initial_pose)).run()
    )
    try:
        yield robot
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def state_of(where: Callable[[Any], bool] | None = None) -> Predicate:
    return match(Subtopic.STATE, serial_number=SERIAL, where=where)


async def test_the_factsheet_offers_the_configured_actions_and_an_order_runs(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with ros_agent(broker) as robot:
        sheet = await wire.async_wait_for(match(Subtopic.FACTSHEET, serial_number=SERIAL))
        actions = {a["actionType"] for a in sheet.json()["protocolFeatures"]["agvActions"]}
        assert {"announce", "dwell", "dock", "charge", "cancelOrder"} <= actions
        assert not actions & {"capturePhoto", "clean"}, "no camera or deck configured"
        assert sheet.json()["typeSpecification"]["seriesName"] == "patrol_dog"
        first = await wire.async_wait_for(state_of())
        assert first.json()["batteryState"]["batteryCharge"] == 76.0
        mark = wire.mark()
        body = order(
            "o1",
            ROUTE,
            serial_number=SERIAL,
            node_actions={"B": [action("announce", "say-1", text="请勿占道经营", repeat=1)]},
        )
        wire.publish(topic("uagv", MANUFACTURER, SERIAL, Subtopic.ORDER), payload(body))
        final = await wire.async_wait_for(
            state_of(lambda s: s["lastNodeId"] == "C" and not s["nodeStates"]),
            since=mark,
            timeout=20,
        )
        spoken = [a for a in final.json()["actionStates"] if a["actionId"] == "say-1"]
        assert spoken and spoken[0]["actionStatus"] == "FINISHED"
        assert robot.sent.speech == ["请勿占道经营"]
        # The announce is a HARD action at B: one goal to B, one from B on.
        assert [[(g.x, g.y) for g in goal] for goal in robot.sent.navigations] == [
            [(3.0, 0.0)],
            [(6.0, 0.0)],
        ]


async def test_a_nav2_failure_is_an_error_in_the_published_state(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with ros_agent(broker) as robot:
        await wire.async_wait_for(state_of())
        robot.nav_failure = NavFailure(207, "goal in a wall")
        mark = wire.mark()
        body = order("o2", ROUTE, serial_number=SERIAL)
        wire.publish(topic("uagv", MANUFACTURER, SERIAL, Subtopic.ORDER), payload(body))
        failed = await wire.async_wait_for(
            state_of(lambda s: bool(s["errors"])), since=mark, timeout=20
        )
        error = failed.json()["errors"][0]
        assert error["errorType"] == "pathPlanningError"
        assert error["errorLevel"] == "WARNING"
        assert error["errorDescription"] == (
            "planner TIMEOUT (Nav2 error code 207): goal in a wall"
        )
