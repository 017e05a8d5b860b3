"""The MQTT session of a VDA 5050 vehicle: Last Will, subscriptions, state publishing, reconnect."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import Coroutine, Iterable
from typing import Any

import aiomqtt

from fleet_protocol.actions import Action
from fleet_protocol.base import Header, utc_now
from fleet_protocol.broker_url import tls_context
from fleet_protocol.connection import Connection, ConnectionState
from fleet_protocol.kinds import CAPTURE_PHOTO
from fleet_protocol.logs import LogContext
from fleet_protocol.topics import DELIVERY, VEHICLE_SUBSCRIBES, Subtopic, topic
from robot_agent.driver import Driver
from robot_agent.evidence import PhotoSource
from robot_agent.executor import OrderExecutor
from robot_agent.factsheet import build_factsheet
from robot_agent.settings import AgentSettings
from robot_agent.uploader import PhotoUploader

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  # seconds to wait for the broker's CONNACK (and QoS 1 acks)
GOODBYE_TIMEOUT = 2.0  # seconds to wait for the OFFLINE message on shutdown


class Agent:
    """One robot's VDA 5050 vehicle: an OrderExecutor behind a self-healing MQTT session.

    `run()` runs until cancelled; then it publishes OFFLINE and disconnects cleanly. Everything
    runs on the caller's event loop, so one process can hold hundreds of agents.
    """

    def __init__(self, settings: AgentSettings, driver: Driver) -> None:
        self.settings = settings
        self.driver = driver
        self._broker = settings.broker
        self.uploader = self._photo_uploader()
        self.executor = OrderExecutor(
            driver,
            settings.manufacturer,
            settings.serial_number,
            on_factsheet_request=self._republish_factsheet,
            on_action_finished=self._action_finished if self.uploader else None,
        )
        self._tls = tls_context(settings.mqtt_ca_file) if self._broker.tls else None
        self._topics = {
            sub: topic(settings.interface, settings.manufacturer, settings.serial_number, sub)
            for sub in Subtopic
        }
        self._header_ids = dict.fromkeys(Subtopic, 0)
        self._client: aiomqtt.Client | None = None
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Start the driver and keep the session up until cancelled; then say OFFLINE and stop."""
        # Every record of this robot's tasks names it (a simulator runs hundreds in one process).
        with LogContext(robot=self.settings.serial_number):
            await self._run()

    async def _run(self) -> None:
        await self.driver.start()
        session = asyncio.create_task(self._stay_connected(), name=self.settings.serial_number)
        uploads = [asyncio.create_task(self.uploader.run())] if self.uploader else []
        try:
            # Shielded: a cancellation of run() becomes a graceful stop of the session rather
            # than a CancelledError inside a publish (which Python < 3.12 can lose in wait_for).
            await asyncio.shield(session)
        finally:
            await _cancel_and_wait(uploads)
            await self._finish(session)
            await self.executor.close()
            await self.driver.stop()

    def _photo_uploader(self) -> PhotoUploader | None:
        """An uploader of the driver's photos to the server, if there is a server to send to."""
        settings = self.settings
        if settings.server_url is None:
            return None
        serial = settings.serial_number
        if not isinstance(self.driver, PhotoSource):
            log.warning("%s: the driver hands over no photos; none is uploaded", serial)
            return None
        if self._broker.username is None or self._broker.password is None:
            log.warning("%s: photos are uploaded with the MQTT login, and there is none", serial)
            return None
        if self._broker.username != serial:
            log.warning(
                "%s: MQTT user %s is not the robot; the server will refuse its photos",
                serial,
                self._broker.username,
            )
        context = None
        if settings.server_url.startswith("https:"):
            context = ssl.create_default_context(cafile=settings.server_ca_file)
        return PhotoUploader(
            settings.server_url, self._broker.username, self._broker.password, ssl_context=context
        )

    def _action_finished(self, action: Action, result: str | None) -> None:
        """Queue the photo of a capturePhoto that finished for upload."""
        if action.action_type != CAPTURE_PHOTO.action_type or not result or self.uploader is None:
            return
        assert isinstance(self.driver, PhotoSource)
        data = self.driver.photo(result)
        if data is None:
            log.warning("%s: the driver has no photo %s", self.settings.serial_number, result)
            return
        self.uploader.submit(result, data)

    async def _finish(self, session: asyncio.Task[None]) -> None:
        self._stopping.set()
        if self._client is not None:  # connected: let the session publish OFFLINE
            await asyncio.wait([session], timeout=GOODBYE_TIMEOUT + 1)
        await _cancel_and_wait([session])

    # --- connection

    async def _stay_connected(self) -> None:
        delay = self.settings.reconnect_min
        while not self._stopping.is_set():
            try:
                async with self._new_client() as client:
                    log.info("%s connected to %s", self.settings.serial_number, self._where())
                    delay = self.settings.reconnect_min
                    await self._session(client)
            except aiomqtt.MqttError as exc:
                log.warning(
                    "%s: MQTT connection to %s lost or refused (%s); retrying in %.1f s",
                    self.settings.serial_number,
                    self._where(),
                    exc,
                    delay,
                )
            except Exception:  # a bug must not take the robot off the fleet for good
                log.exception("%s: session failed; reconnecting", self.settings.serial_number)
            if self._stopping.is_set():
                return
            # Jitter spreads the reconnects of a whole fleet after a broker restart.
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self.settings.reconnect_max)

    def _new_client(self) -> aiomqtt.Client:
        will = self._connection_message(ConnectionState.CONNECTIONBROKEN)
        return aiomqtt.Client(
            self._broker.host,
            self._broker.port,
            username=self._broker.username,
            password=self._broker.password,
            # A fixed id makes the broker drop a stale session of ours instead of keeping it
            # until its keepalive runs out (and then publishing its Last Will over our ONLINE).
            identifier=f"{self.settings.interface}.{self.settings.manufacturer}.{self.settings.serial_number}",
            will=aiomqtt.Will(
                self._topics[Subtopic.CONNECTION],
                will.to_json(),
                qos=DELIVERY[Subtopic.CONNECTION].qos,
                retain=DELIVERY[Subtopic.CONNECTION].retain,
            ),
            keepalive=self.settings.keepalive,
            timeout=CONNECT_TIMEOUT,
            tls_context=self._tls,
        )

    def _where(self) -> str:
        return self._broker.display

    async def _session(self, client: aiomqtt.Client) -> None:
        """Subscribe, announce ONLINE and the factsheet, serve until stopped or disconnected."""
        self._client = client
        try:
            for sub in VEHICLE_SUBSCRIBES:
                await client.subscribe(self._topics[sub], qos=DELIVERY[sub].qos)
            online = self._connection_message(ConnectionState.ONLINE)
            await self._publish(client, Subtopic.CONNECTION, online)
            await self._publish_factsheet(client)
            await _run_until_first_ends(
                self._stopping.wait(),
                self._receive(client),
                self._publish_states(client),
                self._publish_visualizations(client),
            )
            await self._say_goodbye(client)
        finally:
            self._client = None

    async def _say_goodbye(self, client: aiomqtt.Client) -> None:
        """Spec 6.14: a graceful disconnect publishes OFFLINE first (the caller disconnects)."""
        sub = Subtopic.CONNECTION
        message = self._connection_message(ConnectionState.OFFLINE)
        delivery = DELIVERY[sub]
        try:
            await client.publish(
                self._topics[sub],
                message.to_json(),
                qos=delivery.qos,
                retain=delivery.retain,
                timeout=GOODBYE_TIMEOUT,
            )
            log.info("%s offline", self.settings.serial_number)
        except aiomqtt.MqttError as exc:
            log.warning("%s: could not publish OFFLINE: %s", self.settings.serial_number, exc)

    # --- the three loops of a session

    async def _receive(self, client: aiomqtt.Client) -> None:
        order, instant = self._topics[Subtopic.ORDER], self._topics[Subtopic.INSTANT_ACTIONS]
        async for message in client.messages:
            payload = message.payload
            if isinstance(payload, (bytes, bytearray)):
                data = bytes(payload)
            else:  # aiomqtt types payloads loosely; anything else is not a VDA 5050 message
                data = b"" if payload is None else str(payload).encode()
            if len(data) > self.settings.max_payload_bytes:
                log.warning(
                    "%s: dropped a %d-byte message on %s (limit %d bytes)",
                    self.settings.serial_number,
                    len(data),
                    message.topic,
                    self.settings.max_payload_bytes,
                )
                continue
            try:
                if message.topic.matches(order):
                    self.executor.handle_order(data)
                elif message.topic.matches(instant):
                    self.executor.handle_instant_actions(data)
            except Exception:  # a bad message must never take the vehicle down
                log.exception(
                    "%s: failed to handle a message on %s",
                    self.settings.serial_number,
                    message.topic,
                )

    async def _publish_states(self, client: aiomqtt.Client) -> None:
        """State on every change (bursts coalesced to one per state_min_interval) and at least
        every state_interval."""
        loop = asyncio.get_running_loop()
        changed = self.executor.changed
        last = -float("inf")
        while True:
            quiet = self.settings.state_interval - (loop.time() - last)
            if quiet > 0 and not changed.is_set():
                # The interval's end counts as a change; a timer avoids a task per wait.
                timer = loop.call_later(quiet, changed.set)
                try:
                    await changed.wait()
                finally:
                    timer.cancel()
            gap = self.settings.state_min_interval - (loop.time() - last)
            if gap > 0:
                await asyncio.sleep(gap)
            changed.clear()
            header_id = self._next_header_id(Subtopic.STATE)
            await self._publish(client, Subtopic.STATE, self.executor.state(header_id))
            last = loop.time()

    async def _publish_visualizations(self, client: aiomqtt.Client) -> None:
        while True:
            await asyncio.sleep(self.settings.visualization_interval)
            sub = Subtopic.VISUALIZATION
            await self._publish(client, sub, self.executor.visualization(self._next_header_id(sub)))

    # --- messages

    async def _publish(self, client: aiomqtt.Client, sub: Subtopic, message: Header) -> None:
        delivery = DELIVERY[sub]
        await client.publish(
            self._topics[sub], message.to_json(), qos=delivery.qos, retain=delivery.retain
        )

    async def _publish_factsheet(self, client: aiomqtt.Client) -> None:
        settings = self.settings
        factsheet = build_factsheet(
            self.driver.description(),
            header_id=self._next_header_id(Subtopic.FACTSHEET),
            manufacturer=settings.manufacturer,
            serial_number=settings.serial_number,
            state_interval=settings.state_interval,
            state_min_interval=settings.state_min_interval,
            visualization_interval=settings.visualization_interval,
        )
        await self._publish(client, Subtopic.FACTSHEET, factsheet)

    async def _republish_factsheet(self) -> None:
        """The factsheetRequest instant action."""
        if self._client is None:
            raise RuntimeError("not connected to the broker")
        await self._publish_factsheet(self._client)

    def _connection_message(self, state: ConnectionState) -> Connection:
        return Connection(
            header_id=self._next_header_id(Subtopic.CONNECTION),
            timestamp=utc_now(),
            manufacturer=self.settings.manufacturer,
            serial_number=self.settings.serial_number,
            connection_state=state,
        )

    def _next_header_id(self, sub: Subtopic) -> int:
        """Spec 6.4: headerId per topic, incremented by one with each message sent."""
        header_id = self._header_ids[sub]
        self._header_ids[sub] = header_id + 1
        return header_id


async def _run_until_first_ends(*coroutines: Coroutine[Any, Any, object]) -> None:
    """Run the coroutines until one of them returns or fails (its error is raised)."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        await _cancel_and_wait(tasks)


async def _cancel_and_wait(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and wait until they have ended, cancelling again if one ignored it
    (asyncio.wait_for in Python < 3.12 can swallow a cancellation that races its result)."""
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=1.0)
