"""The agent's MQTT session against a real Mosquitto: connection, factsheet, state, reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiomqtt

from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import Subtopic, topic
from robot_agent.agent import Agent
from robot_agent.settings import AgentSettings
from simulation.sim_driver import SimDriver
from tests.broker import MosquittoBroker
from tests.robot_agent.messages import MANUFACTURER, MAP, action, instant, order, payload
from tests.wire import WireRecorder, match

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0)]


@contextlib.asynccontextmanager
async def running_agent(
    broker: MosquittoBroker, serial: str, **settings: Any
) -> AsyncIterator[Agent]:
    """An agent with a fast simulated patrol dog, running until the block ends."""
    config = AgentSettings(
        mqtt_url=broker.url,
        manufacturer=MANUFACTURER,
        serial_number=serial,
        map_id=MAP,
        reconnect_min=0.1,
        reconnect_max=0.5,
        **settings,
    )
    driver = SimDriver(
        RobotKind.PATROL_DOG, config.initial_pose, speed_factor=20, tick=0.01, serial_number=serial
    )
    agent = Agent(config, driver)
    task = asyncio.create_task(agent.run())
    try:
        yield agent
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def send(broker: MosquittoBroker, serial: str, sub: Subtopic, body: bytes) -> None:
    """Publish one message to the vehicle as a master control would."""
    async with aiomqtt.Client(broker.host, broker.port) as client:
        await client.publish(topic("uagv", MANUFACTURER, serial, sub), body)


def connection(serial: str, state: str) -> Any:
    return match(
        Subtopic.CONNECTION, serial_number=serial, where=lambda m: m["connectionState"] == state
    )


async def test_start_publishes_retained_online_and_factsheet(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-on"):
        online = await wire.async_wait_for(connection("dog-on", "ONLINE"), what="ONLINE")
        sheet = await wire.async_wait_for(match(Subtopic.FACTSHEET, serial_number="dog-on"))
        await wire.async_wait_for(match(Subtopic.STATE, serial_number="dog-on"))
        assert online.retain and online.qos == 1 and sheet.retain
        actions = {a["actionType"] for a in sheet.json()["protocolFeatures"]["agvActions"]}
        assert {
            "cancelOrder",
            "startPause",
            "factsheetRequest",
            "announce",
            "capturePhoto",
        } <= actions
        with WireRecorder(broker.host, broker.port) as late:  # a master that connects later
            await late.async_wait_for(connection("dog-on", "ONLINE"), what="retained ONLINE")
            await late.async_wait_for(match(Subtopic.FACTSHEET, serial_number="dog-on"))


async def test_order_is_driven_and_every_event_reaches_the_wire(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-order"):
        await wire.async_wait_for(connection("dog-order", "ONLINE"))
        mark = wire.mark()
        body = order(
            "o1",
            LINE,
            serial_number="dog-order",
            node_actions={"B": [action("capturePhoto", "p1")]},
        )
        await send(broker, "dog-order", Subtopic.ORDER, payload(body))
        state = match(Subtopic.STATE, serial_number="dog-order")
        received = await wire.async_wait_for(
            match(Subtopic.STATE, serial_number="dog-order", where=lambda s: s["orderId"] == "o1"),
            since=mark,
        )
        assert received.json()["nodeStates"], "the order's nodes are reported"
        await wire.async_wait_for(
            match(
                Subtopic.STATE,
                serial_number="dog-order",
                where=lambda s: s["lastNodeId"] == "C" and not s["nodeStates"],
            ),
            since=mark,
        )
        states = [m.json() for m in wire.matching(state)]
        ids = [s["headerId"] for s in states]
        assert ids == list(range(ids[0], ids[0] + len(ids))), "headerId rises by one per message"
        photo = [
            a["actionStatus"] for s in states for a in s["actionStates"] if a["actionId"] == "p1"
        ]
        assert photo[-1] == "FINISHED" and "WAITING" in photo


async def test_malformed_messages_become_warnings_not_crashes(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-junk"):
        await wire.async_wait_for(connection("dog-junk", "ONLINE"))
        for sub in (Subtopic.ORDER, Subtopic.INSTANT_ACTIONS):
            wire.inject(topic("uagv", MANUFACTURER, "dog-junk", sub), b"\xff not json")
        await wire.async_wait_for(
            match(Subtopic.STATE, serial_number="dog-junk", where=lambda s: len(s["errors"]) == 2)
        )
        await send(
            broker, "dog-junk", Subtopic.ORDER, payload(order("o1", LINE, serial_number="dog-junk"))
        )
        done = await wire.async_wait_for(
            match(Subtopic.STATE, serial_number="dog-junk", where=lambda s: s["lastNodeId"] == "C")
        )
        assert done.json()["errors"] == []


async def test_an_oversized_order_is_dropped_unread_and_the_next_one_is_driven(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-big", max_payload_bytes=4096):
        await wire.async_wait_for(connection("dog-big", "ONLINE"))
        big = order("o-big", LINE, serial_number="dog-big") | {"vendorNotes": "x" * 5000}
        wire.inject(topic("uagv", MANUFACTURER, "dog-big", Subtopic.ORDER), payload(big))
        await send(
            broker, "dog-big", Subtopic.ORDER, payload(order("o-ok", LINE, serial_number="dog-big"))
        )
        await wire.async_wait_for(
            match(Subtopic.STATE, serial_number="dog-big", where=lambda s: s["lastNodeId"] == "C")
        )
        states = [m.json() for m in wire.matching(match(Subtopic.STATE, serial_number="dog-big"))]
        assert {s["orderId"] for s in states} <= {"", "o-ok"}
        assert all(s["errors"] == [] for s in states), "dropped unread, not refused as invalid"


async def test_factsheet_request_republishes_the_factsheet(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-fs"):
        await wire.async_wait_for(match(Subtopic.FACTSHEET, serial_number="dog-fs"))
        mark = wire.mark()
        body = instant(action("factsheetRequest", "f1"), serial_number="dog-fs")
        await send(broker, "dog-fs", Subtopic.INSTANT_ACTIONS, payload(body))
        again = await wire.async_wait_for(
            match(Subtopic.FACTSHEET, serial_number="dog-fs"), since=mark
        )
        assert again.json()["headerId"] == 1
        await wire.async_wait_for(
            match(
                Subtopic.STATE,
                serial_number="dog-fs",
                where=lambda s: (
                    {"actionId": "f1", "actionType": "factsheetRequest", "actionStatus": "FINISHED"}
                    in s["actionStates"]
                ),
            ),
            since=mark,
        )


async def test_state_and_visualization_keep_coming_without_events(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-tick", state_interval=0.2, visualization_interval=0.1):
        first = await wire.async_wait_for(match(Subtopic.STATE, serial_number="dog-tick"))
        for _ in range(3):
            await wire.async_wait_for(
                match(Subtopic.STATE, serial_number="dog-tick"), since=first.index + 1
            )
            first = wire.matching(match(Subtopic.STATE, serial_number="dog-tick"))[-1]
        views = await wire.async_wait_for(match(Subtopic.VISUALIZATION, serial_number="dog-tick"))
        assert views.json()["agvPosition"]["mapId"] == MAP


async def test_clean_stop_publishes_offline(broker: MosquittoBroker, wire: WireRecorder) -> None:
    async with running_agent(broker, "dog-bye"):
        await wire.async_wait_for(connection("dog-bye", "ONLINE"))
    offline = await wire.async_wait_for(connection("dog-bye", "OFFLINE"), what="OFFLINE")
    assert offline.retain
    await asyncio.sleep(0.3)
    assert not wire.matching(connection("dog-bye", "CONNECTIONBROKEN")), (
        "no Last Will on a clean stop"
    )


async def test_reconnects_after_a_broker_restart(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    async with running_agent(broker, "dog-re"):
        before = await wire.async_wait_for(connection("dog-re", "ONLINE"))
        broker.stop()
        broker.start()
        mark = before.index + 1
        after = await wire.async_wait_for(connection("dog-re", "ONLINE"), since=mark, timeout=15)
        assert after.json()["headerId"] > before.json()["headerId"]
        await wire.async_wait_for(match(Subtopic.FACTSHEET, serial_number="dog-re"), since=mark)
        await send(
            broker, "dog-re", Subtopic.ORDER, payload(order("o1", LINE, serial_number="dog-re"))
        )
        await wire.async_wait_for(
            match(Subtopic.STATE, serial_number="dog-re", where=lambda s: s["lastNodeId"] == "C"),
            since=mark,
        )


async def test_killed_agent_leaves_its_last_will(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    env = {
        **os.environ,
        "AGENT_MQTT_URL": broker.url,
        "AGENT_SERIAL_NUMBER": "dog-will",
        "AGENT_MANUFACTURER": MANUFACTURER,
        "AGENT_DRIVER_OPTIONS": json.dumps({"speed_factor": "10"}),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from robot_agent.cli import main; main()",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await wire.async_wait_for(connection("dog-will", "ONLINE"), timeout=20, what="ONLINE")
        process.kill()
        will = await wire.async_wait_for(
            connection("dog-will", "CONNECTIONBROKEN"), what="Last Will"
        )
        assert will.retain and will.qos == 1
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
