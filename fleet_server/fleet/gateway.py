"""The MQTT gateway, the only code that talks to the broker: ingests vehicles, sends orders."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

import aiomqtt
from pydantic import BaseModel, ValidationError

from fleet_protocol.actions import Action
from fleet_protocol.base import Header, utc_now
from fleet_protocol.broker_url import parse_broker_url, tls_context
from fleet_protocol.connection import Connection
from fleet_protocol.factsheet import Factsheet
from fleet_protocol.logs import LogContext
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
from fleet_server.fleet.header_ids import HeaderIds
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.rejections import (
    HEADER_MISMATCH,
    INTERNAL,
    MALFORMED,
    NON_FINITE,
    OVERSIZED,
    TOPIC,
)

log = logging.getLogger(__name__)

INBOUND: dict[Subtopic, type[BaseModel]] = {
    Subtopic.STATE: State,
    Subtopic.VISUALIZATION: Visualization,
    Subtopic.CONNECTION: Connection,
    Subtopic.FACTSHEET: Factsheet,
}
OUTBOX_LIMIT = 100_000
# A state of a few hundred node states is tens of kB; a message past this is no vehicle's.
DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024


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
        max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        self.registry = registry
        self.broker = parse_broker_url(mqtt_url)
        # Made once: the CA file is read and checked at start, not at every reconnect.
        self._tls = tls_context(ca_file) if self.broker.tls else None
        self.interface = interface
        self.reconnect_min_s = reconnect_min_s
        self.reconnect_max_s = reconnect_max_s
        self.max_payload_bytes = max_payload_bytes
        self.connected = asyncio.Event()
        # Sessions with the broker since start: every one after the first is a reconnection.
        self.sessions = 0
        self._outbox: asyncio.Queue[tuple[str, bytes, int, bool]] = asyncio.Queue(OUTBOX_LIMIT)
        self._header_ids = HeaderIds(registry.store.engine)
        self._handlers: dict[Subtopic, Callable[[TopicAddress, BaseModel], None]] = {
            Subtopic.STATE: registry.on_state,  # type: ignore[dict-item]
            Subtopic.VISUALIZATION: registry.on_visualization,  # type: ignore[dict-item]
            Subtopic.CONNECTION: registry.on_connection,  # type: ignore[dict-item]
            Subtopic.FACTSHEET: registry.on_factsheet,  # type: ignore[dict-item]
        }

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
        message.header_id = self._header_ids.next(robot.serial_number, subtopic.value)
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
                    self.sessions += 1
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
        """Take in one inbound message; whatever is refused is counted by reason, never fatal."""
        try:
            address = parse_topic(name)
        except ValueError as exc:
            self.registry.rejections.count(name, TOPIC, str(exc))
            return
        # What is logged while the message is handled (missions too) names its robot.
        with LogContext(robot=address.serial_number):
            self._handle(name, address, payload)

    def _handle(self, name: str, address: TopicAddress, payload: object) -> None:
        rejections = self.registry.rejections
        model = INBOUND.get(address.subtopic)
        serial = address.serial_number
        if model is None or address.interface != self.interface:
            rejections.count(serial, TOPIC, f"{name} is not a vehicle topic of {self.interface}")
            return
        if not isinstance(payload, (bytes, bytearray)):
            rejections.count(serial, MALFORMED, f"payload on {name} is not bytes")
            return
        if len(payload) > self.max_payload_bytes:
            size = f"{len(payload):,} bytes on {name}, over the limit of {self.max_payload_bytes:,}"
            rejections.count(serial, OVERSIZED, size)
            return
        if not payload and DELIVERY[address.subtopic].retain:
            return  # an empty retained payload only clears the broker's retained message
        try:
            message = model.model_validate_json(payload)
        except ValidationError as exc:
            errors = exc.errors()
            reason = NON_FINITE if any(e["type"] == "finite_number" for e in errors) else MALFORMED
            rejections.count(serial, reason, f"{name}: {_first_error(exc)}")
            return
        assert isinstance(message, Header)
        if (message.manufacturer, message.serial_number) != (address.manufacturer, serial):
            claimed = f"{message.manufacturer}/{message.serial_number}"
            rejections.count(serial, HEADER_MISMATCH, f"{name} carries a header of {claimed}")
            return
        try:
            self._handlers[address.subtopic](address, message)
        except Exception:
            # A bug in handling one message must not stop ingest for the whole fleet.
            rejections.count(serial, INTERNAL, f"handling {name} failed")
            log.exception("handling a message on %s failed", name)
            return


def _first_error(exc: ValidationError) -> str:
    """The first problem pydantic found, with where it is."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "message"
    return f"{where}: {error['msg']}"
