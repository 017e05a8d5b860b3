"""The MQTT gateway, the only code that talks to the broker: ingests vehicles, sends orders."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import aiomqtt
from pydantic import BaseModel, ValidationError

from fleet_protocol.actions import Action
from fleet_protocol.base import Header, utc_now
from fleet_protocol.broker_url import parse_broker_url, tls_context
from fleet_protocol.connection import Connection
from fleet_protocol.factsheet import Factsheet
from fleet_protocol.order import InstantActions, Order
from fleet_protocol.state import State, Visualization
from fleet_protocol.topics import (
    DELIVERY,
    MASTER_SUBSCRIBES,
    Subtopic,
    TopicAddress,
    parse_topic,
    topic,
    wildcard,
)
from fleet_server.live import FleetRegistry
from fleet_server.models import Robot

log = logging.getLogger(__name__)

INBOUND: dict[Subtopic, type[BaseModel]] = {
    Subtopic.STATE: State,
    Subtopic.VISUALIZATION: Visualization,
    Subtopic.CONNECTION: Connection,
    Subtopic.FACTSHEET: Factsheet,
}
OUTBOX_LIMIT = 100_000


class Gateway:
    """Subscribes to every vehicle's state, visualization, connection and factsheet topics,
    and publishes queued orders and instant actions; reconnects with capped backoff."""

    def __init__(
        self,
        registry: FleetRegistry,
        *,
        mqtt_url: str,
        interface: str,
        ca_file: Path | None = None,
        reconnect_min_s: float = 0.5,
        reconnect_max_s: float = 10.0,
    ) -> None:
        self.registry = registry
        self.broker = parse_broker_url(mqtt_url)
        # Made once: the CA file is read and checked at start, not at every reconnect.
        self._tls = tls_context(ca_file) if self.broker.tls else None
        self.interface = interface
        self.reconnect_min_s = reconnect_min_s
        self.reconnect_max_s = reconnect_max_s
        self.connected = asyncio.Event()
        self._outbox: asyncio.Queue[tuple[str, bytes, int, bool]] = asyncio.Queue(OUTBOX_LIMIT)
        self._header_ids: dict[tuple[str, Subtopic], int] = defaultdict(int)
        self._handlers: dict[Subtopic, Callable[[TopicAddress, BaseModel], None]] = {
            Subtopic.STATE: registry.on_state,  # type: ignore[dict-item]
            Subtopic.VISUALIZATION: registry.on_visualization,  # type: ignore[dict-item]
            Subtopic.CONNECTION: registry.on_connection,  # type: ignore[dict-item]
            Subtopic.FACTSHEET: registry.on_factsheet,  # type: ignore[dict-item]
        }
        self._warned: set[tuple[str, str]] = set()

    # ---- outbound (Outbox protocol)

    def send_order(self, robot: Robot, order: Order) -> None:
        """Queue an order for the robot."""
        self._queue(robot, Subtopic.ORDER, order)

    def send_instant_actions(self, robot: Robot, actions: list[Action]) -> None:
        """Queue instant actions for the robot."""
        message = InstantActions(
            header_id=0,
            timestamp=utc_now(),
            manufacturer=robot.manufacturer,
            serial_number=robot.serial_number,
            actions=actions,
        )
        self._queue(robot, Subtopic.INSTANT_ACTIONS, message)

    def _queue(self, robot: Robot, subtopic: Subtopic, message: Header) -> None:
        key = (robot.serial_number, subtopic)
        message.header_id = self._header_ids[key]
        self._header_ids[key] += 1
        delivery = DELIVERY[subtopic]
        name = topic(self.interface, robot.manufacturer, robot.serial_number, subtopic)
        try:
            self._outbox.put_nowait((name, message.to_json(), delivery.qos, delivery.retain))
        except asyncio.QueueFull:
            log.error("outbox full; dropping %s for %s", subtopic.value, robot.serial_number)

    # ---- the session

    async def run(self) -> None:
        """Stay connected until cancelled."""
        delay = self.reconnect_min_s
        while True:
            try:
                async with aiomqtt.Client(
                    hostname=self.broker.host,
                    port=self.broker.port,
                    username=self.broker.username,
                    password=self.broker.password,
                    identifier=f"fleet-server-{uuid.uuid4().hex[:8]}",
                    keepalive=15,
                    tls_context=self._tls,
                ) as client:
                    for subtopic in MASTER_SUBSCRIBES:
                        await client.subscribe(wildcard(self.interface, subtopic), qos=1)
                    log.info("gateway connected to %s", self.broker.display)
                    self.connected.set()
                    self.registry.broker_connection(True)
                    delay = self.reconnect_min_s
                    sender = asyncio.create_task(self._send_loop(client))
                    try:
                        async for message in client.messages:
                            self.handle(str(message.topic), message.payload)
                    finally:
                        sender.cancel()
            except aiomqtt.MqttError as exc:
                self.connected.clear()
                self.registry.broker_connection(False)
                log.warning("gateway lost the broker (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.reconnect_max_s)

    async def _send_loop(self, client: aiomqtt.Client) -> None:
        while True:
            name, payload, qos, retain = await self._outbox.get()
            try:
                await client.publish(name, payload, qos=qos, retain=retain)
            except aiomqtt.MqttError:
                # Put it back for the next connection and let the session reconnect.
                self._outbox.put_nowait((name, payload, qos, retain))
                raise

    def handle(self, name: str, payload: object) -> None:
        """Parse one inbound message for the registry; bad input is logged, never fatal."""
        try:
            address = parse_topic(name)
            model = INBOUND.get(address.subtopic)
            if model is None or address.interface != self.interface:
                return
            if not isinstance(payload, (bytes, bytearray)):
                raise ValueError("payload is not bytes")
            if not payload and DELIVERY[address.subtopic].retain:
                return  # an empty retained payload only clears the broker's retained message
            message = model.model_validate_json(payload)
            self._handlers[address.subtopic](address, message)
        except (ValueError, ValidationError) as exc:
            self.registry.stats.rejected_messages += 1
            key = (name, type(exc).__name__)
            if key not in self._warned:
                self._warned.add(key)
                log.warning("rejected message on %s: %s", name, str(exc).splitlines()[0:3])
